"""Cost claims (Jems: partner reports), one module per stage:

- :mod:`.workflow`: the state machine every status change goes through (payments included);
- :mod:`.preparation`: creating a claim, its lines, submitting it;
- :mod:`.verification`: four eyes, verifying and parking lines, returning a claim;
- :mod:`.figures`: the claim's figures per cost category as plain data;
- :mod:`.certification`: fixing the certified figures and the EFRO split;
- :mod:`.queries`: what the claim pages read.
"""
from .certification import certify
from .figures import CategoryRow, ClaimFigures, efro_allocation, figures, flat_rate_amounts
from .lines import LineFilter
from .preparation import add_lines, claimable_expenditures, claimable_query, create_claim, remove_line, submit
from .queries import ClaimPage, ClaimRow, claim_page, claim_rows
from .verification import (
    require_verifier,
    return_claim,
    start_verification,
    verifier_problem,
    verify_line,
    verify_lines,
)
from .workflow import TRANSITIONS, refusal, require_state, transition

__all__ = [
    "ClaimPage", "ClaimRow", "LineFilter", "claim_page", "claim_rows", "TRANSITIONS", "refusal", "CategoryRow",
    "ClaimFigures", "add_lines", "certify", "claimable_expenditures", "claimable_query", "create_claim",
    "efro_allocation", "figures", "flat_rate_amounts", "remove_line", "require_state",
    "require_verifier", "return_claim", "start_verification", "submit", "transition", "verifier_problem",
    "verify_line", "verify_lines",
]
