"""First-level verification of a claim: four eyes, verifying or parking each line, returning a claim."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import String, cast, select, union

from ...errors import DomainError, PermissionDenied
from ...extensions import db
from ...models import (
    AuditEvent,
    Claim,
    ClaimLine,
    ClaimStatus,
    ErrorType,
    Expenditure,
    ExpenditureStatus,
    LineStatus,
    User,
)
from ...models.types import utcnow
from ...money import ZERO, format_money
from ...permissions import can_verify, require
from .. import audit
from ..audit import Actor
from .workflow import record, transition

# Four eyes: what makes a finance officer one of the preparers of a claim, who may then not verify it.
# Only changes count; reading (opening a page, downloading evidence: 'document.downloaded') never does.
PREPARING_CLAIM_ACTIONS = ("claim.lines_added", "claim.submitted")
CHANGING_EXPENDITURE_ACTIONS = ("expenditure.created", "expenditure.updated", "expenditure.corrected",
                                "expenditure.withdrawn", "document.attached")


def own_lines(user: User, claim: Claim) -> list[int]:
    """The expenditures of the claim that this user registered, changed, corrected or documented: lines
    they created (by the form or an import), corrections of its lines they made, and lines with one of
    CHANGING_EXPENDITURE_ACTIONS by them in the audit trail."""
    in_claim = select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id)
    created = (select(ClaimLine.expenditure_id).join(Expenditure, ClaimLine.expenditure_id == Expenditure.id)
               .where(ClaimLine.claim_id == claim.id, Expenditure.created_by_id == user.id))
    corrected = select(Expenditure.corrects_id).where(Expenditure.corrects_id.in_(in_claim),
                                                      Expenditure.created_by_id == user.id)
    changed = (select(ClaimLine.expenditure_id)
               .join(AuditEvent, AuditEvent.object_id == cast(ClaimLine.expenditure_id, String))
               .where(ClaimLine.claim_id == claim.id, AuditEvent.project_id == claim.project_id,
                      AuditEvent.object_type == "expenditure", AuditEvent.user_id == user.id,
                      AuditEvent.action.in_(CHANGING_EXPENDITURE_ACTIONS)))
    return sorted(set(db.session.scalars(union(created, corrected, changed))))


def verifier_problem(user: User, claim: Claim) -> str | None:
    """Why this user may not verify this claim, or None. Four eyes: a finance officer who did not put
    lines into the claim or submit it (PREPARING_CLAIM_ACTIONS), and who registered, changed, corrected or
    documented none of its expenditures (:func:`own_lines`)."""
    if not can_verify(user, claim.partner.project):
        return "Alleen een financieel medewerker verifieert declaraties."
    prepared = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.project_id == claim.project_id, AuditEvent.object_type == "claim",
        AuditEvent.object_id == str(claim.id), AuditEvent.user_id == user.id,
        AuditEvent.action.in_(PREPARING_CLAIM_ACTIONS))))
    if claim.submitted_by_id == user.id or "claim.submitted" in prepared:
        return ("Vier-ogenprincipe: u hebt deze declaratie zelf ingediend; een andere financieel medewerker "
                "moet ze verifiëren.")
    if "claim.lines_added" in prepared:
        return ("Vier-ogenprincipe: u hebt zelf uitgaven in deze declaratie gezet; een andere financieel "
                "medewerker moet ze verifiëren.")
    own = own_lines(user, claim)
    if own:
        which = ", ".join(f"#{i}" for i in own[:20]) + (f" en nog {len(own) - 20}" if len(own) > 20 else "")
        noun = "uitgave" if len(own) == 1 else "uitgaven"
        return (f"Vier-ogenprincipe: u hebt {noun} {which} van deze declaratie zelf geregistreerd, gewijzigd, "
                "gecorrigeerd of van bewijsstukken voorzien; een andere financieel medewerker moet ze verifiëren.")
    return None


def require_verifier(user: User, claim: Claim) -> None:
    problem = verifier_problem(user, claim)
    if problem:
        raise PermissionDenied(problem)


def start_verification(actor: Actor, user: User, claim: Claim) -> Claim:
    audit.serialise(claim)
    require_verifier(user, claim)
    before, _ = transition(claim, "start_verification")
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
        raise DomainError("Lijnen worden geverifieerd terwijl de declaratie in verificatie is.")
    line = db.session.get(ClaimLine, line_id)
    if line is None or line.claim_id != claim.id:
        raise DomainError("Deze lijn hoort niet bij deze declaratie.")
    if line.expenditure.status is not ExpenditureStatus.ACTIVE:
        raise DomainError(f"Uitgave #{line.expenditure_id} is ingetrokken en kan niet geverifieerd worden.")
    comment = (comment or "").strip()
    deduction = deduction or ZERO
    if park:
        error_type = None  # a parked line is neither accepted nor cut: no type of error
    if deduction < 0:
        raise DomainError("Een korting kan niet negatief zijn.")
    if park and deduction:
        raise DomainError("Een geparkeerde lijn krijgt geen korting: ze wordt niet aanvaard en niet afgewezen.")
    if deduction > max(line.declared_amount, ZERO):
        raise DomainError(f"De korting ({format_money(deduction)}) is hoger dan het gedeclareerde bedrag "
                          f"({format_money(line.declared_amount)}).")
    if deduction and (error_type is None or not comment):
        raise DomainError("Een korting vraagt een fouttype en een toelichting.")
    if error_type is not None and not deduction:
        raise DomainError("Een fouttype hoort bij een korting: vul het bedrag van de korting in, of kies geen "
                          "fouttype.")
    if park and not comment:
        raise DomainError("Geef een toelichting waarom de lijn geparkeerd wordt.")
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


def return_claim(actor: Actor, user: User, claim: Claim, reason: str) -> Claim:
    require(can_verify(user, claim.partner.project), "Alleen een financieel medewerker stuurt een declaratie terug.")
    audit.serialise(claim)
    if not (reason or "").strip():
        raise DomainError("Geef aan waarom de declaratie teruggaat naar de partner.")
    before, _ = transition(claim, "return")
    claim.return_reason = reason.strip()
    db.session.flush()
    record(actor, user, claim, "claim.returned", before={"status": before},
           after={"status": claim.status, "reason": claim.return_reason})
    return claim
