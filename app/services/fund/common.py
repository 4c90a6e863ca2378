"""What every part of the fund shares: today's date, the audit event of an action, the state machine of an
action, and the money of the fund (commitments, payments, releases), computed in SQL.

The money of one action:
- its commitment: the approved amount plus every recorded overrun decision (approved or later states);
- paid: the declared amounts of the managing partner's active expenditures linked to it (corrections
  of those included);
- released: what closing it gave back to the fund (commitment minus paid at that moment).
The fund: committed = sum of (commitment - released); available = ceiling - committed. Approvals and
overrun decisions are checked against ``available`` under the chain lock (audit.serialise), so
decisions taken at the same moment never over-commit the fund.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select

from reports.formatting import LOCAL_TZ

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import ActionStatus, Expenditure, ExpenditureStatus, Fund, FundAction, FundOverrun, User
from ...models.fund import COMMITTED_STATES
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import role_label
from .. import audit
from ..audit import Actor

S = ActionStatus
# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "start_assessment": ({S.SUBMITTED}, S.IN_ASSESSMENT),
    "approve": ({S.IN_ASSESSMENT}, S.APPROVED),
    "reject": ({S.IN_ASSESSMENT}, S.REJECTED),
    "execute": ({S.APPROVED}, S.EXECUTED),
    "report": ({S.APPROVED, S.EXECUTED}, S.REPORTED),
    "close": ({S.APPROVED, S.EXECUTED, S.REPORTED}, S.CLOSED),
}


def verbs() -> dict[str, str]:
    return {"start_assessment": _("be taken into assessment"), "approve": _("be approved"),
            "reject": _("be rejected"), "execute": _("be marked as carried out"),
            "report": _("receive a final report"), "close": _("be closed")}


def today() -> date:
    """Today in the projects' time zone (a date typed by people is a local date)."""
    return utcnow().astimezone(LOCAL_TZ).date()


def require_state(action: FundAction, step: str) -> None:
    allowed, _target = TRANSITIONS[step]
    if action.status not in allowed:
        raise DomainError(_("An action that is %(status)s cannot %(verb)s.", status=action.status.label,
                            verb=verbs()[step]))


def transition(action: FundAction, step: str) -> ActionStatus:
    """Move the action along its workflow; the state before. DomainError if the step is not allowed."""
    require_state(action, step)
    before = action.status
    action.status = TRANSITIONS[step][1]
    return before


def record(actor: Actor, user: User | None, action: FundAction, event: str, before=None, after=None) -> None:
    """The audit event of something done to an action: by a user, or (user None) by the applicant
    through the public form or the private status link."""
    audit.record(actor, event, role=role_label(user, action.project) if user else "applicant",
                 object_type="fund_action", object_id=action.id, project_id=action.project_id,
                 before=before, after=after)


def record_fund(actor: Actor, user: User | None, fund: Fund, event: str, object_type: str, object_id,
                after: dict, before: dict | None = None) -> None:
    audit.record(actor, event, role=role_label(user, fund.project) if user else "", object_type=object_type,
                 object_id=object_id, project_id=fund.project_id, before=before, after=after)


def paid_by_action(action_ids) -> dict[int, Decimal]:
    """Paid per action (a list of ids or a select of them): the declared amounts of the active
    expenditures linked to it, and of the active corrections of those expenditures (a correction has no action
    of its own, see expenditures.correct: it counts for its original's). Two indexed parts (by
    ``fund_action_id`` and by ``corrects_id``), summed together."""
    if isinstance(action_ids, Select):  # a list of ids lets the planner use both indexes; a subquery does not
        action_ids = list(db.session.scalars(action_ids))
    original = db.aliased(Expenditure)
    linked = select(Expenditure.fund_action_id.label("action_id"), Expenditure.declared_amount.label("amount")) \
        .where(Expenditure.status == ExpenditureStatus.ACTIVE, Expenditure.fund_action_id.in_(action_ids))
    corrections = select(original.fund_action_id, Expenditure.declared_amount) \
        .join(original, original.id == Expenditure.corrects_id) \
        .where(Expenditure.status == ExpenditureStatus.ACTIVE, original.fund_action_id.in_(action_ids))
    both = linked.union_all(corrections).subquery()
    rows = db.session.execute(select(both.c.action_id, func.sum(both.c.amount)).group_by(both.c.action_id)).all()
    return {action_id: amount for action_id, amount in rows}


def paid_for(action: FundAction) -> Decimal:
    return paid_by_action([action.id]).get(action.id, ZERO)


def overruns_by_action(action_ids) -> dict[int, Decimal]:
    return dict(db.session.execute(select(FundOverrun.action_id, func.sum(FundOverrun.amount))
                                   .where(FundOverrun.action_id.in_(action_ids))
                                   .group_by(FundOverrun.action_id)).all())


def commitment_of(action: FundAction) -> Decimal:
    """What the fund holds for this action before any release: approved plus overruns."""
    if action.status not in COMMITTED_STATES:
        return ZERO
    return action.approved_amount + overruns_by_action([action.id]).get(action.id, ZERO)


@dataclass(frozen=True)
class FundFigures:
    ceiling: Decimal
    approved: Decimal  # approved amounts plus overrun decisions (before releases)
    released: Decimal
    paid: Decimal

    @property
    def committed(self) -> Decimal:
        return self.approved - self.released

    @property
    def available(self) -> Decimal:
        return self.ceiling - self.committed

    @property
    def to_pay(self) -> Decimal:
        """Committed but not yet paid (what the managing partner still pays for open actions)."""
        return self.committed - self.paid


def fund_figures(fund: Fund) -> FundFigures:
    """The fund's figures in three grouped queries, whatever the number of actions."""
    in_fund = select(FundAction.id).where(FundAction.fund_id == fund.id)
    approved, released = db.session.execute(
        select(func.coalesce(func.sum(FundAction.approved_amount), ZERO),
               func.coalesce(func.sum(FundAction.released_amount), ZERO))
        .where(FundAction.fund_id == fund.id, FundAction.status.in_(COMMITTED_STATES))).one()
    overruns = db.session.scalar(select(func.coalesce(func.sum(FundOverrun.amount), ZERO))
                                 .where(FundOverrun.action_id.in_(in_fund))) or ZERO
    paid = sum(paid_by_action(in_fund).values(), ZERO)
    return FundFigures(fund.ceiling, approved + overruns, released, paid)


def require_available(fund: Fund, amount: Decimal) -> None:
    """Refuse a commitment the fund cannot hold. Call under audit.serialise()."""
    figures = fund_figures(fund)
    if amount > figures.available:
        raise DomainError(_("The fund has %(available)s available (ceiling %(ceiling)s, committed "
                            "%(committed)s); %(amount)s cannot be committed.",
                            available=formatting.money(figures.available), ceiling=formatting.money(fund.ceiling),
                            committed=formatting.money(figures.committed), amount=formatting.money(amount)))


def fund_of(project_id: int) -> Fund | None:
    return db.session.scalar(select(Fund).where(Fund.project_id == project_id))
