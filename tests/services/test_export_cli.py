"""flask export statement: every kind for batch runs, audited; a wrong selector exits non-zero with a message."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimStatus
from tests.reports.test_statement_builders import needs_fonts

pytestmark = pytest.mark.demo_history


def run(app, *args):
    return app.test_cli_runner().invoke(args=["export", "statement", *args])


def paid_claim() -> Claim:
    return db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.PAID).order_by(Claim.id).limit(1))


def test_each_kind_from_the_command_line_is_written_and_audited(app, tmp_path):
    needs_fonts()
    claim = paid_claim()
    cases = [("claim-statement", ["--claim", str(claim.id)]), ("certificate", ["--claim", str(claim.id)]),
             ("financial-report", ["--date", "2021-01-01"]),
             ("audit-extract", ["--from", "2020-01-01", "--to", "2020-12-31", "--object", f"claim:{claim.id}"])]
    for kind, selectors in cases:
        for fmt in ("xlsx", "pdf"):
            out = tmp_path / f"{kind}.{fmt}"
            result = run(app, "--project", "LES", "--kind", kind, "--format", fmt, "--lang", "en", "--out", str(out),
                         *selectors)
            assert result.exit_code == 0, result.output
            assert out.stat().st_size > 1000 and str(out) in result.output
    book = load_workbook(io.BytesIO((tmp_path / "financial-report.xlsx").read_bytes()))
    assert book.worksheets[0].cell(row=3, column=2).value == "Interreg V Vlaanderen-Nederland 2014-2020"
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statement.downloaded")))
    assert len(events) == 8 and {e.actor for e in events} == {"flask export statement"}


@pytest.mark.parametrize("args, message", [
    (["--project", "NOPE", "--kind", "financial-report"], "project NOPE does not exist"),
    (["--project", "LES", "--kind", "claim-statement"], "declaratienummer"),
    (["--project", "LES", "--kind", "claim-statement", "--claim", "999999"], "bestaat niet in project LES"),
    (["--project", "LES", "--kind", "claim-statement", "--claim", "abc"], "declaratienummer"),
    (["--project", "LLL", "--kind", "claim-statement", "--claim", "1"], "bestaat niet in project LLL"),
    (["--project", "LES", "--kind", "certificate", "--claim", "{open}"], "niet gecertificeerd"),
    (["--project", "LES", "--kind", "financial-report", "--claim", "1"], "laat het declaratienummer weg"),
    (["--project", "LES", "--kind", "financial-report", "--date", "30-02-2021"], "geen datum"),
    (["--project", "LES", "--kind", "claim-statement", "--claim", "1", "--date", "2021-01-01"], "laat de datum weg"),
    (["--project", "LES", "--kind", "audit-extract", "--object", "claim"], "TYPE:ID"),
    (["--project", "LES", "--kind", "audit-extract", "--object", "claim:x"], "geheel getal"),
    (["--project", "LES", "--kind", "audit-extract", "--user", "nobody@example.org"], "no user"),
    (["--project", "LES", "--kind", "financial-report", "--from", "2020-01-01"], "laat de filters"),
])
def test_a_wrong_selector_exits_non_zero_with_a_clear_message(app, tmp_path, args, message):
    open_claim = db.session.scalar(select(Claim.id).where(Claim.status == ClaimStatus.IN_VERIFICATION))
    args = [a.replace("{open}", str(open_claim)) for a in args]
    before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    result = run(app, *args, "--format", "xlsx", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert not (tmp_path / "x.xlsx").exists()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == before


def test_unknown_kind_or_format_is_refused_by_the_options(app, tmp_path):
    result = run(app, "--project", "LES", "--kind", "balance", "--format", "xlsx", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2 and "balance" in result.output
    result = run(app, "--project", "LES", "--kind", "financial-report", "--format", "csv", "--out",
                 str(tmp_path / "x"))
    assert result.exit_code == 2
