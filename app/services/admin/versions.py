"""Budget versions, read side: which version is in force for a reporting period, what a version holds, and
what changed between two versions. A version is in force for the periods that end on or after its date of
approval (until a later version); claims are checked against the version in force for their period."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    BudgetLine,
    BudgetVersion,
    BudgetVersionFunding,
    BudgetVersionLine,
    FundingKind,
    FundingSource,
    Partner,
    Project,
    ReportingPeriod,
)
from ...money import ZERO


def versions_of(project: Project) -> list[BudgetVersion]:
    return list(db.session.scalars(select(BudgetVersion).where(BudgetVersion.project_id == project.id)
                                   .order_by(BudgetVersion.number)))


def version_on(project_id: int, day: date) -> BudgetVersion | None:
    """The version in force on ``day``: the newest approved on or before it (before the first date of
    approval: version 1, the budget the project started with); None while the project has no versions (its
    live budget is then the only one)."""
    found = db.session.scalar(select(BudgetVersion).where(
        BudgetVersion.project_id == project_id, BudgetVersion.approved_on <= day)
        .order_by(BudgetVersion.number.desc()).limit(1))
    if found is None:
        found = db.session.scalar(select(BudgetVersion).where(BudgetVersion.project_id == project_id)
                                  .order_by(BudgetVersion.number).limit(1))
    return found


def version_in_force(project_id: int, period: ReportingPeriod) -> BudgetVersion | None:
    """The version a claim of the period is checked against: the one in force on the period's last day."""
    return version_on(project_id, period.end_date)


def budget_on(project: Project, day: date) -> tuple[dict[tuple[int, int], Decimal], dict[int, Decimal]]:
    """The budget as approved on ``day`` (the version then in force, else the live budget): per (partner,
    cost category) the amount over all periods, and per partner its share of the fund (EFRO) in the budget.
    So a financial report at a date shows the budget of that date, whatever was modified later."""
    version = version_on(project.id, day)
    if version is None:
        budget = db.session.execute(
            select(BudgetLine.partner_id, BudgetLine.category_id, func.sum(BudgetLine.amount))
            .join(Partner, BudgetLine.partner_id == Partner.id).where(Partner.project_id == project.id)
            .group_by(BudgetLine.partner_id, BudgetLine.category_id))
        fund = db.session.execute(
            select(FundingSource.partner_id, func.sum(FundingSource.amount))
            .join(Partner, FundingSource.partner_id == Partner.id)
            .where(Partner.project_id == project.id, FundingSource.kind == FundingKind.EFRO)
            .group_by(FundingSource.partner_id))
    else:
        budget = db.session.execute(
            select(BudgetVersionLine.partner_id, BudgetVersionLine.category_id, func.sum(BudgetVersionLine.amount))
            .where(BudgetVersionLine.version_id == version.id)
            .group_by(BudgetVersionLine.partner_id, BudgetVersionLine.category_id))
        fund = db.session.execute(select(BudgetVersionFunding.partner_id, BudgetVersionFunding.efro)
                                  .where(BudgetVersionFunding.version_id == version.id))
    return {(p, c): amount for p, c, amount in budget}, dict(fund.tuples().all())


def totals_on(project_ids: list[int], day: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Per project that has versions: (eligible budget, fund share in the budget) of the version in force on
    ``day``, in one statement whatever the number of projects (projects without versions are left out:
    their live budget is their only one)."""
    chosen: dict[int, tuple[Decimal, Decimal]] = {}
    for project_id, approved_on, total, efro in db.session.execute(
            select(BudgetVersion.project_id, BudgetVersion.approved_on, BudgetVersion.budget_total,
                   BudgetVersion.efro_total).where(BudgetVersion.project_id.in_(project_ids))
            .order_by(BudgetVersion.project_id, BudgetVersion.number)):
        # in order of number, and so of date of approval: version 1, then each one approved by the day
        if project_id not in chosen or approved_on <= day:
            chosen[project_id] = (total, efro)
    return chosen


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
