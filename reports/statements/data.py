"""What the statements show, as plain data: numbers (Decimal), dates, codes and names. The app fills these
from the database through its services; the builders only lay them out. Codes (a claim status, an error
type, a category kind) stay codes here: the builders name them in the statement's language."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CheckpointInfo:
    """A signed checkpoint of the audit chain: the first ``count`` events end in ``head``."""

    count: int
    head: str
    time: str  # UTC, ISO 8601 ending in Z
    key_id: str
    signature: str


@dataclass(frozen=True)
class Anchor:
    """The audit chain's head when the statement was made, and the newest signed checkpoint (kept outside
    the database), printed on the last page of every PDF statement."""

    events: int
    head: str
    checkpoint: CheckpointInfo | None = None


@dataclass(frozen=True)
class Header:
    programme: str
    project_code: str
    project_name: str
    generated_at: datetime  # UTC
    generated_by: str
    anchor: Anchor


@dataclass(frozen=True)
class Category:
    """A cost category as the statement names it: ``name`` is the project's own name when it configured one,
    else None and the builder names the kind in the statement's language."""

    kind: str
    name: str | None = None
    flat_rate: Decimal | None = None  # percent, when the partner claims this category at a flat rate
    flat_basis: str | None = None  # 'staff_costs' or 'other_direct_costs'


@dataclass(frozen=True)
class ClaimPayment:
    """The payment request that took a claim, and the partner's share in it: the recoveries offset against
    it, what the programme did not pay of it, and what the lead partner passed on."""

    request_number: int
    offset: Decimal
    not_received: Decimal
    passed_on: Decimal


@dataclass(frozen=True)
class ClaimInfo:
    claim_id: int
    partner_number: int
    partner_name: str
    period_number: int
    period_start: date
    period_end: date
    status: str
    created_at: datetime
    submitted_at: datetime | None
    submitted_by: str | None
    verifier: str | None
    certified_at: datetime | None
    certified_by: str | None
    rate: Decimal  # EFRO co-financing rate, percent
    fixed: bool  # certified: the figures were fixed at certification
    declared: Decimal  # categories' declared total, flat rates included, parked lines not
    certified: Decimal
    efro: Decimal
    contribution: Decimal
    parked_amount: Decimal = ZERO
    line_count: int = 0
    corrected: Decimal = ZERO  # financial corrections booked on the certified claim (negative)
    corrected_efro: Decimal = ZERO
    efro_capped: Decimal = ZERO  # EFRO above what remained under the approved amount
    fund_name: str | None = None  # the project's funding sources by name; None: EFRO alone
    shares: tuple[tuple[str, Decimal, Decimal], ...] = ()  # (source, rate %, share) where there are several
    payment: ClaimPayment | None = None  # once in a payment request


@dataclass(frozen=True, slots=True)
class ClaimLineRow:
    expenditure_id: int
    internal_ref: str
    supplier: str
    invoice_number: str
    invoice_date: date
    payment_date: date
    category: Category
    description: str
    declared: Decimal
    deduction: Decimal
    status: str  # 'pending', 'verified', 'parked'
    error_type: str | None
    comment: str

    @property
    def certified(self) -> Decimal | None:
        return self.declared - self.deduction if self.status == "verified" else None


@dataclass(frozen=True)
class CategoryTotal:
    category: Category
    budget: Decimal
    declared: Decimal
    certified: Decimal
    efro: Decimal | None  # the category's allocation of the claim's EFRO (certified claims)
    contribution: Decimal | None


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    expenditure_id: int
    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ClaimStatement:
    header: Header
    claim: ClaimInfo
    lines: Iterable[ClaimLineRow]  # may be a generator (a claim's lines streamed from the database): read once
    categories: list[CategoryTotal]
    evidence: Iterable[EvidenceRow]


class Tally:
    """Counts and sums the lines as they stream past, for the totals row under them."""

    def __init__(self):
        self.count, self.declared, self.deduction, self.certified = 0, ZERO, ZERO, ZERO

    def through(self, lines: Iterable[ClaimLineRow]):
        for line in lines:
            self.count += 1
            self.declared += line.declared
            self.deduction += line.deduction
            if line.status == "verified":
                self.certified += line.declared - line.deduction
            yield line


@dataclass(frozen=True)
class Finding:
    """A line the verifier deducted from or parked."""

    expenditure_id: int
    supplier: str
    invoice_number: str
    category: Category
    declared: Decimal
    deduction: Decimal
    status: str
    error_type: str | None
    comment: str


@dataclass(frozen=True)
class DeductionByType:
    error_type: str
    lines: int
    amount: Decimal


@dataclass(frozen=True)
class Certificate:
    header: Header
    claim: ClaimInfo
    findings: list[Finding]
    by_type: list[DeductionByType]
    categories: list[CategoryTotal]
    verified_lines: int
    parked_lines: int
    expenses_declared: Decimal  # what the lines declare, parked lines included

    @property
    def deductions(self) -> Decimal:
        return sum((t.amount for t in self.by_type), ZERO)


def absorption(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole as a fraction with 4 decimals (half-up), for a percent cell; None when whole is zero."""
    if not whole:
        return None
    return (part / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FinancialRow:
    """One partner (category None: the partner's total), or one partner and cost category, at the date."""

    partner_number: int
    partner_name: str
    category: Category | None
    budget: Decimal
    efro_budget: Decimal | None  # approved EFRO (per partner; None per category)
    declared: Decimal
    certified: Decimal
    certified_efro: Decimal
    paid: Decimal  # EFRO of claims paid out to the partner by the date
    corrected: Decimal = Decimal("0.00")  # financial corrections booked by the date (negative)
    corrected_efro: Decimal = Decimal("0.00")

    @property
    def net_certified(self) -> Decimal:
        return self.certified + self.corrected

    @property
    def net_efro(self) -> Decimal:
        return self.certified_efro + self.corrected_efro

    @property
    def contribution_budget(self) -> Decimal | None:
        return None if self.efro_budget is None else self.budget - self.efro_budget

    @property
    def certified_contribution(self) -> Decimal:
        return self.certified - self.certified_efro

    @property
    def remaining(self) -> Decimal:
        """What is left of the budget: the budget less the net certified (certified less corrections)."""
        return self.budget - self.net_certified

    @property
    def absorption(self) -> Decimal | None:
        return absorption(self.net_certified, self.budget)


@dataclass(frozen=True)
class FinancialReport:
    header: Header
    at: date
    rate: Decimal
    efro_ceiling: Decimal
    partners: list[FinancialRow]  # one per partner, category None
    details: list[FinancialRow]  # per partner and category
    fund_name: str | None = None  # the project's funding sources by name; None: EFRO alone


@dataclass(frozen=True, slots=True)
class EventRow:
    seq: int
    occurred_at: datetime
    who: str
    email: str
    role: str
    what: str
    sentence: str
    object_type: str | None
    object_id: str | None
    hash: str


@dataclass(frozen=True)
class AuditScope:
    """Which events: those of local days ``date_from`` to ``date_to``, of one user, one action, one object."""

    date_from: date | None = None
    date_to: date | None = None
    user: str | None = None  # name and e-mail address
    action: str | None = None  # the action's label
    object_type: str | None = None
    object_id: str | None = None


@dataclass
class AuditExtract:
    header: Header
    scope: AuditScope
    count: int
    first_seq: int | None
    last_seq: int | None
    covering: CheckpointInfo | None  # the first signed checkpoint that covers the last event of the extract
    events: Iterable[EventRow] = field(default_factory=list)  # may be a generator: read once
