"""flask export statement: every kind for batch runs, audited; a wrong selector exits non-zero with a message."""
import io
import json

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


def test_the_fund_register_from_the_command_line_with_filters_and_without_personal_data(app, tmp_path):
    """The demo's LES Fonds: the whole register with the contact persons (the operator), a filtered one, and
    one to publish without personal data; each audited, a filter the register does not know refused."""
    needs_fonts()
    from app.models import FundAction
    actions = list(db.session.scalars(select(FundAction).order_by(FundAction.number)))
    assert len(actions) >= 12
    whole, be, public = tmp_path / "r.xlsx", tmp_path / "be.pdf", tmp_path / "public.xlsx"
    for out, extra in ((whole, []), (be, ["--country", "BE", "--status", "approved"]),
                       (public, ["--without-personal-data"])):
        result = run(app, "--project", "LES", "--kind", "fund-register", "--format", out.suffix[1:], "--lang", "nl",
                     "--out", str(out), *extra)
        assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(whole.read_bytes())).worksheets[1]
    head = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert "Contactpersoon" in head and len(rows) == len(actions) + 1
    assert {r[head.index("Contactpersoon")] for r in rows[:-1]} == {a.contact_name for a in actions}
    public_sheet = load_workbook(io.BytesIO(public.read_bytes())).worksheets[1]
    assert "Contactpersoon" not in [c.value for c in public_sheet[1]]
    texts = {str(c) for row in public_sheet.iter_rows(values_only=True) for c in row}
    assert not texts & {a.contact_name for a in actions} and not any("@" in t for t in texts)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statement.downloaded")
                                     .order_by(AuditEvent.seq)))
    assert len(events) == 3 and {e.object_type for e in events} == {"fund"}
    afters = [json.loads(e.after) for e in events]
    assert [a["personal_data"] for a in afters] == [True, True, False]
    assert afters[1]["filters"] == {"country": "BE", "status": "approved"} and afters[1]["filename"] == "be.pdf"
    bad = run(app, "--project", "LES", "--kind", "fund-register", "--format", "pdf", "--out", str(be),
              "--country", "DE")
    assert bad.exit_code == 2 and "country DE" in bad.output
    no_fund = run(app, "--project", "LLL", "--kind", "fund-register", "--format", "pdf", "--out", str(be))
    assert no_fund.exit_code == 2 and "LLL" in no_fund.output
