"""Recoveries: EFRO a partner must give back, until settled by an offset against its next transfer (made
when a payment request takes the partner's claims), a repayment booked with its date, or a write-off with
its reason. What the pages read is scoped: a partner user sees its own partner's recoveries only."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import PaymentRequest, Project, Recovery, RecoveryMeasure, RecoverySettlement, User
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import can_book_corrections, can_see_recoveries, require, role_label, visible_partner_ids
from .. import audit
from ..audit import Actor


def recoveries_of(user: User, project: Project, open_only: bool = False) -> list[Recovery]:
    if not can_see_recoveries(user, project):
        raise NotFound()
    query = (select(Recovery).where(Recovery.project_id == project.id)
             .options(selectinload(Recovery.settlements)).order_by(Recovery.id))
    scope = visible_partner_ids(user, project)
    if scope is not None:
        query = query.where(Recovery.partner_id.in_(scope))
    rows = list(db.session.scalars(query))
    return [r for r in rows if r.outstanding > 0] if open_only else rows


def recovery_or_404(user: User, project: Project, recovery_id: int) -> Recovery:
    recovery = db.session.get(Recovery, recovery_id)
    scope = visible_partner_ids(user, project) if can_see_recoveries(user, project) else set()
    if recovery is None or recovery.project_id != project.id or (scope is not None and
                                                                  recovery.partner_id not in scope):
        raise NotFound(_("Recovery not found."))
    return recovery


def _settle(actor: Actor, user: User, project: Project, recovery: Recovery, kind: RecoveryMeasure,
            amount: Decimal, on: date, *, reason: str | None = None,
            request: PaymentRequest | None = None) -> RecoverySettlement:
    settlement = RecoverySettlement(recovery_id=recovery.id, kind=kind, amount=amount, settled_on=on, reason=reason,
                                    payment_request_id=request.id if request else None, recorded_by_id=user.id)
    db.session.add(settlement)
    db.session.flush()
    db.session.refresh(recovery)
    audit.record(actor, "recovery.settled", role=role_label(user, project), object_type="recovery",
                 object_id=recovery.id, project_id=project.id, after={
                     "kind": kind, "amount": amount, "date": on, "reason": reason,
                     "payment_request_id": settlement.payment_request_id, "outstanding_after": recovery.outstanding})
    return settlement


def _check(user: User, project: Project, recovery: Recovery, amount: Decimal | None) -> Decimal:
    require(can_book_corrections(user, project), _("Only a finance officer settles recoveries."))
    audit.serialise(recovery)
    if recovery.project_id != project.id:
        raise NotFound()
    if recovery.outstanding <= 0:
        raise DomainError(_("This recovery is settled."))
    if amount is None:
        return recovery.outstanding
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."))
    if amount > recovery.outstanding:
        raise DomainError(_("The amount (%(amount)s) is more than what is still to recover (%(left)s).",
                            amount=formatting.money(amount), left=formatting.money(recovery.outstanding)))
    return amount


def book_repayment(actor: Actor, user: User, project: Project, recovery: Recovery, amount: Decimal,
                   repaid_on: date) -> RecoverySettlement:
    amount = _check(user, project, recovery, amount)
    if repaid_on > utcnow().date():
        raise DomainError(_("The date of the repayment lies in the future."))
    return _settle(actor, user, project, recovery, RecoveryMeasure.REPAYMENT, amount, repaid_on)


def write_off(actor: Actor, user: User, project: Project, recovery: Recovery, reason: str) -> RecoverySettlement:
    amount = _check(user, project, recovery, None)
    reason = (reason or "").strip()
    if not reason or "\x00" in reason or len(reason) > 4000:
        raise DomainError(_("A write-off needs its reason."))
    return _settle(actor, user, project, recovery, RecoveryMeasure.WRITE_OFF, amount, utcnow().date(),
                   reason=reason)


def offsets_for(project: Project, partner_efro: dict[int, Decimal]) -> list[tuple[Recovery, Decimal]]:
    """The open recoveries to offset against a new payment request, oldest first, each partner's offsets
    no more than its EFRO in the request: (recovery, amount to offset)."""
    left = dict(partner_efro)
    result = []
    for recovery in db.session.scalars(
            select(Recovery).where(Recovery.project_id == project.id, Recovery.partner_id.in_(list(left)),
                                   Recovery.measure == RecoveryMeasure.OFFSET)
            .options(selectinload(Recovery.settlements)).order_by(Recovery.id)):
        amount = min(recovery.outstanding, left[recovery.partner_id])
        if amount > 0:
            result.append((recovery, amount))
            left[recovery.partner_id] -= amount
    return result


def apply_offsets(actor: Actor, user: User, project: Project, request: PaymentRequest,
                  offsets: list[tuple[Recovery, Decimal]]) -> Decimal:
    total = ZERO
    for recovery, amount in offsets:
        _settle(actor, user, project, recovery, RecoveryMeasure.OFFSET, amount, utcnow().date(), request=request)
        total += amount
    return total


def open_recovery(actor: Actor, user: User, project: Project, partner_id: int, amount: Decimal,
                  measure: RecoveryMeasure, *, correction_id: int | None = None, claim_id: int | None = None
                  ) -> Recovery:
    """EFRO to recover from a partner (from a correction or a negative claim), with the measure planned."""
    recovery = Recovery(project_id=project.id, partner_id=partner_id, correction_id=correction_id,
                        claim_id=claim_id, amount=amount, measure=measure, created_by_id=user.id)
    db.session.add(recovery)
    db.session.flush()
    audit.record(actor, "recovery.opened", role=role_label(user, project), object_type="recovery",
                 object_id=recovery.id, project_id=project.id, after={
                     "partner_id": partner_id, "amount": amount, "measure": measure,
                     "correction_id": correction_id, "claim_id": claim_id})
    return recovery
