"""A claim's figures per cost category, as plain data (numbers and labels, no ORM objects), so that a page
or a statement builder can take them as they are: declared and certified amounts with flat rates computed on
the category totals, the budget, what earlier certified claims used, EFRO and own contribution."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    CategoryKind,
    Claim,
    ClaimCategoryTotal,
    ClaimLine,
    CostCategory,
    FlatRateBasis,
    LineStatus,
    Partner,
    category_label,
)
from ...money import ZERO, allocate, flat_rate, percent_of, split_fund
from ..admin.versions import budget_in_force
from ..corrections.net import net_certified


@dataclass
class CategoryRow:
    category_id: int
    name: str
    kind: CategoryKind
    flat_rate: str | None = None  # e.g. "15% of staff costs" (in the request's language)
    declared: Decimal = ZERO
    certified: Decimal = ZERO
    budget: Decimal = ZERO
    earlier: Decimal = ZERO  # net certified in the partner's other claims (before this one, once certified)
    efro: Decimal | None = None  # this category's allocation of the claim's EFRO (certified claims)
    contribution: Decimal | None = None

    def cumulative(self, amount: Decimal) -> Decimal:
        return self.earlier + amount

    def limit(self, flexibility: Decimal) -> Decimal:
        return self.budget + percent_of(self.budget, flexibility)


@dataclass
class ClaimFigures:
    rows: list[CategoryRow]
    rate: Decimal  # the EFRO co-financing rate, percent
    flexibility: Decimal
    partner_budget: Decimal
    partner_earlier: Decimal
    line_count: int = 0
    pending: int = 0
    parked: int = 0
    parked_amount: Decimal = ZERO  # declared on parked lines (not in the declared or certified figures)
    fixed: bool = False  # certified: the figures fixed at certification
    budget_version: int | None = None  # the budget version the claim is checked against (None: no versions)

    @property
    def declared(self) -> Decimal:
        return sum((r.declared for r in self.rows), ZERO)

    @property
    def certified(self) -> Decimal:
        return sum((r.certified for r in self.rows), ZERO)

    @property
    def efro(self) -> Decimal:
        """The claim's EFRO: the certified total times the rate, rounded down to the cent (fixed once
        certified; before that, what certification of the current figures would give)."""
        if self.fixed:
            return sum((r.efro or ZERO for r in self.rows), ZERO)
        return split_fund(self.certified, self.rate)[0]

    @property
    def contribution(self) -> Decimal:
        return self.certified - self.efro

    @property
    def expenses(self) -> Decimal:
        """What the lines declare, parked lines included (the flat rates come on top)."""
        return sum((r.declared for r in self.rows if r.flat_rate is None), ZERO) + self.parked_amount

    @property
    def flat_declared(self) -> Decimal:
        return sum((r.declared for r in self.rows if r.flat_rate is not None), ZERO)

    def warnings(self, basis: str) -> tuple[list[str], list[str]]:
        """(warnings, refusals) for the 'declared' or 'certified' amounts against the budget."""
        warnings, refusals = [], []
        for r in self.rows:
            amount = r.cumulative(getattr(r, basis))
            if amount > r.limit(self.flexibility):
                refusals.append(_(
                    "%(category)s: %(amount)s cumulative, more than the budget %(budget)s plus %(flexibility)s "
                    "flexibility.", category=r.name, amount=formatting.money(amount),
                    budget=formatting.money(r.budget), flexibility=formatting.percent(self.flexibility)))
            elif amount > r.budget:
                warnings.append(_(
                    "%(category)s: %(amount)s cumulative, above the budget %(budget)s (within the flexibility of "
                    "%(flexibility)s).", category=r.name, amount=formatting.money(amount),
                    budget=formatting.money(r.budget), flexibility=formatting.percent(self.flexibility)))
        total = self.partner_earlier + getattr(self, basis)
        if total > self.partner_budget:
            refusals.append(_("Total %(amount)s cumulative, more than the partner budget %(budget)s.",
                              amount=formatting.money(total), budget=formatting.money(self.partner_budget)))
        return warnings, refusals


def flat_rate_amounts(partner: Partner, real: dict[int, Decimal], kinds: dict[int, CategoryKind]
                      ) -> dict[int, Decimal]:
    """Flat-rate amounts computed on the claim's category totals of real costs, each rounded down to the
    cent. Staff costs as a % of other direct costs come first, since other flat rates may build on them."""
    staff_id = next((cid for cid, kind in kinds.items() if kind is CategoryKind.STAFF), None)
    result: dict[int, Decimal] = {}
    rates = sorted(partner.flat_rates, key=lambda fr: fr.basis is not FlatRateBasis.OTHER_DIRECT)
    for fr in rates:
        if fr.basis is FlatRateBasis.OTHER_DIRECT:
            basis = sum((v for cid, v in real.items() if kinds.get(cid) is not CategoryKind.STAFF), ZERO)
        else:
            basis = result.get(staff_id, real.get(staff_id, ZERO))
        result[fr.category_id] = flat_rate(basis, fr.rate)
    return result


def efro_allocation(rows: list[CategoryRow], efro: Decimal) -> list[Decimal]:
    """The claim's EFRO allocated over its categories in proportion to their certified amounts, so that
    the categories' figures add up exactly to the claim's EFRO (largest remainder, to the cent)."""
    return allocate(efro, [r.certified for r in rows])


def figures(claim: Claim, partner_ids: set[int] | None = None) -> ClaimFigures:
    """Per category: declared and certified amounts of this claim (flat rates computed on them), the
    budget, and what earlier certified claims of the partner already used. A fixed number of queries.
    ``partner_ids``: flag possible double financing only among these partners' expenditures (what a
    partner user may know); None for all."""
    partner, project = claim.partner, claim.partner.project
    categories = list(db.session.execute(
        select(CostCategory.id, CostCategory.name, CostCategory.kind)
        .where(CostCategory.project_id == project.id).order_by(CostCategory.position)))
    kinds = {cid: kind for cid, _name, kind in categories}
    # the budget version in force for the claim's period (project modifications: app/services/admin/)
    budget, version = budget_in_force(partner, claim.period)
    # what the partner's other certified claims used, net of corrections (a certified claim keeps the
    # figures its certifier saw)
    earlier = net_certified(partner.id, excluding=claim.id, before=claim.certified_at)
    declared, certified = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    counts = defaultdict(int)
    parked_amount = ZERO
    for category_id, status, n, decl, ded in db.session.execute(
            select(ClaimLine.category_id, ClaimLine.status, func.count(), func.sum(ClaimLine.declared_amount),
                   func.sum(ClaimLine.deduction))
            .where(ClaimLine.claim_id == claim.id)
            .group_by(ClaimLine.category_id, ClaimLine.status)):
        counts[status] += n
        if status is LineStatus.PARKED:
            parked_amount += decl
        else:
            declared[category_id] += decl
        if status is LineStatus.VERIFIED:
            certified[category_id] += decl - ded
    flat_declared = flat_rate_amounts(partner, declared, kinds)
    flat_certified = flat_rate_amounts(partner, certified, kinds)
    labels = {fr.category_id: f"{formatting.percent(fr.rate)} {fr.basis.label}" for fr in partner.flat_rates}
    fixed = {t.category_id: t for t in db.session.scalars(
        select(ClaimCategoryTotal).where(ClaimCategoryTotal.claim_id == claim.id))}
    rows = []
    for cid, name, kind in categories:
        row = CategoryRow(cid, category_label(kind, name), kind, labels.get(cid), flat_declared.get(cid, declared[cid]),
                          flat_certified.get(cid, certified[cid]), budget.get(cid, ZERO), earlier.get(cid, ZERO))
        if cid in fixed:  # certified: the figures fixed at certification
            row.declared, row.certified = fixed[cid].declared, fixed[cid].certified
            row.efro, row.contribution = fixed[cid].efro, fixed[cid].contribution
        rows.append(row)
    return ClaimFigures(
        rows=rows, rate=project.cofinancing_rate, flexibility=project.flexibility_rate,
        partner_budget=sum(budget.values(), ZERO), partner_earlier=sum(earlier.values(), ZERO),
        line_count=sum(counts.values()), pending=counts[LineStatus.PENDING], parked=counts[LineStatus.PARKED],
        parked_amount=parked_amount, fixed=bool(fixed),
        budget_version=version.number if version else None)
