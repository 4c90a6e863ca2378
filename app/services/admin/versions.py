"""Budget versions, read side: which version is in force for a reporting period, what a version holds, and
what changed between two versions. A version is in force for the periods that end on or after its date of
approval (until a later version); claims are checked against the version in force for their period."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    BudgetLine,
    BudgetVersion,
    BudgetVersionFunding,
    BudgetVersionLine,
    Partner,
    Project,
    ReportingPeriod,
)
from ...money import ZERO


def versions_of(project: Project) -> list[BudgetVersion]:
    return list(db.session.scalars(select(BudgetVersion).where(BudgetVersion.project_id == project.id)
                                   .order_by(BudgetVersion.number)))


def version_in_force(project_id: int, period: ReportingPeriod) -> BudgetVersion | None:
    """The newest version approved on or before the period's end; None while the project has no versions
    (its live budget is then the only one)."""
    found = db.session.scalar(select(BudgetVersion).where(
        BudgetVersion.project_id == project_id, BudgetVersion.approved_on <= period.end_date)
        .order_by(BudgetVersion.number.desc()).limit(1))
    if found is None:  # a period that ended before the first version: the budget the project started with
        found = db.session.scalar(select(BudgetVersion).where(BudgetVersion.project_id == project_id)
                                  .order_by(BudgetVersion.number).limit(1))
    return found


def budget_in_force(partner: Partner, period: ReportingPeriod) -> tuple[dict[int, Decimal], BudgetVersion | None]:
    """The partner's budget per cost category (all periods together) in the version in force for the
    period, and that version (None: the live budget, the project has no versions)."""
    version = version_in_force(partner.project_id, period)
    if version is None:
        rows = db.session.execute(select(BudgetLine.category_id, func.sum(BudgetLine.amount))
                                  .where(BudgetLine.partner_id == partner.id).group_by(BudgetLine.category_id))
    else:
        rows = db.session.execute(select(BudgetVersionLine.category_id, func.sum(BudgetVersionLine.amount))
                                  .where(BudgetVersionLine.version_id == version.id,
                                         BudgetVersionLine.partner_id == partner.id)
                                  .group_by(BudgetVersionLine.category_id))
    return dict(rows.all()), version


@dataclass
class VersionView:
    """A version as the page shows it: amounts per partner, category and period, and each partner's funding."""

    version: BudgetVersion
    cells: dict[tuple[int, int, int], Decimal]  # (partner, category, period) -> amount
    by_partner: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_partner_category: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    efro: dict[int, Decimal] = field(default_factory=dict)
    other_public: dict[int, Decimal] = field(default_factory=dict)


def version_view(version: BudgetVersion) -> VersionView:
    cells = {(p, c, per): amount for p, c, per, amount in db.session.execute(
        select(BudgetVersionLine.partner_id, BudgetVersionLine.category_id, BudgetVersionLine.period_id,
               BudgetVersionLine.amount).where(BudgetVersionLine.version_id == version.id))}
    view = VersionView(version, cells)
    for (p, c, _per), amount in cells.items():
        view.by_partner[p] += amount
        view.by_partner_category[(p, c)] += amount
    for p, efro, other in db.session.execute(select(
            BudgetVersionFunding.partner_id, BudgetVersionFunding.efro, BudgetVersionFunding.other_public)
            .where(BudgetVersionFunding.version_id == version.id)):
        view.efro[p], view.other_public[p] = efro, other
    return view


@dataclass(frozen=True)
class Difference:
    partner_id: int
    category_id: int
    period_id: int
    old: Decimal
    new: Decimal

    @property
    def change(self) -> Decimal:
        return self.new - self.old


def diff(old: VersionView, new: VersionView) -> list[Difference]:
    """The budget lines that differ between two versions (a line missing from one counts as zero)."""
    keys = sorted(set(old.cells) | set(new.cells))
    return [Difference(*key, old.cells.get(key, ZERO), new.cells.get(key, ZERO)) for key in keys
            if old.cells.get(key, ZERO) != new.cells.get(key, ZERO)]
