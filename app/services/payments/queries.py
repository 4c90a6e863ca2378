"""What the payment pages read, scoped: a finance officer, admin or auditor sees every payment request
whole; a partner user sees only the requests that hold its claims, and in them only its own claims, its
own share and the transfers to it (nothing of other partners, not even the request's total)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...errors import NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Claim,
    ClaimStatus,
    PartnerTransfer,
    PaymentRequest,
    PaymentShortfall,
    Project,
    Recovery,
    RecoverySettlement,
    User,
)
from ...money import ZERO
from ...permissions import scoped, visible_partner_ids
from .actions import PartnerShare, shares


@dataclass
class RequestRow:
    id: int
    number: int
    created_at: datetime
    claims: int
    requested: Decimal  # the request's EFRO, or for a partner user its own share (offsets, shortfall off)
    received_date: date | None
    received: Decimal | None  # None for a partner user: what the programme paid for all partners
    outstanding: Decimal | None  # still to receive from the programme (finance officers and auditors)
    transferred: Decimal  # passed on to the partners (a partner user: to itself)


@dataclass
class RequestView:
    request: PaymentRequest
    whole: bool  # the user sees the whole request (not a partner user)
    claims: list[Claim]
    shares: list[PartnerShare]
    transfers: list[PartnerTransfer]
    requested: Decimal
    transferred: Decimal
    outstanding_programme: Decimal | None  # not yet received (a shortfall booked with the receipt is not awaited)
    shortfalls: list = field(default_factory=list)
    open_shares: list[PartnerShare] = field(default_factory=list)


def _scope(user: User, project: Project) -> set[int] | None:
    return visible_partner_ids(user, project)


def request_rows(user: User, project: Project) -> list[RequestRow]:
    """The payment requests the user may see, with their figures: a fixed number of queries."""
    scope = _scope(user, project)
    claim_filter = [Claim.project_id == project.id, Claim.payment_request_id.is_not(None)]
    if scope is not None:
        claim_filter.append(Claim.partner_id.in_(scope))
    per_request = {rid: (n, efro) for rid, n, efro in db.session.execute(
        select(Claim.payment_request_id, func.count(), func.sum(Claim.efro_total)).where(*claim_filter)
        .group_by(Claim.payment_request_id))}
    transfer_filter = [PaymentRequest.project_id == project.id]
    if scope is not None:
        transfer_filter.append(PartnerTransfer.partner_id.in_(scope))
    transferred = dict(db.session.execute(
        select(PartnerTransfer.payment_request_id, func.sum(PartnerTransfer.amount))
        .join(PaymentRequest, PartnerTransfer.payment_request_id == PaymentRequest.id).where(*transfer_filter)
        .group_by(PartnerTransfer.payment_request_id)).all())
    less = _offsets_and_shortfalls(project, scope) if scope is not None else {}
    rows = []
    for pr in db.session.scalars(select(PaymentRequest).where(PaymentRequest.project_id == project.id)
                                 .order_by(PaymentRequest.number)):
        if pr.id not in per_request:
            continue  # a partner user: none of its claims in this request
        n, efro = per_request[pr.id]
        whole = scope is None
        rows.append(RequestRow(  # a partner user: its share as on the request's page (offsets, shortfall off)
            pr.id, pr.number, pr.created_at, n, pr.amount_requested if whole else efro - less.get(pr.id, ZERO),
            pr.received_date,
            pr.received_amount if whole else None,
            (ZERO if pr.received_date else pr.amount_requested) if whole else None, transferred.get(pr.id, ZERO)))
    return rows


def _offsets_and_shortfalls(project: Project, scope: set[int]) -> dict[int, Decimal]:
    """Per payment request: the recoveries offset against these partners' shares and the shortfall
    attributed to them (what they are not paid of their claims' EFRO)."""
    less: dict[int, Decimal] = {}
    for rid, amount in db.session.execute(
            select(RecoverySettlement.payment_request_id, func.sum(RecoverySettlement.amount))
            .join(Recovery, RecoverySettlement.recovery_id == Recovery.id)
            .where(Recovery.project_id == project.id, Recovery.partner_id.in_(scope),
                   RecoverySettlement.payment_request_id.is_not(None))
            .group_by(RecoverySettlement.payment_request_id)):
        less[rid] = less.get(rid, ZERO) + amount
    for rid, amount in db.session.execute(
            select(PaymentShortfall.payment_request_id, func.sum(PaymentShortfall.amount))
            .join(PaymentRequest, PaymentShortfall.payment_request_id == PaymentRequest.id)
            .where(PaymentRequest.project_id == project.id, PaymentShortfall.partner_id.in_(scope))
            .group_by(PaymentShortfall.payment_request_id)):
        less[rid] = less.get(rid, ZERO) + amount
    return less


def request_or_404(user: User, project: Project, request_id: int) -> PaymentRequest:
    """A payment request of the project that the user may see (a partner user: one with its claims)."""
    pr = db.session.get(PaymentRequest, request_id)
    if pr is None or pr.project_id != project.id:
        raise NotFound(_("Payment request not found."))
    scope = _scope(user, project)
    if scope is not None and not db.session.scalar(select(Claim.id).where(
            Claim.payment_request_id == pr.id, Claim.partner_id.in_(scope)).limit(1)):
        raise NotFound(_("Payment request not found."))
    return pr


def request_view(user: User, project: Project, pr: PaymentRequest) -> RequestView:
    scope = _scope(user, project)
    claims_q = (select(Claim).where(Claim.payment_request_id == pr.id)
                .options(joinedload(Claim.partner), joinedload(Claim.period)).order_by(Claim.id))
    transfers_q = (select(PartnerTransfer).where(PartnerTransfer.payment_request_id == pr.id)
                   .options(joinedload(PartnerTransfer.partner)).order_by(PartnerTransfer.id))
    if scope is not None:
        claims_q = claims_q.where(Claim.partner_id.in_(scope))
        transfers_q = transfers_q.where(PartnerTransfer.partner_id.in_(scope))
    visible_shares = [s for s in shares(pr) if scope is None or s.partner.id in scope]
    transferred = sum((s.transferred for s in visible_shares), ZERO)
    whole = scope is None
    return RequestView(
        request=pr, whole=whole, claims=list(db.session.scalars(claims_q)), shares=visible_shares,
        transfers=list(db.session.scalars(transfers_q)),
        requested=pr.amount_requested if whole else sum((s.due for s in visible_shares), ZERO),
        transferred=transferred,
        outstanding_programme=(ZERO if pr.received_date else pr.amount_requested) if whole else None,
        shortfalls=list(db.session.scalars(scoped(
            select(PaymentShortfall).where(PaymentShortfall.payment_request_id == pr.id)
            .order_by(PaymentShortfall.id), PaymentShortfall.partner_id, user, project))),
        open_shares=[s for s in visible_shares if s.outstanding])


def certified_unrequested(project: Project) -> list[Claim]:
    """Certified claims that are in no payment request yet (for a finance officer's new request)."""
    return list(db.session.scalars(
        select(Claim).where(Claim.project_id == project.id, Claim.status == ClaimStatus.CERTIFIED,
                            Claim.efro_total >= 0)
        .options(joinedload(Claim.partner), joinedload(Claim.period)).order_by(Claim.id)))
