"""The approved EFRO as a ceiling: a claim that would take the project (or, where the project fixes EFRO
per partner, the partner) above it is certified in full with its EFRO capped at what remains. What counts
is the net EFRO: certified claims plus their corrections (negative)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from ...extensions import db
from ...models import Claim, FinancialCorrection, FundingKind, FundingSource, Partner, Project
from ...models.claim import FINAL_STATES
from ...money import ZERO


def net_efro(project: Project, partner_id: int | None = None) -> Decimal:
    """Certified EFRO of the project (or one partner) after corrections."""
    claims = [Claim.project_id == project.id, Claim.status.in_(FINAL_STATES)]
    corrections = [FinancialCorrection.project_id == project.id]
    if partner_id is not None:
        claims.append(Claim.partner_id == partner_id)
        corrections.append(FinancialCorrection.partner_id == partner_id)
    certified = db.session.scalar(select(func.coalesce(func.sum(Claim.efro_total), ZERO)).where(*claims)) or ZERO
    corrected = db.session.scalar(select(func.coalesce(func.sum(FinancialCorrection.efro), ZERO))
                                  .where(*corrections)) or ZERO
    return certified + corrected


def partner_efro_budget(partner: Partner) -> Decimal:
    return db.session.scalar(select(func.coalesce(func.sum(FundingSource.amount), ZERO)).where(
        FundingSource.partner_id == partner.id, FundingSource.kind == FundingKind.EFRO)) or ZERO


def efro_room(project: Project, partner: Partner) -> Decimal:
    """EFRO that may still be certified for this partner: under the project's approved amount and, where
    the project fixes EFRO per partner, under the partner's."""
    room = project.efro_ceiling - net_efro(project)
    if project.efro_per_partner:
        room = min(room, partner_efro_budget(partner) - net_efro(project, partner.id))
    return max(room, ZERO)


def cap(project: Project, partner: Partner, total: Decimal, efro: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(EFRO, contribution, capped difference) for a claim of ``total`` whose EFRO by the rule is ``efro``."""
    if efro <= 0:
        return efro, total - efro, ZERO
    room = efro_room(project, partner)
    if efro <= room:
        return efro, total - efro, ZERO
    return room, total - room, efro - room
