"""Preparing a claim: creating it, putting expenditures in and taking them out, and submitting it."""
from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager, joinedload

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Expenditure,
    ExpenditureStatus,
    LineStatus,
    Partner,
    ReportingPeriod,
    User,
)
from ...models.claim import FINAL_STATES
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import can_register_for, can_see_partner, require
from .. import audit
from ..audit import Actor
from .workflow import record, transition


def _require_preparer(user: User, claim: Claim) -> None:
    if not can_see_partner(user, claim.partner):
        raise NotFound(_("Not found."))
    require(can_register_for(user, claim.partner),
            _("Only the partner itself or a finance officer updates a claim."))
    audit.serialise(claim)


def _require_editable(claim: Claim) -> None:
    if not claim.status.editable:
        raise DomainError(_("This claim is %(status)s and frozen; changes are new records (corrections), not "
                            "edits.", status=claim.status.label))


def create_claim(actor: Actor, user: User, partner: Partner, period_id: int) -> Claim:
    require(can_register_for(user, partner), _("Only the partner itself or a finance officer creates a claim."))
    audit.serialise()
    period = db.session.get(ReportingPeriod, period_id) if period_id else None
    if period is None or period.project_id != partner.project_id:
        raise DomainError(_("Choose a reporting period of this project."))
    if db.session.scalar(select(Claim.id).where(Claim.partner_id == partner.id, Claim.period_id == period_id)):
        raise DomainError(_("%(partner)s already has a claim for %(period)s.", partner=partner.name,
                            period=period.label))
    claim = Claim(project_id=partner.project_id, partner_id=partner.id, period_id=period_id,
                  created_by_id=user.id, status=ClaimStatus.DRAFT)
    db.session.add(claim)
    db.session.flush()
    record(actor, user, claim, "claim.created", after={"partner_id": partner.id, "period": period.number})
    return claim


def claimable_query(claim: Claim):
    """Active lines of the claim's partner, of this period or earlier, that are in no claim, or only
    parked in claims that are certified (parking ends when that claim is certified)."""
    taken = select(ClaimLine.expenditure_id).join(Claim, ClaimLine.claim_id == Claim.id).where(
        Claim.partner_id == claim.partner_id,
        ~and_(ClaimLine.status == LineStatus.PARKED, Claim.status.in_(FINAL_STATES)))
    return (select(Expenditure).join(ReportingPeriod, Expenditure.period_id == ReportingPeriod.id)
            .where(Expenditure.partner_id == claim.partner_id, Expenditure.status == ExpenditureStatus.ACTIVE,
                   ReportingPeriod.number <= claim.period.number, Expenditure.id.not_in(taken)))


def claimable_expenditures(claim: Claim) -> list[Expenditure]:
    return list(db.session.scalars(
        claimable_query(claim).options(contains_eager(Expenditure.period), joinedload(Expenditure.category))
        .order_by(Expenditure.payment_date, Expenditure.id)))


def add_lines(actor: Actor, user: User, claim: Claim, expenditure_ids: list[int]) -> int:
    _require_preparer(user, claim)
    _require_editable(claim)
    wanted = list(dict.fromkeys(expenditure_ids))
    if not wanted:
        raise DomainError(_("Choose at least one expenditure."))
    free = {e.id: e for e in db.session.scalars(claimable_query(claim).where(Expenditure.id.in_(wanted)))}
    missing = [i for i in wanted if i not in free]
    if missing:
        raise DomainError(_("These expenditures cannot go into this claim: %(ids)s (of another partner, withdrawn, "
                            "of a later period or already claimed).", ids=formatting.ids(missing)))
    db.session.execute(db.insert(ClaimLine), [
        {"claim_id": claim.id, "expenditure_id": i, "declared_amount": free[i].declared_amount,
         "category_id": free[i].category_id, "status": LineStatus.PENDING, "deduction": ZERO} for i in wanted])
    record(actor, user, claim, "claim.lines_added", after={
        "expenditure_ids": wanted, "declared": sum((free[i].declared_amount for i in wanted), ZERO)})
    return len(wanted)


def remove_line(actor: Actor, user: User, claim: Claim, line_id: int) -> None:
    _require_preparer(user, claim)
    _require_editable(claim)
    line = db.session.get(ClaimLine, line_id)
    if line is None or line.claim_id != claim.id:
        raise DomainError(_("This line does not belong to this claim."))
    record(actor, user, claim, "claim.line_removed", before={
        "expenditure_id": line.expenditure_id, "declared_amount": line.declared_amount, "status": line.status,
        "deduction": line.deduction, "error_type": line.error_type, "comment": line.comment})
    db.session.delete(line)
    db.session.flush()


def submit(actor: Actor, user: User, claim: Claim) -> Claim:
    """Submit (or resubmit after a return): the declared amounts and categories are fixed and the claim is
    frozen."""
    _require_preparer(user, claim)
    lines = db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                               .options(joinedload(ClaimLine.expenditure))).all()
    if not lines:
        raise DomainError(_("An empty claim cannot be submitted: add expenditures first."))
    before, _after = transition(claim, "submit")
    periods = {p.id: p for p in db.session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.project_id == claim.project_id))}
    for line in lines:
        exp = line.expenditure
        if exp.status is not ExpenditureStatus.ACTIVE:
            raise DomainError(_("Expenditure #%(id)s is withdrawn; take it out of the claim.", id=exp.id))
        exp_period = periods[exp.period_id]
        if exp.partner_id != claim.partner_id or exp_period.number > claim.period.number:
            raise DomainError(_("Expenditure #%(id)s now belongs to %(period)s, after the period of this claim; "
                                "take it out of the claim or set its period back.", id=exp.id,
                                period=exp_period.label))
        if exp.corrects_id is not None and exp.corrects.status is not ExpenditureStatus.ACTIVE:
            raise DomainError(_("Correction line #%(id)s belongs to a withdrawn expenditure.", id=exp.id))
        line.declared_amount, line.category_id = exp.declared_amount, exp.category_id
        line.status, line.deduction, line.error_type, line.comment = LineStatus.PENDING, ZERO, None, None
        line.verified_by_id = line.verified_at = line.duplicate_confirmed_by_id = None
    claim.submitted_by_id, claim.submitted_at, claim.verifier_id = user.id, utcnow(), None
    db.session.flush()
    record(actor, user, claim, "claim.submitted", before={"status": before}, after={
        "status": claim.status, "lines": len(lines), "declared": sum((ln.declared_amount for ln in lines), ZERO)})
    return claim
