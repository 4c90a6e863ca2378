"""Every claim transition, allowed and refused, against the workflow of DESIGN.md."""
import pytest

from app.errors import DomainError
from app.models import Claim, ClaimStatus
from app.services.claims import TRANSITIONS, transition

S = ClaimStatus
ALLOWED = {
    ("submit", S.DRAFT): S.SUBMITTED,
    ("submit", S.RETURNED): S.SUBMITTED,
    ("start_verification", S.SUBMITTED): S.IN_VERIFICATION,
    ("return", S.SUBMITTED): S.RETURNED,
    ("return", S.IN_VERIFICATION): S.RETURNED,
    ("certify", S.IN_VERIFICATION): S.CERTIFIED,
    ("include_in_payment", S.CERTIFIED): S.INCLUDED_IN_PAYMENT,
    ("mark_paid", S.INCLUDED_IN_PAYMENT): S.PAID,
}


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("state", list(ClaimStatus))
def test_transition(action, state):
    claim = Claim(status=state)
    if (action, state) in ALLOWED:
        assert transition(claim, action) == (state, ALLOWED[(action, state)])
        assert claim.status is ALLOWED[(action, state)]
    else:
        with pytest.raises(DomainError, match=f"die {state.label} is, kan niet"):
            transition(claim, action)
        assert claim.status is state


def test_only_draft_and_returned_claims_are_editable():
    assert {s for s in ClaimStatus if s.editable} == {S.DRAFT, S.RETURNED}
