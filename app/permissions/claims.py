"""Expenditures, claims, payments, statements and the audit trail, with four eyes: who registers, prepares,
verifies, certifies and pays, and who downloads what."""
from __future__ import annotations

from sqlalchemy import String, cast, select, union

from .. import formatting
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..models import (
    AuditEvent,
    Claim,
    ClaimLine,
    Expenditure,
    ExpenditureStatus,
    Partner,
    Project,
    Role,
    User,
)
from .scope import READ_ALL, roles, visible_partner_ids


def can_register_for(user: User, partner: Partner) -> bool:
    """Register expenditures and prepare or submit claims for this partner: a finance officer for any
    partner of the project, a partner user for its own partner."""
    r = roles(user, partner.project)
    return Role.FINANCE in r or partner.id in user.partner_ids_in(partner.project_id)


def can_register_expenditures(user: User, project: Project) -> bool:
    """Register expenditures for at least one partner of the project."""
    r = roles(user, project)
    return Role.FINANCE in r or bool(user.partner_ids_in(project.id)) if r else False


def can_prepare_claim(user: User, claim: Claim) -> bool:
    """Put lines into the claim, take them out, submit it: its partner or a finance officer, while the
    claim is a draft or returned."""
    return claim.status.editable and can_register_for(user, claim.partner)


def can_change_expenditure(user: User, exp: Expenditure) -> bool:
    """Edit or withdraw: an active line, not frozen in a submitted claim."""
    from ..services.expenditures import locking_claim
    return (exp.status is ExpenditureStatus.ACTIVE and can_register_for(user, exp.partner)
            and locking_claim(exp) is None)


def can_correct_expenditure(user: User, exp: Expenditure) -> bool:
    """A correction line is for a line frozen in a submitted claim; a line in no claim (or a draft) is
    edited instead."""
    from ..services.expenditures import locking_claim
    return (exp.status is ExpenditureStatus.ACTIVE and exp.corrects_id is None
            and can_register_for(user, exp.partner) and locking_claim(exp) is not None)


def can_attach_evidence(user: User, exp: Expenditure) -> bool:
    """Add evidence files (never change amounts): while the line is active and not yet in a certified
    claim, also while its claim is submitted or in verification (a verifier may ask for a document)."""
    from ..services.documents import certified_claim_of
    return (exp.status is ExpenditureStatus.ACTIVE and can_register_for(user, exp.partner)
            and certified_claim_of(exp) is None)


def can_verify(user: User, project: Project) -> bool:
    """Verify and certify claims of the project (a finance officer), four eyes aside."""
    return Role.FINANCE in roles(user, project)


def can_see_payments(user: User, project: Project) -> bool:
    """Every member: a partner user sees the payment requests with its claims and its own transfers."""
    return bool(roles(user, project))


def can_manage_payments(user: User, project: Project) -> bool:
    return Role.FINANCE in roles(user, project)


def can_see_claim(user: User, claim: Claim) -> bool:
    scope = visible_partner_ids(user, claim.partner.project)
    return bool(roles(user, claim.partner.project)) and (scope is None or claim.partner_id in scope)


def can_download_claim_statement(user: User, claim: Claim) -> bool:
    """A claim's statement of expenditure: whoever sees the claim (a partner user only its own claims)."""
    return can_see_claim(user, claim)


def can_download_certificate(user: User, claim: Claim) -> bool:
    """The verification certificate, once the claim is certified: whoever sees the claim."""
    from ..models.claim import FINAL_STATES
    return claim.status in FINAL_STATES and can_see_claim(user, claim)


def can_export_project(user: User, project: Project) -> bool:
    """Project-wide statements (financial report, audit-trail extract): finance officers, auditors, admins."""
    return bool(roles(user, project) & READ_ALL)


def can_see_audit_trail(user: User, project: Project) -> bool:
    return bool(roles(user, project) & READ_ALL)


def can_verify_chain(user: User, project: Project) -> bool:
    """Run the verification of the audit chain: finance officers and auditors."""
    return bool(roles(user, project) & {Role.FINANCE, Role.AUDITOR})


# Four eyes: what makes a finance officer one of the preparers of a claim, who may then not verify it.
# Only changes count; reading (opening a page, downloading evidence: 'document.downloaded') never does.
PREPARING_CLAIM_ACTIONS = ("claim.lines_added", "claim.submitted")
CHANGING_EXPENDITURE_ACTIONS = ("expenditure.created", "expenditure.updated", "expenditure.corrected",
                                "expenditure.withdrawn", "document.attached")


def own_lines(user: User, claim: Claim) -> list[int]:
    """The expenditures of the claim that this user registered, changed, corrected or documented: lines
    they created (by the form or an import), lines they made a correction for, and lines with one of
    CHANGING_EXPENDITURE_ACTIONS by them in the audit trail."""
    in_claim = select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id)
    created = (select(ClaimLine.expenditure_id).join(Expenditure, ClaimLine.expenditure_id == Expenditure.id)
               .where(ClaimLine.claim_id == claim.id, Expenditure.created_by_id == user.id))
    corrected = select(Expenditure.corrects_id).where(Expenditure.corrects_id.in_(in_claim),
                                                      Expenditure.created_by_id == user.id)
    return sorted(set(db.session.scalars(union(created, corrected, _changed_by(user, claim)))))


FEW_CHANGES = 2000


def _changed_by(user: User, claim: Claim):
    """The claim's lines with one of CHANGING_EXPENDITURE_ACTIONS by this user in the audit trail, as a select.
    A user's changes are read first through the index by project, object type and user: when they are few
    (the usual case), the claim's lines are looked up by those ids; when they are many, each line of the
    claim is looked up in the user's changes. Either way the cost follows the smaller side; a single query
    left the choice to the database, which guessed the user's changes at tens of thousands whatever they were
    and looked up every line of a 5,000-line claim (15 ms instead of 0.2)."""
    theirs = select(AuditEvent.object_id).where(
        AuditEvent.project_id == claim.project_id, AuditEvent.object_type == "expenditure",
        AuditEvent.user_id == user.id, AuditEvent.action.in_(CHANGING_EXPENDITURE_ACTIONS))
    lines = select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id)
    few = db.session.scalars(theirs.limit(FEW_CHANGES + 1)).all()
    if len(few) <= FEW_CHANGES:
        return lines.where(ClaimLine.expenditure_id.in_(sorted({int(i) for i in few if i and i.isdecimal()})))
    return lines.where(cast(ClaimLine.expenditure_id, String).in_(theirs))


def four_eyes_problem(user: User, claim: Claim) -> str | None:
    """Why this user may not verify or certify this claim, or None. Four eyes: a finance officer who did
    not put lines into the claim or submit it (PREPARING_CLAIM_ACTIONS), and who registered, changed,
    corrected or documented none of its expenditures (:func:`own_lines`)."""
    if not can_verify(user, claim.partner.project):
        return _("Only a finance officer verifies claims.")
    prepared = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.project_id == claim.project_id, AuditEvent.object_type == "claim",
        AuditEvent.object_id == str(claim.id), AuditEvent.user_id == user.id,
        AuditEvent.action.in_(PREPARING_CLAIM_ACTIONS))))
    if claim.submitted_by_id == user.id or "claim.submitted" in prepared:
        return _("Four eyes: you submitted this claim yourself; another finance officer must verify it.")
    if "claim.lines_added" in prepared:
        return _("Four eyes: you put expenditures into this claim yourself; another finance officer must verify "
                 "it.")
    own = own_lines(user, claim)
    if own:
        which = formatting.ids(own, 20)
        return ngettext("Four eyes: you registered, changed, corrected or documented expenditure %(ids)s of this "
                        "claim yourself; another finance officer must verify it.",
                        "Four eyes: you registered, changed, corrected or documented expenditures %(ids)s of this "
                        "claim yourself; another finance officer must verify it.", len(own), ids=which)
    return None


def can_verify_claim(user: User, claim: Claim) -> bool:
    """Verify, certify: a finance officer of the project who is not one of the claim's preparers."""
    return four_eyes_problem(user, claim) is None


def can_return_claim(user: User, claim: Claim) -> bool:
    return can_verify(user, claim.partner.project) and claim.status.value in ("submitted", "in_verification")
