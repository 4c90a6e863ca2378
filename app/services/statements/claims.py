"""The data of a claim's statement of expenditure and of its verification certificate, from the database."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from reports.statements import (
    Category,
    CategoryTotal,
    Certificate,
    ClaimInfo,
    ClaimLineRow,
    ClaimPayment,
    ClaimStatement,
    DeductionByType,
    EvidenceRow,
    Finding,
    Header,
)

from ...extensions import db
from ...models import (
    Claim,
    ClaimLine,
    CostCategory,
    Document,
    Expenditure,
    ExpenditureDocument,
    FinancialCorrection,
    LineStatus,
    Partner,
    PaymentRequest,
)
from ...models.claim import FINAL_STATES
from ...models.project import CategoryKind, is_default_name
from ...money import ZERO
from ...permissions import visible_partner_ids
from ..claims.figures import ClaimFigures, figures
from ..funding.sources import claim_shares, statement_fund_name
from ..payments.actions import shares as request_shares

STREAM_BATCH = 1000


def category_of(kind, name: str, partner: Partner | None = None, category_id: int | None = None) -> Category:
    """A category as statements name it: the project's own name only where it configured one; a default name
    is left to the builder, which names the kind in the statement's language (as category_label does on the
    pages, from the same table: reports/labels.py)."""
    kind = CategoryKind(kind)
    rate = next((fr for fr in (partner.flat_rates if partner else []) if fr.category_id == category_id), None)
    return Category(kind.value, None if is_default_name(kind, name) else name,
                    rate.rate if rate else None, rate.basis.value if rate else None)


def _scope(user, claim: Claim) -> set[int] | None:
    """Whose expenditures a possible double financing may name: the user's scope (None: the operator)."""
    return None if user is None else visible_partner_ids(user, claim.partner.project)


def _info(claim: Claim, fig: ClaimFigures) -> ClaimInfo:
    fixed = claim.certified_total is not None
    return ClaimInfo(
        claim_id=claim.id, partner_number=claim.partner.number, partner_name=claim.partner.name,
        period_number=claim.period.number, period_start=claim.period.start_date, period_end=claim.period.end_date,
        status=claim.status.value, created_at=claim.created_at, submitted_at=claim.submitted_at,
        submitted_by=claim.submitted_by.full_name if claim.submitted_by else None,
        verifier=claim.verifier.full_name if claim.verifier else None, certified_at=claim.certified_at,
        certified_by=claim.certified_by.full_name if claim.certified_by else None,
        rate=claim.partner.project.cofinancing_rate, fixed=fixed, declared=fig.declared,
        certified=claim.certified_total if fixed else fig.certified,
        efro=claim.efro_total if fixed else fig.efro,
        contribution=claim.contribution_total if fixed else fig.contribution,
        parked_amount=fig.parked_amount, line_count=fig.line_count,
        fund_name=statement_fund_name(claim.partner.project),
        shares=tuple((s.name, s.rate, s.amount) for s in claim_shares(claim)), payment=_payment(claim),
        **_corrections(claim))


def _payment(claim: Claim) -> ClaimPayment | None:
    """The partner's share in the claim's payment request: offset, not received, passed on (a partner whose
    whole share was offset against a recovery is paid with nothing passed on)."""
    request = db.session.get(PaymentRequest, claim.payment_request_id) if claim.payment_request_id else None
    if request is None:
        return None
    share = next((s for s in request_shares(request) if s.partner.id == claim.partner_id), None)
    if share is None:
        return None
    return ClaimPayment(request.number, share.offset, share.not_received, share.transferred)


def _corrections(claim: Claim) -> dict:
    """The corrections booked on the claim so far (after certification), and the EFRO lost to the ceiling."""
    total, efro = db.session.execute(
        select(func.coalesce(func.sum(FinancialCorrection.total), ZERO),
               func.coalesce(func.sum(FinancialCorrection.efro), ZERO))
        .where(FinancialCorrection.claim_id == claim.id)).one()
    return {"corrected": total or ZERO, "corrected_efro": efro or ZERO, "efro_capped": claim.efro_capped or ZERO}


def _categories(claim: Claim, fig: ClaimFigures) -> list[CategoryTotal]:
    """Categories with a budget or figures; once certified, EFRO and contribution are fixed (zero where the
    claim had nothing in a category)."""
    zero = ZERO if fig.fixed else None
    return [CategoryTotal(category_of(r.kind, r.name, claim.partner, r.category_id), r.budget, r.declared,
                          r.certified, zero if r.efro is None else r.efro,
                          zero if r.contribution is None else r.contribution)
            for r in fig.rows if r.declared or r.certified or r.budget]


def _lines(claim: Claim) -> list[ClaimLine]:
    return list(db.session.scalars(
        select(ClaimLine).join(Expenditure).join(CostCategory, ClaimLine.category_id == CostCategory.id)
        .where(ClaimLine.claim_id == claim.id)
        .options(contains_eager(ClaimLine.expenditure), contains_eager(ClaimLine.category))
        .order_by(CostCategory.position, Expenditure.payment_date, Expenditure.id)))


def _line_rows(claim: Claim) -> Iterator[ClaimLineRow]:
    """The claim's lines as rows, streamed from the database (plain columns, no objects kept)."""
    categories: dict[int, Category] = {}
    query = (select(Expenditure.id, Expenditure.internal_ref, Expenditure.supplier, Expenditure.invoice_number,
                    Expenditure.invoice_date, Expenditure.payment_date, ClaimLine.category_id, CostCategory.kind,
                    CostCategory.name, Expenditure.description, ClaimLine.declared_amount, ClaimLine.deduction,
                    ClaimLine.status, ClaimLine.error_type, ClaimLine.comment)
             .join(Expenditure, ClaimLine.expenditure_id == Expenditure.id)
             .join(CostCategory, ClaimLine.category_id == CostCategory.id)
             .where(ClaimLine.claim_id == claim.id)
             .order_by(CostCategory.position, Expenditure.payment_date, Expenditure.id)
             .execution_options(yield_per=STREAM_BATCH))
    for (exp_id, ref, supplier, invoice, invoice_date, payment_date, category_id, kind, name, description,
         declared, deduction, status, error_type, comment) in db.session.execute(query):
        if category_id not in categories:
            categories[category_id] = category_of(kind, name, claim.partner, category_id)
        yield ClaimLineRow(exp_id, ref or "", supplier, invoice, invoice_date, payment_date, categories[category_id],
                           description, declared, deduction, status.value, error_type.value if error_type else None,
                           comment or "")


def _evidence_rows(claim: Claim) -> Iterator[EvidenceRow]:
    query = (select(ExpenditureDocument.expenditure_id, ExpenditureDocument.filename, Document.sha256, Document.size)
             .join(Document, ExpenditureDocument.document_id == Document.id)
             .join(ClaimLine, ClaimLine.expenditure_id == ExpenditureDocument.expenditure_id)
             .where(ClaimLine.claim_id == claim.id)
             .order_by(ExpenditureDocument.expenditure_id, ExpenditureDocument.id)
             .execution_options(yield_per=STREAM_BATCH))
    for exp_id, filename, sha256, size in db.session.execute(query):
        yield EvidenceRow(exp_id, filename, sha256, size)


def claim_statement(user, claim: Claim, header: Header) -> ClaimStatement:
    """Every line of the claim with its verification, the totals per category, EFRO and contribution, and
    each evidence file's name and SHA-256. The lines and files stream from the database as the file is
    written; the figures take a fixed number of queries, whatever the number of lines."""
    fig = figures(claim, _scope(user, claim))
    return ClaimStatement(header, _info(claim, fig), _line_rows(claim), _categories(claim, fig),
                          _evidence_rows(claim))


def certificate(user, claim: Claim, header: Header) -> Certificate:
    """The verification of a certified claim: findings (deductions and parked lines), deductions by type of
    error, the certified totals, the verifier and the certifier."""
    if claim.status not in FINAL_STATES:
        raise ValueError("only a certified claim has a verification certificate")
    fig = figures(claim, _scope(user, claim))
    lines = _lines(claim)
    findings, by_type = [], defaultdict(lambda: [0, ZERO])
    for line in lines:
        exp = line.expenditure
        if line.deduction or line.status is LineStatus.PARKED:
            findings.append(Finding(
                exp.id, exp.supplier, exp.invoice_number,
                category_of(line.category.kind, line.category.name, claim.partner, line.category_id),
                line.declared_amount, line.deduction, line.status.value,
                line.error_type.value if line.error_type else None, line.comment or ""))
        if line.deduction:
            entry = by_type[line.error_type.value]
            entry[0] += 1
            entry[1] += line.deduction
    return Certificate(
        header=header, claim=_info(claim, fig), findings=findings,
        by_type=[DeductionByType(kind, n, amount) for kind, (n, amount) in sorted(by_type.items())],
        categories=_categories(claim, fig), verified_lines=fig.line_count - fig.pending - fig.parked,
        parked_lines=fig.parked, expenses_declared=fig.expenses)


def claim_with_details(claim_id: int) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.id == claim_id).options(
        joinedload(Claim.partner), joinedload(Claim.period)))
