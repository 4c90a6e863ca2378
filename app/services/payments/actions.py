"""Payment requests to the programme, the EFRO payment received by the lead partner, and its transfer
of each partner's share."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Claim,
    ClaimStatus,
    Partner,
    PartnerTransfer,
    PaymentRequest,
    PaymentShortfall,
    Project,
    Recovery,
    RecoverySettlement,
    User,
)
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import can_manage_payments, require, role_label
from .. import audit
from ..audit import Actor
from ..claims.workflow import transition
from ..corrections import recoveries
from . import shortfall


def _audit(actor, user, request: PaymentRequest, project: Project, action, before=None, after=None):
    audit.record(actor, action, role=role_label(user, project), object_type="payment_request",
                 object_id=request.id, project_id=project.id, before=before, after=after)


def create_request(actor: Actor, user: User, project: Project, claim_ids: list[int]) -> PaymentRequest:
    require(can_manage_payments(user, project), _("Only a finance officer makes payment requests."))
    audit.serialise()
    claim_ids = list(dict.fromkeys(claim_ids))
    if not claim_ids:
        raise DomainError(_("Choose at least one certified claim."))
    claims = db.session.scalars(select(Claim).where(Claim.id.in_(claim_ids), Claim.project_id == project.id)
                                .execution_options(populate_existing=True)).all()
    if len(claims) != len(claim_ids):
        raise DomainError(_("A chosen claim does not belong to this project."))
    for claim in claims:
        if claim.status is not ClaimStatus.CERTIFIED:
            raise DomainError(_("Claim #%(id)s is %(status)s; only certified claims go into a payment request.",
                                id=claim.id, status=claim.status.label))
        if claim.efro_total < 0:
            raise DomainError(_("Claim #%(id)s was certified with a negative total: its ERDF is recovered from "
                                "the partner, not requested.", id=claim.id))
    number = (db.session.scalar(select(func.max(PaymentRequest.number))
                                .where(PaymentRequest.project_id == project.id)) or 0) + 1
    per_partner: dict[int, Decimal] = {}
    for claim in claims:
        per_partner[claim.partner_id] = per_partner.get(claim.partner_id, ZERO) + claim.efro_total
    # Open recoveries to offset: each partner's transfer pays the rest; the programme is asked for the net.
    offsets = recoveries.offsets_for(project, per_partner)
    gross = sum(per_partner.values(), ZERO)
    net = gross - sum((amount for _r, amount in offsets), ZERO)
    if net <= 0:
        raise DomainError(_("The recoveries to offset take the whole request (%(amount)s): add more claims or "
                            "settle the recoveries otherwise.", amount=formatting.money(gross)))
    request = PaymentRequest(project_id=project.id, number=number, created_by_id=user.id, amount_requested=net)
    db.session.add(request)
    db.session.flush()
    recoveries.apply_offsets(actor, user, project, request, offsets)
    for claim in claims:
        transition(claim, "include_in_payment")
        claim.payment_request_id = request.id
    db.session.flush()
    _audit(actor, user, request, project, "payment.requested", after={
        "number": number, "claims": sorted(claim_ids), "amount_requested": request.amount_requested,
        "efro": gross, "offsets": {r.id: amount for r, amount in offsets}})
    return request


def record_received(actor: Actor, user: User, project: Project, request: PaymentRequest, received_on: date,
                    amount: Decimal, shortfalls: list[tuple[int, Decimal, str]] | None = None) -> PaymentRequest:
    """The programme's payment, received by the lead partner. A payment below the request is booked with
    the difference attributed to claims of the request (and so to their partners), each with its reason
    (``shortfalls``: claim id, amount, reason); what was not received is not passed on."""
    require(can_manage_payments(user, project), _("Only a finance officer records payments."))
    audit.serialise(request)
    if request.received_date is not None:
        raise DomainError(_("The payment of payment request %(number)s has already been recorded (%(amount)s on "
                            "%(date)s).", number=request.number, amount=formatting.money(request.received_amount),
                            date=formatting.day(request.received_date)))
    if amount is None or amount <= 0:
        raise DomainError(_("The amount received must be more than zero."))
    if amount > request.amount_requested:
        raise DomainError(_("The amount received (%(amount)s) is more than the amount requested (%(requested)s).",
                            amount=formatting.money(amount), requested=formatting.money(request.amount_requested)))
    if received_on > utcnow().date():
        raise DomainError(_("The date of receipt lies in the future."))
    booked = shortfall.attribute(user, request, amount, shortfalls or [], shares(request))
    request.received_date, request.received_amount = received_on, amount
    request.received_recorded_by_id = user.id
    db.session.flush()
    paid = []  # a partner whose whole share was offset (or not received) has nothing to wait for
    for share in shares(request):
        if share.due == 0:
            paid += _mark_paid(request, share.partner.id)
    _audit(actor, user, request, project, "payment.received",
           after={"received_date": received_on, "amount": amount,
                  "shortfalls": [{"claim_id": s.claim_id, "partner_id": s.partner_id, "amount": s.amount,
                                  "reason": s.reason} for s in booked], "claims_paid": sorted(paid)})
    return request


def _mark_paid(request: PaymentRequest, partner_id: int) -> list[int]:
    paid = []
    for claim in db.session.scalars(select(Claim).where(Claim.payment_request_id == request.id,
                                                        Claim.partner_id == partner_id,
                                                        Claim.status == ClaimStatus.INCLUDED_IN_PAYMENT)):
        transition(claim, "mark_paid")
        claim.paid_at = utcnow()
        paid.append(claim.id)
    db.session.flush()
    return paid


@dataclass
class PartnerShare:
    partner: Partner
    due: Decimal  # what the lead partner passes on: EFRO less offsets less what was not received
    transferred: Decimal
    efro: Decimal = ZERO  # the EFRO of the partner's claims in the request
    offset: Decimal = ZERO  # recoveries offset against this transfer
    not_received: Decimal = ZERO  # the programme's shortfall attributed to the partner

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.transferred


def shares(request: PaymentRequest) -> list[PartnerShare]:
    """Per partner: its EFRO in the request, the recoveries offset and the shortfall attributed to it, what
    is due (the rest), what the lead partner transferred, what is outstanding."""
    due = db.session.execute(
        select(Claim.partner_id, func.sum(Claim.efro_total)).where(Claim.payment_request_id == request.id)
        .group_by(Claim.partner_id)).all()
    paid = dict(db.session.execute(
        select(PartnerTransfer.partner_id, func.sum(PartnerTransfer.amount))
        .where(PartnerTransfer.payment_request_id == request.id).group_by(PartnerTransfer.partner_id)).all())
    offset = dict(db.session.execute(
        select(Recovery.partner_id, func.sum(RecoverySettlement.amount))
        .join(Recovery, RecoverySettlement.recovery_id == Recovery.id)
        .where(RecoverySettlement.payment_request_id == request.id).group_by(Recovery.partner_id)).all())
    short = dict(db.session.execute(
        select(PaymentShortfall.partner_id, func.sum(PaymentShortfall.amount))
        .where(PaymentShortfall.payment_request_id == request.id).group_by(PaymentShortfall.partner_id)).all())
    partners = {p.id: p for p in db.session.scalars(select(Partner).where(Partner.id.in_([d[0] for d in due])))}
    return sorted((PartnerShare(partners[pid], amount - offset.get(pid, ZERO) - short.get(pid, ZERO),
                                paid.get(pid, ZERO), amount, offset.get(pid, ZERO), short.get(pid, ZERO))
                   for pid, amount in due), key=lambda s: s.partner.number)


def record_transfer(actor: Actor, user: User, project: Project, request: PaymentRequest, partner_id: int,
                    transferred_on: date, amount: Decimal) -> PartnerTransfer:
    """The lead partner passes a partner's share on. Never more than the partner's share, nor more than
    was received; once a partner has its whole share, its claims in the request are paid."""
    require(can_manage_payments(user, project), _("Only a finance officer records payments."))
    audit.serialise(request)
    if request.received_date is None:
        raise DomainError(_("First record the receipt of the programme's payment."))
    share = next((s for s in shares(request) if s.partner.id == partner_id), None)
    if share is None:
        raise DomainError(_("This partner has no claim in this payment request."))
    if amount is None or amount <= 0:
        raise DomainError(_("The amount passed on must be more than zero."))
    if share.outstanding == 0:
        raise DomainError(_("%(partner)s has already received its whole share (%(due)s): a second payment is not "
                            "possible.", partner=share.partner.name, due=formatting.money(share.due)))
    if amount > share.outstanding:
        raise DomainError(_("The amount (%(amount)s) is more than what %(partner)s is still owed (%(outstanding)s).",
                            amount=formatting.money(amount), partner=share.partner.name,
                            outstanding=formatting.money(share.outstanding)))
    transferred_total = db.session.scalar(select(func.coalesce(func.sum(PartnerTransfer.amount), ZERO)).where(
        PartnerTransfer.payment_request_id == request.id)) or ZERO
    if transferred_total + amount > request.received_amount:
        raise DomainError(_("Only %(left)s of the payment received is left to pass on.",
                            left=formatting.money(request.received_amount - transferred_total)))
    if transferred_on < request.received_date:
        raise DomainError(_("A transfer cannot lie before the receipt of the payment."))
    if transferred_on > utcnow().date():
        raise DomainError(_("The date of the transfer lies in the future."))
    transfer = PartnerTransfer(payment_request_id=request.id, partner_id=partner_id, transfer_date=transferred_on,
                               amount=amount, recorded_by_id=user.id)
    db.session.add(transfer)
    db.session.flush()
    paid_claims = _mark_paid(request, partner_id) if amount == share.outstanding else []
    _audit(actor, user, request, project, "payment.transferred", after={
        "partner_id": partner_id, "transfer_date": transferred_on, "amount": amount,
        "outstanding_after": share.outstanding - amount, "claims_paid": paid_claims})
    return transfer


def retention_until(project: Project) -> tuple[date | None, date | None]:
    """(last payment to the lead partner, the date until which evidence is kept at least: 31 December
    of the fifth year after that payment); (None, None) while nothing has been paid: keep everything."""
    last = db.session.scalar(select(func.max(PaymentRequest.received_date))
                             .where(PaymentRequest.project_id == project.id))
    return (last, date(last.year + 5, 12, 31)) if last else (None, None)
