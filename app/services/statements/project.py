"""The data of the project financial report at a date: per partner and cost category the budget (of the version
in force on that date), what was declared, certified and paid by that date, from grouped SQL (plus the live
figures of claims submitted but not yet certified)."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from reports.formatting import LOCAL_TZ
from reports.statements import FinancialReport, FinancialRow, Header

from ...extensions import db
from ...models import (
    Claim,
    ClaimCategoryTotal,
    ClaimStatus,
    CorrectionAmount,
    CostCategory,
    FinancialCorrection,
    Partner,
    Project,
)
from ...money import ZERO
from ..admin.versions import budget_on
from ..claims.figures import figures
from ..funding.sources import statement_fund_name
from .claims import category_of


def end_of_day(day: date) -> datetime:
    """The first moment after the local day ``day``, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC)


def financial_report(project: Project, at: date, header: Header) -> FinancialReport:
    end = end_of_day(at)
    partners = list(db.session.scalars(select(Partner).where(Partner.project_id == project.id)
                                       .order_by(Partner.number)))
    categories = list(db.session.scalars(select(CostCategory).where(CostCategory.project_id == project.id)
                                         .order_by(CostCategory.position)))
    budget, efro_budget = budget_on(project, at)  # the budget as approved on that date (modifications)

    def fixed(condition, *amounts):
        return {(p, c): values for p, c, *values in db.session.execute(
            select(Claim.partner_id, ClaimCategoryTotal.category_id, *(func.sum(a) for a in amounts))
            .join(Claim, ClaimCategoryTotal.claim_id == Claim.id)
            .where(Claim.project_id == project.id, condition)
            .group_by(Claim.partner_id, ClaimCategoryTotal.category_id))}

    certified = fixed(Claim.certified_at < end, ClaimCategoryTotal.certified, ClaimCategoryTotal.efro)
    paid = fixed(Claim.paid_at < end, ClaimCategoryTotal.efro)
    corrected = {(p, c): (amount, efro) for p, c, amount, efro in db.session.execute(
        select(FinancialCorrection.partner_id, CorrectionAmount.category_id, func.sum(CorrectionAmount.amount),
               func.sum(CorrectionAmount.efro))
        .join(FinancialCorrection, CorrectionAmount.correction_id == FinancialCorrection.id)
        .where(FinancialCorrection.project_id == project.id, FinancialCorrection.booked_at < end)
        .group_by(FinancialCorrection.partner_id, CorrectionAmount.category_id))}
    declared = defaultdict(lambda: ZERO)
    for key, (amount,) in fixed(Claim.submitted_at < end, ClaimCategoryTotal.declared).items():
        declared[key] += amount
    # Claims submitted by the date and not certified yet: their figures as they stand (flat rates included).
    for claim in db.session.scalars(select(Claim).where(
            Claim.project_id == project.id, Claim.submitted_at < end, Claim.certified_total.is_(None),
            Claim.status.in_([ClaimStatus.SUBMITTED, ClaimStatus.IN_VERIFICATION]))):
        for row in figures(claim).rows:
            declared[(claim.partner_id, row.category_id)] += row.declared

    details, totals = [], []
    for partner in partners:
        sums = [ZERO] * 7
        for category in categories:
            key = (partner.id, category.id)
            cert, efro = certified.get(key, (ZERO, ZERO))
            values = [budget.get(key, ZERO), declared[key], cert, efro, paid.get(key, (ZERO,))[0],
                      *corrected.get(key, (ZERO, ZERO))]
            sums = [a + b for a, b in zip(sums, values, strict=True)]
            if any(values):
                details.append(FinancialRow(partner.number, partner.name, category_of(
                    category.kind, category.name, partner, category.id), values[0], None, *values[1:]))
        totals.append(FinancialRow(partner.number, partner.name, None, sums[0], efro_budget.get(partner.id, ZERO),
                                   *sums[1:]))
    return FinancialReport(header, at, project.cofinancing_rate, project.efro_ceiling, totals, details,
                           fund_name=statement_fund_name(project))
