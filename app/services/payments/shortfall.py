"""A programme payment below its request: the difference attributed to claims of the request (and so to
their partners), each with its reason, so that what was not received is not passed on."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import Claim, PaymentRequest, PaymentShortfall, User
from ...money import ZERO

MAX_REASON = 2000


def attribute(user: User, request: PaymentRequest, received: Decimal, rows: list[tuple[int, Decimal, str]],
              shares) -> list[PaymentShortfall]:
    """Check and book the attribution of ``request.amount_requested - received``: every row a claim of the
    request, an amount more than zero and a reason; together exactly the difference; no partner short of
    more than what is due to it."""
    difference = request.amount_requested - received
    rows = [(claim_id, amount, (reason or "").strip()) for claim_id, amount, reason in rows if amount]
    if difference == 0:
        if rows:
            raise DomainError(_("The whole amount was received: there is no difference to attribute."))
        return []
    claims = {c.id: c for c in db.session.scalars(select(Claim).where(Claim.payment_request_id == request.id))}
    due = {s.partner.id: s.due for s in shares}
    short: dict[int, Decimal] = {}
    for claim_id, amount, reason in rows:
        claim = claims.get(claim_id)
        if claim is None:
            raise DomainError(_("Claim #%(id)s is not in this payment request.", id=claim_id))
        if amount <= 0:
            raise DomainError(_("A difference attributed to a claim must be more than zero."))
        if not reason or "\x00" in reason or len(reason) > MAX_REASON:
            raise DomainError(_("Give the reason for the difference attributed to claim #%(id)s.", id=claim_id))
        short[claim.partner_id] = short.get(claim.partner_id, ZERO) + amount
    attributed = sum(short.values(), ZERO)
    if attributed != difference:
        raise DomainError(_("The programme paid %(received)s of %(requested)s: attribute the difference of "
                            "%(difference)s to the claims (attributed now: %(attributed)s).",
                            received=formatting.money(received),
                            requested=formatting.money(request.amount_requested),
                            difference=formatting.money(difference), attributed=formatting.money(attributed)))
    for partner_id, amount in short.items():
        if amount > due.get(partner_id, ZERO):
            raise DomainError(_("More is attributed to a partner than its share of the request."))
    booked = [PaymentShortfall(payment_request_id=request.id, claim_id=claim_id, partner_id=claims[claim_id].partner_id,
                               amount=amount, reason=reason, recorded_by_id=user.id)
              for claim_id, amount, reason in rows]
    db.session.add_all(booked)
    db.session.flush()
    return booked
