"""The claim state machine: which action may start from which state and where it leads. Every change of a
claim's status, in the claim services and in payments, goes through :func:`transition`."""
from __future__ import annotations

from ...errors import DomainError
from ...i18n import gettext as _
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


def refusal(action: str, status: ClaimStatus) -> str:
    """Why a claim in this state cannot take this action, in the request's language."""
    label = status.label
    return {
        "submit": lambda: _("A claim that is %(status)s cannot be submitted.", status=label),
        "start_verification": lambda: _("A claim that is %(status)s cannot be taken into verification.",
                                        status=label),
        "return": lambda: _("A claim that is %(status)s cannot be returned.", status=label),
        "certify": lambda: _("A claim that is %(status)s cannot be certified.", status=label),
        "include_in_payment": lambda: _("A claim that is %(status)s cannot be included in a payment request.",
                                        status=label),
        "mark_paid": lambda: _("A claim that is %(status)s cannot be marked as paid.", status=label),
    }[action]()


def require_state(claim: Claim, action: str) -> None:
    """Refuse the action unless the claim is in a state it may start from."""
    allowed, _target = TRANSITIONS[action]
    if claim.status not in allowed:
        raise DomainError(refusal(action, claim.status))


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
