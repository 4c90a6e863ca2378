"""The budget: aggregates for the overview pages (in SQL) and the one action that changes a budget line."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from reports.formatting import LOCAL_TZ

from .. import formatting
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..models import (
    BudgetLine,
    CostCategory,
    FundingKind,
    FundingSource,
    Partner,
    Project,
    ReportingPeriod,
    User,
)
from ..models.types import utcnow
from ..money import ZERO, fund_share
from ..permissions import can_edit_budget, require, role_label, scoped, visible_partner_ids
from . import audit
from .audit import Actor
from .funding.sources import fund_name, sources_of


@dataclass
class Figures:
    """Budget figures of one partner, or of the whole project."""

    by_category: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_period: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    total: Decimal = ZERO
    efro: Decimal = ZERO
    other_public: Decimal = ZERO

    @property
    def contribution(self) -> Decimal:
        """The partner's own contribution: what EFRO and the other public co-financiers do not pay."""
        return self.total - self.efro - self.other_public


@dataclass
class BudgetOverview:
    project: Project
    categories: list[CostCategory]
    periods: list[ReportingPeriod]
    partners: list[Partner]
    rows: dict[int, Figures]
    totals: Figures


def categories_of(project: Project) -> list[CostCategory]:
    return list(db.session.scalars(
        select(CostCategory).where(CostCategory.project_id == project.id).order_by(CostCategory.position)))


def periods_of(project: Project) -> list[ReportingPeriod]:
    return list(db.session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.project_id == project.id)
        .order_by(ReportingPeriod.number)))


def partners_of(user: User, project: Project) -> list[Partner]:
    """The project's partners the user may see, by number."""
    return list(db.session.scalars(scoped(select(Partner).where(Partner.project_id == project.id)
                                          .order_by(Partner.number), Partner.id, user, project)))


def project_overview(user: User, project: Project) -> BudgetOverview:
    """Budget per partner, per category and per period, with funding; the project totals always cover
    the whole project (published to all members), the partner rows only what the user may see.
    A fixed number of grouped SQL queries, whatever the number of partners or lines."""
    scope = visible_partner_ids(user, project)
    partners_q = select(Partner).where(Partner.project_id == project.id).order_by(Partner.number)
    if scope is not None:
        partners_q = partners_q.where(Partner.id.in_(scope))
    partners = list(db.session.scalars(partners_q))
    rows = {p.id: Figures() for p in partners}
    totals = Figures()
    in_project = Partner.project_id == project.id

    def grouped(key_col, amount_col, join_from, *extra_keys):
        return db.session.execute(
            select(*extra_keys, key_col, func.sum(amount_col))
            .join(Partner, join_from == Partner.id).where(in_project)
            .group_by(*extra_keys, key_col)
        ).all()

    for partner_id, category_id, amount in grouped(
            BudgetLine.category_id, BudgetLine.amount, BudgetLine.partner_id, BudgetLine.partner_id):
        if partner_id in rows:
            rows[partner_id].by_category[category_id] = amount
    for partner_id, period_id, amount in grouped(
            BudgetLine.period_id, BudgetLine.amount, BudgetLine.partner_id, BudgetLine.partner_id):
        if partner_id in rows:
            rows[partner_id].by_period[period_id] = amount
    for partner_id, kind, amount in grouped(
            FundingSource.kind, FundingSource.amount, FundingSource.partner_id, FundingSource.partner_id):
        if partner_id in rows:
            if kind is FundingKind.EFRO:
                rows[partner_id].efro = amount
            else:
                rows[partner_id].other_public = amount
    for partner_id, amount in db.session.execute(
            select(BudgetLine.partner_id, func.sum(BudgetLine.amount))
            .join(Partner, BudgetLine.partner_id == Partner.id).where(in_project)
            .group_by(BudgetLine.partner_id)):
        if partner_id in rows:
            rows[partner_id].total = amount

    # Project totals, published to every member.
    for category_id, amount in grouped(BudgetLine.category_id, BudgetLine.amount, BudgetLine.partner_id):
        totals.by_category[category_id] = amount
    for period_id, amount in grouped(BudgetLine.period_id, BudgetLine.amount, BudgetLine.partner_id):
        totals.by_period[period_id] = amount
    for kind, amount in grouped(FundingSource.kind, FundingSource.amount, FundingSource.partner_id):
        if kind is FundingKind.EFRO:
            totals.efro = amount
        else:
            totals.other_public = amount
    totals.total = db.session.scalar(
        select(func.coalesce(func.sum(BudgetLine.amount), ZERO))
        .join(Partner, BudgetLine.partner_id == Partner.id).where(in_project)) or ZERO
    return BudgetOverview(project, categories_of(project), periods_of(project), partners, rows, totals)


@dataclass
class PartnerBudget:
    partner: Partner
    categories: list[CostCategory]
    periods: list[ReportingPeriod]
    cells: dict[tuple[int, int], BudgetLine]
    figures: Figures
    funding: list[FundingSource]


def partner_budget(partner: Partner) -> PartnerBudget:
    project = partner.project
    lines = db.session.scalars(select(BudgetLine).where(BudgetLine.partner_id == partner.id))
    cells = {(line.category_id, line.period_id): line for line in lines}
    figures = Figures()
    for category_id, amount in db.session.execute(
            select(BudgetLine.category_id, func.sum(BudgetLine.amount))
            .where(BudgetLine.partner_id == partner.id).group_by(BudgetLine.category_id)):
        figures.by_category[category_id] = amount
    for period_id, amount in db.session.execute(
            select(BudgetLine.period_id, func.sum(BudgetLine.amount))
            .where(BudgetLine.partner_id == partner.id).group_by(BudgetLine.period_id)):
        figures.by_period[period_id] = amount
    figures.total = _partner_total(partner.id)
    funding = list(db.session.scalars(
        select(FundingSource).where(FundingSource.partner_id == partner.id)
        .order_by(FundingSource.kind, FundingSource.name)))
    for source in funding:
        if source.kind is FundingKind.EFRO:
            figures.efro = source.amount
        else:
            figures.other_public += source.amount
    return PartnerBudget(partner, categories_of(project), periods_of(project), cells, figures, funding)


def _partner_total(partner_id: int) -> Decimal:
    return db.session.scalar(
        select(func.coalesce(func.sum(BudgetLine.amount), ZERO)).where(BudgetLine.partner_id == partner_id)
    ) or ZERO


def today_in(project: Project) -> date:
    """Today on the projects' calendar (Europe/Brussels), on the demo clock where one is set."""
    return utcnow().astimezone(LOCAL_TZ).date()


def has_started(project: Project) -> bool:
    """A project that has started changes its budget only by a project modification (a numbered version)."""
    return today_in(project) >= project.start_date


@dataclass(frozen=True)
class LineChange:
    """What one budget line change did: the line, and the amounts before and after."""

    line: BudgetLine
    category: CostCategory
    period: ReportingPeriod
    old_amount: Decimal
    old_efro: Decimal
    old_total: Decimal
    new_efro: Decimal
    new_total: Decimal

    @property
    def changed(self) -> bool:
        return self.old_amount != self.line.amount


def apply_line(partner: Partner, category_id: int, period_id: int, amount: Decimal) -> LineChange:
    """The one rule for changing a budget line, without permission check or audit event (the callers do
    both: :func:`set_budget_line`, the administrator's budget form and XLSX upload, project modifications).

    The partner's EFRO share moves with its budget at the project's co-financing rate, rounded down to
    the cent, keeping any rounding the approved budget already had (LES: EFRO rounded down to the euro).
    Refused when the amount is negative, when the project's EFRO total would exceed the approved amount,
    or when the other public co-financing would exceed the partner's new budget.
    """
    project = partner.project
    category = db.session.get(CostCategory, category_id)
    period = db.session.get(ReportingPeriod, period_id)
    if category is None or category.project_id != project.id:
        raise DomainError(_("This cost category does not belong to this project."))
    if period is None or period.project_id != project.id:
        raise DomainError(_("This reporting period does not belong to this project."))
    if amount < 0:
        raise DomainError(_("A budget amount may not be negative."))

    line = db.session.scalar(select(BudgetLine).where(
        BudgetLine.partner_id == partner.id, BudgetLine.category_id == category_id,
        BudgetLine.period_id == period_id))
    old_amount = line.amount if line else ZERO
    old_total = _partner_total(partner.id)
    efro = db.session.scalar(select(FundingSource).where(
        FundingSource.partner_id == partner.id, FundingSource.kind == FundingKind.EFRO))
    old_efro = efro.amount if efro else ZERO
    if line is not None and old_amount == amount:
        return LineChange(line, category, period, old_amount, old_efro, old_total, old_efro, old_total)
    new_total = old_total - old_amount + amount
    rounding_gap = max(ZERO, fund_share(old_total, project.cofinancing_rate) - old_efro)
    new_efro = max(ZERO, fund_share(new_total, project.cofinancing_rate) - rounding_gap)

    other_public = db.session.scalar(
        select(func.coalesce(func.sum(FundingSource.amount), ZERO)).where(
            FundingSource.partner_id == partner.id, FundingSource.kind == FundingKind.OTHER_PUBLIC)) or ZERO
    if new_efro + other_public > new_total:
        raise DomainError(_(
            "The budget of %(partner)s would become %(total)s, less than the support of %(fund)s and the other "
            "public co-financing together (%(funding)s).", partner=partner.name, total=formatting.money(new_total),
            fund=fund_name(sources_of(project)), funding=formatting.money(new_efro + other_public)))
    others_efro = db.session.scalar(
        select(func.coalesce(func.sum(FundingSource.amount), ZERO))
        .join(Partner, FundingSource.partner_id == Partner.id)
        .where(Partner.project_id == project.id, Partner.id != partner.id,
               FundingSource.kind == FundingKind.EFRO)) or ZERO
    if others_efro + new_efro > project.efro_ceiling:
        raise DomainError(_(
            "The project's total of %(fund)s would become %(total)s, more than the approved %(ceiling)s. Lower "
            "another budget first.", fund=fund_name(sources_of(project)),
            total=formatting.money(others_efro + new_efro), ceiling=formatting.money(project.efro_ceiling)))

    if line is None:
        line = BudgetLine(partner_id=partner.id, category_id=category_id, period_id=period_id, amount=amount)
        db.session.add(line)
    else:
        line.amount = amount
    if efro is None:
        efro = FundingSource(partner_id=partner.id, kind=FundingKind.EFRO, name=FundingSource.EFRO_NAME,
                             amount=new_efro)
        db.session.add(efro)
    else:
        efro.amount = new_efro
    db.session.flush()
    return LineChange(line, category, period, old_amount, old_efro, old_total, new_efro, new_total)


def decreases_first(partner_cells: list[tuple[Partner, int, int, Decimal]]) -> list[tuple[Partner, int, int, Decimal]]:
    """Changes (partner, category, period, amount) in the order that keeps every step within the rules:
    the lines that go down before those that go up (the ERDF ceiling is checked after each line)."""
    current = {}
    for partner_id, category_id, period_id, amount in db.session.execute(
            select(BudgetLine.partner_id, BudgetLine.category_id, BudgetLine.period_id, BudgetLine.amount)
            .where(BudgetLine.partner_id.in_({p.id for p, *_rest in partner_cells}))):
        current[(partner_id, category_id, period_id)] = amount
    return sorted(partner_cells, key=lambda c: c[3] - current.get((c[0].id, c[1], c[2]), ZERO))


def set_budget_line(actor: Actor, user: User, partner: Partner, category_id: int, period_id: int,
                    amount: Decimal) -> BudgetLine:
    """Set the budget of one partner for one category and period, before the project starts (the rules
    of :func:`apply_line`); after the start a change is a project modification (app/services/admin/)."""
    project = partner.project
    require(can_edit_budget(user, project), _("Only an administrator or a finance officer changes the budget."))
    audit.serialise()
    if has_started(project):
        raise DomainError(_("%(project)s has started on %(start)s: a budget change is now a project modification "
                            "(with a reason and a date of approval), made by an administrator.",
                            project=project.code, start=formatting.day(project.start_date)))
    change = apply_line(partner, category_id, period_id, amount)
    if not change.changed:
        return change.line
    category, period, line = change.category, change.period, change.line
    audit.record(
        actor, "budget.line_changed", role=role_label(user, project), object_type="budget_line",
        object_id=line.id, project_id=project.id,
        before={"partner_id": partner.id, "category": category.kind, "period": period.number,
                "amount": change.old_amount, "partner_efro": change.old_efro, "partner_total": change.old_total},
        after={"partner_id": partner.id, "category": category.kind, "period": period.number,
               "amount": line.amount, "partner_efro": change.new_efro, "partner_total": change.new_total},
    )
    return line
