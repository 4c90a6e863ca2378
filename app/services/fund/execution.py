"""Execution of an approved action: the managing partner's invoices are registered as its expenditures
(small-grants category, linked to the action) and flow into its claims like any other; paying above the
approved amount needs a recorded decision first; closing releases the unspent commitment to the fund."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    ActionStatus,
    CategoryKind,
    CostCategory,
    Expenditure,
    FundAction,
    FundOverrun,
    ReportingPeriod,
    User,
)
from ...models.types import utcnow
from ...permissions import can_assess, can_record_carried_out, can_register_fund_invoice, can_see_fund_action, require
from .. import audit, expenditures
from ..audit import Actor
from ..expenditures import ExpenditureData
from .assessment import require_unconflicted
from .common import commitment_of, paid_for, record, require_available, require_state, today, transition
from .guards import require_room


@dataclass
class InvoiceData:
    """An invoice the managing partner paid for the action; category and partner follow from the fund."""

    supplier: str
    invoice_number: str
    invoice_date: date
    payment_date: date
    description: str
    gross_amount: Decimal
    vat_amount: Decimal
    vat_recoverable: bool
    declared_amount: Decimal
    internal_ref: str = ""


def _period_of(project_id: int, day: date | None) -> int:
    """The reporting period in which the invoice was paid (0, refused by the rules, if none)."""
    if day is None:
        return 0
    return db.session.scalar(select(ReportingPeriod.id).where(
        ReportingPeriod.project_id == project_id, ReportingPeriod.start_date <= day,
        ReportingPeriod.end_date >= day)) or 0


def register_invoice(actor: Actor, user: User, action: FundAction, data: InvoiceData) -> Expenditure:
    """The managing partner's payment for the action, as its expenditure in the small-grants category."""
    if not can_see_fund_action(user, action):
        raise NotFound()
    require(can_register_fund_invoice(user, action),
            _("Invoices are registered for an approved action that is not closed, by a finance officer or the "
              "managing partner."))
    audit.serialise(action)
    require_state(action, "close")  # approved, executed or reported (not closed)
    if None in (data.invoice_date, data.payment_date, data.gross_amount, data.vat_amount, data.declared_amount):
        raise DomainError(_("Fill in every amount and date."))
    category = db.session.scalar(select(CostCategory).where(CostCategory.project_id == action.project_id,
                                                            CostCategory.kind == CategoryKind.SMALL_GRANTS))
    if data.declared_amount is not None and data.declared_amount > 0:
        require_room(action, data.declared_amount)
    exp = expenditures.create(actor, user, action.fund.managing_partner, ExpenditureData(
        category_id=category.id, period_id=_period_of(action.project_id, data.payment_date), supplier=data.supplier,
        invoice_number=data.invoice_number, invoice_date=data.invoice_date, payment_date=data.payment_date,
        description=data.description, gross_amount=data.gross_amount, vat_amount=data.vat_amount,
        vat_recoverable=data.vat_recoverable, declared_amount=data.declared_amount,
        internal_ref=data.internal_ref or action.reference))
    exp.fund_action_id = action.id
    db.session.flush()
    record(actor, user, action, "fund.invoice_registered", after={
        "expenditure_id": exp.id, "supplier": exp.supplier, "invoice_number": exp.invoice_number,
        "declared_amount": exp.declared_amount, "paid_total": paid_for(action)})
    return exp


def mark_executed(actor: Actor, user: User, action: FundAction, executed_on: date | None) -> FundAction:
    """The action took place (a finance officer or the managing partner, who was there to pay for it)."""
    if not can_see_fund_action(user, action):
        raise NotFound()
    audit.serialise(action)
    require_state(action, "execute")
    require(can_record_carried_out(user, action),
            _("A finance officer or the managing partner records that an action took place."))
    if executed_on is None:
        raise DomainError(_("Fill in the date on which the action took place."))
    if executed_on < action.start_date or executed_on > today():
        raise DomainError(_("The action took place between its start (%(start)s) and today.",
                            start=formatting.day(action.start_date)))
    before = transition(action, "execute")
    action.executed_on = executed_on
    db.session.flush()
    record(actor, user, action, "fund.executed", before={"status": before},
           after={"status": action.status, "executed_on": executed_on})
    return action


def decide_overrun(actor: Actor, user: User, action: FundAction, amount: Decimal | None, meeting_date: date | None,
                   reason: str) -> FundOverrun:
    """A recorded decision to pay more than approved: it raises the action's commitment, within what the
    fund still has available (checked under the lock)."""
    require(can_assess(user, action.project), _("Only a finance officer decides to pay more than approved."))
    audit.serialise(action, action.fund)
    require_unconflicted(user, action, _("decide on it"))
    if action.status not in (ActionStatus.APPROVED, ActionStatus.EXECUTED, ActionStatus.REPORTED):
        raise DomainError(_("Only an approved action that is not closed can be paid more."))
    if amount is None or amount <= 0:
        raise DomainError(_("Fill in how much more may be paid."))
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for paying more than approved."))
    if meeting_date is None or meeting_date > today():
        raise DomainError(_("Fill in the date of the decision (today or earlier)."))
    require_available(action.fund, amount)
    overrun = FundOverrun(action_id=action.id, amount=amount, reason=reason.strip(), meeting_date=meeting_date,
                          decided_by_id=user.id)
    db.session.add(overrun)
    db.session.flush()
    record(actor, user, action, "fund.overrun_decided", after={
        "amount": amount, "meeting_date": meeting_date, "reason": overrun.reason,
        "commitment": commitment_of(action)})
    return overrun


def close(actor: Actor, user: User, action: FundAction, note: str = "") -> FundAction:
    """Close the action: what was committed and not paid goes back to the fund."""
    require(can_assess(user, action.project), _("Only a finance officer closes an action."))
    audit.serialise(action, action.fund)
    require_state(action, "close")
    note = (note or "").strip()
    if action.status is not ActionStatus.REPORTED and not note:
        raise DomainError(_("The action has no final report: say why it is closed without one."))
    commitment, paid = commitment_of(action), paid_for(action)
    before = transition(action, "close")
    action.released_amount = commitment - paid
    action.closed_at, action.closed_by_id, action.close_note = utcnow(), user.id, note or None
    db.session.flush()
    record(actor, user, action, "fund.closed", before={"status": before}, after={
        "status": action.status, "commitment": commitment, "paid": paid, "released": action.released_amount,
        "note": note})
    return action
