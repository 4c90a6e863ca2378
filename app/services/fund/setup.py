"""Setting up the fund of a project and publishing its calls with their weighted selection criteria."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    BudgetLine,
    CategoryKind,
    CostCategory,
    CostType,
    Fund,
    FundCall,
    FundCriterion,
    Partner,
    Project,
    User,
)
from ...models.fund import ELIGIBLE_COST_TYPES
from ...permissions import can_manage_fund, require
from .. import audit
from ..audit import Actor
from .common import fund_figures, fund_of, record_fund


@dataclass(frozen=True)
class FundData:
    managing_partner_id: int
    ceiling: Decimal
    max_per_action: Decimal
    cost_types: list[str]
    name: str = "LES Fonds"


@dataclass(frozen=True)
class CallData:
    code: str
    title: str
    description: str
    opens_on: date
    closes_on: date
    actions_from: date
    actions_until: date
    criteria: list[tuple[str, int]] = field(default_factory=list)  # (name, weight)


def small_grants_budget(partner: Partner) -> Decimal:
    """The partner's budget in the small-grants category, over all periods."""
    return db.session.scalar(
        select(func.coalesce(func.sum(BudgetLine.amount), 0)).join(CostCategory)
        .where(BudgetLine.partner_id == partner.id, CostCategory.kind == CategoryKind.SMALL_GRANTS)) or Decimal(0)


def _check_fund(project: Project, data: FundData) -> tuple[Partner, list[CostType]]:
    partner = db.session.get(Partner, data.managing_partner_id) if data.managing_partner_id else None
    if partner is None or partner.project_id != project.id:
        raise DomainError(_("Choose the partner of this project that manages the fund."))
    budget = small_grants_budget(partner)
    if data.ceiling is None or data.ceiling <= 0:
        raise DomainError(_("The fund's ceiling must be more than zero."))
    if data.ceiling > budget:
        raise DomainError(_("The ceiling (%(ceiling)s) is more than %(partner)s's small-grants budget "
                            "(%(budget)s): the fund lies inside that budget.", ceiling=formatting.money(data.ceiling),
                            partner=partner.name, budget=formatting.money(budget)))
    if data.max_per_action is None or data.max_per_action <= 0:
        raise DomainError(_("The maximum per action must be more than zero."))
    if data.max_per_action > data.ceiling:
        raise DomainError(_("The maximum per action cannot be more than the fund's ceiling."))
    types = []
    for value in dict.fromkeys(data.cost_types):
        try:
            kind = CostType(value)
        except ValueError:
            raise DomainError(_("'%(value)s' is not a cost type of the fund.", value=value)) from None
        if kind not in ELIGIBLE_COST_TYPES:
            raise DomainError(_("Staff costs are never eligible in the fund."))
        types.append(kind)
    if not types:
        raise DomainError(_("Choose at least one eligible cost type."))
    return partner, types


def create_fund(actor: Actor, user: User | None, project: Project, data: FundData) -> Fund:
    """The project's fund (one per project). ``user`` None: the command line or the demo seed."""
    if user is not None:
        require(can_manage_fund(user, project), _("Only an administrator or a finance officer sets up the fund."))
    audit.serialise()
    if fund_of(project.id) is not None:
        raise DomainError(_("%(project)s already has a fund; change its figures instead.", project=project.code))
    partner, types = _check_fund(project, data)
    fund = Fund(project_id=project.id, managing_partner_id=partner.id, name=(data.name or "").strip()[:100]
                or "LES Fonds", ceiling=data.ceiling, max_per_action=data.max_per_action,
                cost_types=",".join(t.value for t in types), created_by_id=user.id if user else None)
    db.session.add(fund)
    db.session.flush()
    record_fund(actor, user, fund, "fund.created", "fund", fund.id, after={
        "name": fund.name, "partner_id": partner.id, "ceiling": fund.ceiling, "max_per_action": fund.max_per_action,
        "cost_types": [t.value for t in types]})
    return fund


def update_fund(actor: Actor, user: User, fund: Fund, data: FundData) -> Fund:
    """New ceiling, maximum or cost types; never below what is already committed."""
    require(can_manage_fund(user, fund.project), _("Only an administrator or a finance officer changes the fund."))
    audit.serialise(fund)
    if data.managing_partner_id != fund.managing_partner_id:
        raise DomainError(_("The managing partner of a fund does not change: its payments are its expenditures."))
    _partner, types = _check_fund(fund.project, data)
    committed = fund_figures(fund).committed
    if data.ceiling < committed:
        raise DomainError(_("%(committed)s is already committed; the ceiling cannot go below it.",
                            committed=formatting.money(committed)))
    new = {"ceiling": data.ceiling, "max_per_action": data.max_per_action,
           "cost_types": ",".join(t.value for t in types)}
    before = {k: getattr(fund, k) for k, v in new.items() if getattr(fund, k) != v}
    if not before:
        return fund
    after = {k: new[k] for k in before}
    for key, value in after.items():
        setattr(fund, key, value)
    db.session.flush()
    record_fund(actor, user, fund, "fund.changed", "fund", fund.id, before=before, after=after)
    return fund


def publish_call(actor: Actor, user: User | None, fund: Fund, data: CallData) -> FundCall:
    """A call for proposals with its criteria; actions take place within the project's period."""
    if user is not None:
        require(can_manage_fund(user, fund.project), _("Only an administrator or a finance officer publishes "
                                                       "calls."))
    audit.serialise()
    project = fund.project
    code, title = (data.code or "").strip(), (data.title or "").strip()
    if not code or len(code) > 20:
        raise DomainError(_("A call's code has 1 to 20 characters."))
    if not title:
        raise DomainError(_("Give the call a title."))
    if db.session.scalar(select(FundCall.id).where(FundCall.fund_id == fund.id, FundCall.code == code)):
        raise DomainError(_("There already is a call %(code)s.", code=code))
    if data.closes_on < data.opens_on:
        raise DomainError(_("The call closes before it opens."))
    if data.actions_until < data.actions_from:
        raise DomainError(_("The period of the actions ends before it begins."))
    if data.actions_from < project.start_date or data.actions_until > project.end_date:
        raise DomainError(_("Actions take place within the project's period (%(period)s).",
                            period=formatting.date_range(project.start_date, project.end_date)))
    criteria = [((name or "").strip(), weight) for name, weight in data.criteria if (name or "").strip()]
    if not criteria:
        raise DomainError(_("Publish at least one selection criterion with its weight."))
    for name, weight in criteria:
        if not isinstance(weight, int) or not 0 < weight <= 100:
            raise DomainError(_("The weight of '%(name)s' is a whole number from 1 to 100.", name=name))
    call = FundCall(fund_id=fund.id, code=code, title=title[:200], description=(data.description or "").strip(),
                    opens_on=data.opens_on, closes_on=data.closes_on, actions_from=data.actions_from,
                    actions_until=data.actions_until, published_by_id=user.id if user else None)
    db.session.add(call)
    db.session.flush()
    db.session.add_all(FundCriterion(call_id=call.id, position=n, name=name[:200], weight=weight)
                       for n, (name, weight) in enumerate(criteria, 1))
    db.session.flush()
    record_fund(actor, user, fund, "fund.call_published", "fund_call", call.id, after={
        "code": code, "title": call.title, "opens_on": data.opens_on, "closes_on": data.closes_on,
        "actions_from": data.actions_from, "actions_until": data.actions_until,
        "criteria": [{"name": n, "weight": w} for n, w in criteria]})
    return call
