"""What a claim's page reads of the corrections booked on it (whoever sees the claim sees them)."""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Claim, FinancialCorrection


def corrections_of_claim(claim: Claim) -> list[FinancialCorrection]:
    return list(db.session.scalars(select(FinancialCorrection).where(FinancialCorrection.claim_id == claim.id)
                                   .order_by(FinancialCorrection.id)))
