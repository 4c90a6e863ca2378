"""What a partner's claims have used of its budget: the net certified amount, per cost category. The one rule
(DESIGN.md, Budgets): a financial correction takes its amounts off the budget's use, in the categories it
was booked on (the flat rates that follow included), so a later claim may declare against the partner's
budget what its certified claims certified less the corrections booked on them."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from ...extensions import db
from ...models import Claim, ClaimCategoryTotal, CorrectionAmount, FinancialCorrection
from ...models.claim import FINAL_STATES
from ...money import ZERO


def net_certified(partner_id: int, *, excluding: int | None = None, before: datetime | None = None
                  ) -> dict[int, Decimal]:
    """Per cost category: what the partner's certified claims certified, less the corrections booked on
    them. ``excluding``: leave this claim out (a claim's own figures come on top); ``before``: only claims
    certified and corrections booked before that moment (a certified claim keeps the figures its certifier
    saw). Two grouped queries."""
    claims = [Claim.partner_id == partner_id, Claim.status.in_(FINAL_STATES)]
    if excluding is not None:
        claims.append(Claim.id != excluding)
    if before is not None:
        claims.append(Claim.certified_at < before)
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for category_id, amount in db.session.execute(
            select(ClaimCategoryTotal.category_id, func.sum(ClaimCategoryTotal.certified))
            .join(Claim, ClaimCategoryTotal.claim_id == Claim.id).where(*claims)
            .group_by(ClaimCategoryTotal.category_id)):
        net[category_id] += amount
    booked = [FinancialCorrection.booked_at < before] if before is not None else []
    for category_id, amount in db.session.execute(
            select(CorrectionAmount.category_id, func.sum(CorrectionAmount.amount))
            .join(FinancialCorrection, CorrectionAmount.correction_id == FinancialCorrection.id)
            .join(Claim, FinancialCorrection.claim_id == Claim.id).where(*claims, *booked)
            .group_by(CorrectionAmount.category_id)):
        net[category_id] += amount
    return dict(net)
