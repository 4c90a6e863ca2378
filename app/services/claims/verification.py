"""First-level verification of a claim: four eyes, verifying or parking each line, returning a claim."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import formatting
from ...errors import DomainError, PermissionDenied
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    ErrorType,
    ExpenditureStatus,
    LineStatus,
    User,
)
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import can_verify, four_eyes_problem, require
from .. import audit
from ..audit import Actor
from ..expenditures.duplicates import duplicates_of
from .workflow import record, transition


def verifier_problem(user: User, claim: Claim) -> str | None:
    """Why this user may not verify this claim (four eyes), or None: see permissions.four_eyes_problem."""
    return four_eyes_problem(user, claim)


def require_verifier(user: User, claim: Claim) -> None:
    problem = verifier_problem(user, claim)
    if problem:
        raise PermissionDenied(problem)


def start_verification(actor: Actor, user: User, claim: Claim) -> Claim:
    audit.serialise(claim)
    require_verifier(user, claim)
    before, _after = transition(claim, "start_verification")
    claim.verifier_id = user.id
    db.session.flush()
    record(actor, user, claim, "claim.verification_started", before={"status": before},
           after={"status": claim.status})
    return claim


def verify_line(actor: Actor, user: User, claim: Claim, line_id: int, *, deduction: Decimal = ZERO,
                error_type: ErrorType | None = None, comment: str = "", park: bool = False,
                confirm_duplicate: bool = False) -> ClaimLine:
    audit.serialise(claim)
    require_verifier(user, claim)
    if claim.status is not ClaimStatus.IN_VERIFICATION:
        raise DomainError(_("Lines are verified while the claim is in verification."))
    line = db.session.get(ClaimLine, line_id)
    if line is None or line.claim_id != claim.id:
        raise DomainError(_("This line does not belong to this claim."))
    if line.expenditure.status is not ExpenditureStatus.ACTIVE:
        raise DomainError(_("Expenditure #%(id)s is withdrawn and cannot be verified.", id=line.expenditure_id))
    comment = (comment or "").strip()
    deduction = deduction or ZERO
    if park:
        error_type = None  # a parked line is neither accepted nor cut: no type of error
    if deduction < 0:
        raise DomainError(_("A deduction cannot be negative."))
    if park and deduction:
        raise DomainError(_("A parked line gets no deduction: it is neither accepted nor rejected."))
    if deduction > max(line.declared_amount, ZERO):
        raise DomainError(_("The deduction (%(deduction)s) is more than the declared amount (%(declared)s).",
                            deduction=formatting.money(deduction), declared=formatting.money(line.declared_amount)))
    if deduction and (error_type is None or not comment):
        raise DomainError(_("A deduction needs a type of error and a comment."))
    if error_type is not None and not deduction:
        raise DomainError(_("A type of error goes with a deduction: enter the amount of the deduction, or choose "
                            "no type of error."))
    if park and not comment:
        raise DomainError(_("Explain why the line is parked."))
    before = {"status": line.status, "deduction": line.deduction, "error_type": line.error_type,
              "comment": line.comment}
    if confirm_duplicate and line.duplicate_confirmed_by_id is None:
        line.duplicate_confirmed_by_id = user.id
    line.status = LineStatus.PARKED if park else LineStatus.VERIFIED
    line.deduction = ZERO if park else deduction
    line.error_type = error_type if deduction else None
    line.comment = comment or None
    line.verified_by_id, line.verified_at = user.id, utcnow()
    db.session.flush()
    record(actor, user, claim, "claim.line_parked" if park else "claim.line_verified", before=before, after={
        "line_id": line.id, "expenditure_id": line.expenditure_id, "status": line.status,
        "declared": line.declared_amount, "deduction": line.deduction, "certified": line.certified_amount,
        "error_type": line.error_type, "comment": line.comment,
        "duplicate_confirmed": line.duplicate_confirmed_by_id is not None})
    return line


MAX_SELECTION = 1000  # lines verified in one request (a page holds far fewer)


def verify_lines(actor: Actor, user: User, claim: Claim, line_ids: list[int]) -> int:
    """Verify the selected lines without deduction, in one transaction: the same rules as
    :func:`verify_line`, checked for every line before any changes, and one audit event per line. Lines
    flagged as possible double financing and not yet checked are refused: the verifier confirms those one
    by one (with the line's own form)."""
    audit.serialise(claim)
    require_verifier(user, claim)
    if claim.status is not ClaimStatus.IN_VERIFICATION:
        raise DomainError(_("Lines are verified while the claim is in verification."))
    wanted = list(dict.fromkeys(line_ids))
    if not wanted:
        raise DomainError(_("Select at least one line."))
    if len(wanted) > MAX_SELECTION:
        raise DomainError(_("Select at most %(max)s lines at a time.", max=MAX_SELECTION))
    lines = {ln.id: ln for ln in db.session.scalars(
        select(ClaimLine).where(ClaimLine.claim_id == claim.id, ClaimLine.id.in_(wanted))
        .options(joinedload(ClaimLine.expenditure)))}
    foreign = [i for i in wanted if i not in lines]
    if foreign:
        raise DomainError(_("These lines do not belong to this claim: %(ids)s.",
                            ids=", ".join(f"#{i}" for i in foreign)))
    withdrawn = [ln.expenditure_id for ln in lines.values() if ln.expenditure.status is not ExpenditureStatus.ACTIVE]
    if withdrawn:
        raise DomainError(_("Expenditures %(ids)s are withdrawn and cannot be verified.",
                            ids=", ".join(f"#{i}" for i in sorted(withdrawn))))
    flagged = duplicates_of(claim.project_id, [ln.expenditure_id for ln in lines.values()
                                              if ln.duplicate_confirmed_by_id is None])
    if flagged:
        raise DomainError(_("Possible double financing on expenditures %(ids)s: check and verify these lines one "
                            "by one.", ids=", ".join(f"#{i}" for i in sorted(flagged))))
    now = utcnow()
    for line_id in wanted:
        line = lines[line_id]
        before = {"status": line.status, "deduction": line.deduction, "error_type": line.error_type,
                  "comment": line.comment}
        line.status, line.deduction, line.error_type, line.comment = LineStatus.VERIFIED, ZERO, None, None
        line.verified_by_id, line.verified_at = user.id, now
        record(actor, user, claim, "claim.line_verified", before=before, after={
            "line_id": line.id, "expenditure_id": line.expenditure_id, "status": line.status,
            "declared": line.declared_amount, "deduction": line.deduction, "certified": line.certified_amount,
            "error_type": None, "comment": None, "duplicate_confirmed": line.duplicate_confirmed_by_id is not None,
            "selection": True})
    return len(wanted)


def return_claim(actor: Actor, user: User, claim: Claim, reason: str) -> Claim:
    require(can_verify(user, claim.partner.project), _("Only a finance officer returns a claim."))
    audit.serialise(claim)
    if not (reason or "").strip():
        raise DomainError(_("Say why the claim goes back to the partner."))
    before, _after = transition(claim, "return")
    claim.return_reason = reason.strip()
    db.session.flush()
    record(actor, user, claim, "claim.returned", before={"status": before},
           after={"status": claim.status, "reason": claim.return_reason})
    return claim
