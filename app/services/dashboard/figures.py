"""Budget, declared, certified and paid amounts of a project, per partner, cost category and reporting period,
read with a fixed number of grouped SQL queries (whatever the number of partners, claims or lines).

- budget: the budget lines;
- declared: what submitted claims declare (lines of claims submitted or in verification; the category totals,
  flat rates included, of certified claims);
- certified: the certified category totals of certified claims (also those in a payment request, and paid);
- paid: the certified totals of claims whose EFRO has been paid;
- corrected: the financial corrections booked on certified claims (negative; by the corrected claim's period).
  Absorption is certified plus corrected: what counts against the budget (services/corrections/net.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from ...extensions import db
from ...models import (
    BudgetLine,
    Claim,
    ClaimCategoryTotal,
    ClaimLine,
    ClaimStatus,
    CorrectionAmount,
    FinancialCorrection,
    Partner,
    Project,
)
from ...models.claim import FINAL_STATES
from ...money import ZERO

OPEN_STATES = (ClaimStatus.SUBMITTED, ClaimStatus.IN_VERIFICATION)
MEASURES = ("budget", "declared", "certified", "paid")


@dataclass
class Amounts:
    budget: Decimal = ZERO
    declared: Decimal = ZERO
    certified: Decimal = ZERO
    paid: Decimal = ZERO
    corrected: Decimal = ZERO  # not charted: it only makes absorption net

    def add(self, measure: str, amount: Decimal | None) -> None:
        setattr(self, measure, getattr(self, measure) + (amount or ZERO))

    @property
    def net_certified(self) -> Decimal:
        """What counts against the budget, and so the absorption: certified less the corrections."""
        return self.certified + self.corrected


@dataclass
class Breakdown:
    """Amounts per partner, per category, per period (each summed over the others) and in total."""

    by_partner: dict[int, Amounts] = field(default_factory=lambda: defaultdict(Amounts))
    by_category: dict[int, Amounts] = field(default_factory=lambda: defaultdict(Amounts))
    by_period: dict[int, Amounts] = field(default_factory=lambda: defaultdict(Amounts))
    total: Amounts = field(default_factory=Amounts)
    waiting: dict[int, Decimal] = field(default_factory=dict)  # claim waiting for verification -> declared

    def add(self, measure: str, partner_id: int, category_id: int, period_id: int, amount: Decimal | None) -> None:
        for target in (self.by_partner[partner_id], self.by_category[category_id], self.by_period[period_id],
                       self.total):
            target.add(measure, amount)


def breakdown(project: Project, partner_ids: set[int] | None) -> Breakdown:
    """The measures of the project, or of these partners only (a partner user's scope). Five queries."""
    result = Breakdown()

    def scope(column):
        return [column.in_(partner_ids)] if partner_ids is not None else []

    budget = (select(BudgetLine.partner_id, BudgetLine.category_id, BudgetLine.period_id,
                     db.func.sum(BudgetLine.amount))
              .join(Partner, BudgetLine.partner_id == Partner.id)
              .where(Partner.project_id == project.id, *scope(BudgetLine.partner_id))
              .group_by(BudgetLine.partner_id, BudgetLine.category_id, BudgetLine.period_id))
    for partner_id, category_id, period_id, amount in db.session.execute(budget):
        result.add("budget", partner_id, category_id, period_id, amount)

    # the lines of the claims waiting for verification, by the category each line holds (no join to the
    # expenditures: tens of thousands of waiting lines are summed in one pass over their claims' lines)
    open_lines = (select(Claim.id, Claim.partner_id, ClaimLine.category_id, Claim.period_id,
                         db.func.sum(ClaimLine.declared_amount))
                  .join(ClaimLine, ClaimLine.claim_id == Claim.id)
                  .where(Claim.project_id == project.id, Claim.status.in_(OPEN_STATES), *scope(Claim.partner_id))
                  .group_by(Claim.id, Claim.partner_id, ClaimLine.category_id, Claim.period_id))
    for claim_id, partner_id, category_id, period_id, amount in db.session.execute(open_lines):
        result.add("declared", partner_id, category_id, period_id, amount)
        result.waiting[claim_id] = result.waiting.get(claim_id, ZERO) + (amount or ZERO)

    final = (select(Claim.partner_id, ClaimCategoryTotal.category_id, Claim.period_id, Claim.status,
                    db.func.sum(ClaimCategoryTotal.declared), db.func.sum(ClaimCategoryTotal.certified))
             .join(ClaimCategoryTotal, ClaimCategoryTotal.claim_id == Claim.id)
             .where(Claim.project_id == project.id, Claim.status.in_(FINAL_STATES), *scope(Claim.partner_id))
             .group_by(Claim.partner_id, ClaimCategoryTotal.category_id, Claim.period_id, Claim.status))
    for partner_id, category_id, period_id, status, declared, certified in db.session.execute(final):
        result.add("declared", partner_id, category_id, period_id, declared)
        result.add("certified", partner_id, category_id, period_id, certified)
        if status is ClaimStatus.PAID:
            result.add("paid", partner_id, category_id, period_id, certified)

    corrections = (select(Claim.partner_id, CorrectionAmount.category_id, Claim.period_id,
                          db.func.sum(CorrectionAmount.amount))
                   .join(FinancialCorrection, CorrectionAmount.correction_id == FinancialCorrection.id)
                   .join(Claim, FinancialCorrection.claim_id == Claim.id)
                   .where(Claim.project_id == project.id, Claim.status.in_(FINAL_STATES), *scope(Claim.partner_id))
                   .group_by(Claim.partner_id, CorrectionAmount.category_id, Claim.period_id))
    for partner_id, category_id, period_id, amount in db.session.execute(corrections):
        result.add("corrected", partner_id, category_id, period_id, amount)
    return result


@dataclass
class Cumulative:
    """Budget, declared, certified and certified after corrections summed up to and including each reporting
    period."""

    period_id: int
    number: int
    label: str
    budget: Decimal
    declared: Decimal
    certified: Decimal
    net_certified: Decimal


def cumulative(periods, data: Breakdown) -> list[Cumulative]:
    """Absorption over time: per reporting period (in order), the running totals."""
    rows, running = [], Amounts()
    for period in periods:
        amounts = data.by_period.get(period.id, Amounts())
        for measure in ("budget", "declared", "certified", "corrected"):
            running.add(measure, getattr(amounts, measure))
        rows.append(Cumulative(period.id, period.number, period.label, running.budget, running.declared,
                               running.certified, running.net_certified))
    return rows
