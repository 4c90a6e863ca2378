"""Each statement's figures read back against the database, to the cent, in Dutch and English."""
import io
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    BudgetLine,
    Claim,
    ClaimLine,
    ClaimStatus,
    Document,
    ExpenditureDocument,
    FinancialCorrection,
    FundingKind,
    FundingSource,
    Partner,
)
from app.services.statements.produce import Spec, make
from reports import formatting
from tests.factories import project, user
from tests.reports.test_statement_builders import needs_fonts, needs_tool

pytestmark = pytest.mark.demo_history
CENT = Decimal("0.01")


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def sheet_rows(book, index):
    return list(book.worksheets[index].iter_rows(values_only=True))


def totals_row(book, index):
    """The last row of a table sheet: its totals."""
    return sheet_rows(book, index)[-1]


def pdf_text(content: bytes, tmp_path) -> str:
    needs_tool("pdftotext", "poppler-utils")
    path = tmp_path / "s.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def certified_claim() -> Claim:
    return db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.PAID).order_by(Claim.id).limit(1))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_claim_statement_holds_the_database_figures(app, lang, tmp_path):
    claim = certified_claim()
    spec = Spec.parse("claim-statement", "xlsx", lang, claim=claim.id)
    name, content = make(user("auditor@example.org"), project(), spec, "Aude Auditor")
    assert name.startswith(f"LES_claim-statement_PP{claim.partner.number}-{claim.partner.name}_{claim.id}_")
    book = load_workbook(io.BytesIO(content))
    declared, deducted = db.session.execute(select(func.sum(ClaimLine.declared_amount), func.sum(ClaimLine.deduction))
                                            .where(ClaimLine.claim_id == claim.id)).one()
    lines_total = totals_row(book, 2)
    assert (cents(lines_total[8]), cents(lines_total[9])) == (declared, deducted)
    assert cents(lines_total[10]) == declared - deducted  # every line of a certified claim is verified
    categories = totals_row(book, 1)
    assert cents(categories[4]) == claim.certified_total
    assert (cents(categories[5]), cents(categories[6])) == (claim.efro_total, claim.contribution_total)
    evidence = {(row[0], row[2]) for row in sheet_rows(book, 3)[1:]}
    in_db = set(db.session.execute(select(ExpenditureDocument.expenditure_id, Document.sha256)
                                   .join(Document).join(ClaimLine, ClaimLine.expenditure_id ==
                                                        ExpenditureDocument.expenditure_id)
                                   .where(ClaimLine.claim_id == claim.id)).tuples())
    assert evidence == in_db and len(in_db) == len(sheet_rows(book, 2)) - 2
    needs_fonts()
    _, pdf = make(user("auditor@example.org"), project(), Spec.parse("claim-statement", "pdf", lang, claim=claim.id),
                  "Aude Auditor")
    text = pdf_text(pdf, tmp_path)
    for amount in (claim.certified_total, claim.efro_total, declared):
        assert formatting.money(amount, lang, sign=False) in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_certificate_holds_deductions_by_type_and_the_certified_totals(app, lang, tmp_path):
    claim = certified_claim()
    _, content = make(None, project(), Spec.parse("certificate", "xlsx", lang, claim=claim.id), "test")
    book = load_workbook(io.BytesIO(content))
    deductions = db.session.scalar(select(func.sum(ClaimLine.deduction)).where(ClaimLine.claim_id == claim.id))
    assert deductions > 0
    assert cents(totals_row(book, 2)[2]) == deductions
    assert cents(totals_row(book, 1)[5]) == deductions  # findings
    assert cents(totals_row(book, 3)[3]) == claim.certified_total
    facts = {row[0]: row[1] for row in sheet_rows(book, 0) if row and row[0]}
    assert facts["Handtekening" if lang == "nl" else "Signature"] in (None, "")
    needs_fonts()
    _, pdf = make(None, project(), Spec.parse("certificate", "pdf", lang, claim=claim.id), "test")
    text = pdf_text(pdf, tmp_path)
    assert formatting.money(claim.certified_total, lang).replace("\xa0", " ") in text and "Fien Financiën" in text


def test_no_certificate_before_certification(app):
    from app.errors import DomainError
    open_claim = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.IN_VERIFICATION))
    with pytest.raises(DomainError, match="niet gecertificeerd"):
        make(None, project(), Spec.parse("certificate", "pdf", "nl", claim=open_claim.id), "test")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_financial_report_equals_the_approved_budget_and_the_claims(app, lang, tmp_path):
    les = project()
    _, content = make(None, les, Spec.parse("financial-report", "xlsx", lang, at="2030-01-01"), "test")
    book = load_workbook(io.BytesIO(content))
    totals = totals_row(book, 1)  # Partner, EFRO budget, contribution budget, budget, declared, certified, ...
    assert cents(totals[3]) == Decimal("2763165.00") and cents(totals[1]) == Decimal("1381582.00")
    assert cents(totals[2]) == Decimal("2763165.00") - Decimal("1381582.00")
    assert cents(totals[3]) == db.session.scalar(select(func.sum(BudgetLine.amount)).join(Partner)
                                                 .where(Partner.project_id == les.id))
    assert cents(totals[1]) == db.session.scalar(select(func.sum(FundingSource.amount)).join(Partner).where(
        Partner.project_id == les.id, FundingSource.kind == FundingKind.EFRO))
    certified, efro = db.session.execute(select(func.sum(Claim.certified_total), func.sum(Claim.efro_total))
                                         .where(Claim.project_id == les.id, Claim.certified_total.is_not(None))).one()
    assert (cents(totals[5]), cents(totals[6])) == (certified, efro)
    paid = db.session.scalar(select(func.sum(Claim.efro_total)).where(Claim.project_id == les.id,
                                                                    Claim.status == ClaimStatus.PAID))
    assert cents(totals[8]) == paid
    corrected = db.session.scalar(select(func.sum(FinancialCorrection.total))
                                  .where(FinancialCorrection.project_id == les.id))
    assert corrected < 0 and cents(totals[9]) == Decimal("2763165.00") - certified - corrected  # net remaining
    partner_rows = sheet_rows(book, 1)[1:-1]
    assert sum(cents(r[3]) for r in partner_rows) == cents(totals[3])  # totals are the sums of their rows
    detail = totals_row(book, 2)
    assert (cents(detail[2]), cents(detail[4]), cents(detail[7])) == (cents(totals[3]), certified, paid)
    # the declared figures include the claim in verification (submitted), not the draft
    in_verification = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.IN_VERIFICATION))
    assert cents(totals[4]) > certified and in_verification is not None
    # at a date before any certification, nothing is certified yet
    _, early = make(None, les, Spec.parse("financial-report", "xlsx", lang, at="2020-05-01"), "test")
    early_totals = totals_row(load_workbook(io.BytesIO(early)), 1)
    assert cents(early_totals[5]) == 0 and cents(early_totals[4]) > 0 and cents(early_totals[3]) == cents(totals[3])
    needs_fonts()
    _, pdf = make(None, les, Spec.parse("financial-report", "pdf", lang, at="2030-01-01"), "test")
    text = pdf_text(pdf, tmp_path)
    assert formatting.money(Decimal("2763165.00"), lang, sign=False) in text
    assert formatting.money(Decimal("1381582.00"), lang, sign=False) in text
    assert formatting.money(certified, lang, sign=False) in text


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_audit_extract_of_one_object_holds_its_events_and_their_checkpoint(app, fmt, tmp_path):
    claim = certified_claim()
    spec = Spec.parse("audit-extract", fmt, "en", events={"object_type": "claim", "object_id": str(claim.id)})
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "claim",
                                                              AuditEvent.object_id == str(claim.id),
                                                              AuditEvent.project_id == claim.project_id)
                                     .order_by(AuditEvent.seq)))
    if fmt == "pdf":
        needs_fonts()
    name, content = make(None, project(), spec, "test")
    assert name.startswith(f"LES_audit-extract_claim-{claim.id}_")
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(content))
        rows = sheet_rows(book, 1)[1:]
        assert [(r[0], r[9]) for r in rows] == [(e.seq, e.hash) for e in events]
        assert any("Certified" in (r[6] or "") for r in rows)
        facts = {row[0]: row[1] for row in sheet_rows(book, 0) if row and row[0]}
        assert "signed checkpoint" in facts["Covered by"] and facts["Events"] == str(len(events))
    else:
        text = pdf_text(content, tmp_path)
        assert events[-1].hash[:32] in text and "Covered by" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_statement_names_the_categories_as_the_pages_do_in_its_language(app, lang):
    """A default category is named in the statement's language, by the same names as the pages
    (CostCategory.label); a name the project gave a category itself stays as it was entered."""
    from flask_babel import force_locale

    from app.models import CategoryKind, CostCategory
    from tests.factories import category
    category(CategoryKind.TRAVEL).name = "Reizen naar Terneuzen"  # the project's own name
    db.session.commit()
    claim = certified_claim()
    _, content = make(None, project(), Spec.parse("claim-statement", "xlsx", lang, claim=claim.id), "test")
    named = {row[0] for row in sheet_rows(load_workbook(io.BytesIO(content)), 1)[1:-1]}
    with force_locale(lang):
        on_the_pages = {c.label for c in db.session.scalars(select(CostCategory).where(
            CostCategory.project_id == project().id))}
    assert named and named <= on_the_pages
    assert ("Staff costs" if lang == "en" else "Personeelskosten") in named
    assert ("Personeelskosten" if lang == "en" else "Staff costs") not in named
    assert "Reizen naar Terneuzen" in named
