"""The claim state machine: which action may start from which state and where it leads. Every change of a
claim's status, in the claim services and in payments, goes through :func:`transition`."""
from __future__ import annotations

from ...errors import DomainError
from ...models import Claim, ClaimStatus, User
from ...permissions import role_label
from .. import audit
from ..audit import Actor

S = ClaimStatus
# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": ({S.DRAFT, S.RETURNED}, S.SUBMITTED),
    "start_verification": ({S.SUBMITTED}, S.IN_VERIFICATION),
    "return": ({S.SUBMITTED, S.IN_VERIFICATION}, S.RETURNED),
    "certify": ({S.IN_VERIFICATION}, S.CERTIFIED),
    "include_in_payment": ({S.CERTIFIED}, S.INCLUDED_IN_PAYMENT),
    "mark_paid": ({S.INCLUDED_IN_PAYMENT}, S.PAID),
}
VERBS = {"submit": "ingediend worden", "start_verification": "in verificatie genomen worden",
         "return": "teruggestuurd worden", "certify": "gecertificeerd worden",
         "include_in_payment": "in een betaalaanvraag opgenomen worden", "mark_paid": "als betaald gemarkeerd worden"}


def require_state(claim: Claim, action: str) -> None:
    """Refuse the action unless the claim is in a state it may start from."""
    allowed, _ = TRANSITIONS[action]
    if claim.status not in allowed:
        raise DomainError(f"Een declaratie die {claim.status.label} is, kan niet {VERBS[action]}.")


def transition(claim: Claim, action: str) -> tuple[ClaimStatus, ClaimStatus]:
    """Move the claim along the workflow: (state before, state after); DomainError if not allowed."""
    require_state(claim, action)
    before = claim.status
    claim.status = TRANSITIONS[action][1]
    return before, claim.status


def record(actor: Actor, user: User, claim: Claim, action: str, before=None, after=None) -> None:
    """The audit event of an action on a claim."""
    audit.record(actor, action, role=role_label(user, claim.partner.project), object_type="claim",
                 object_id=claim.id, project_id=claim.project_id, before=before, after=after)
