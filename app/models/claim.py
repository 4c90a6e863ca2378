"""Cost claims (Jems: partner reports), their lines and verification, and payments."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reports import labels

from ..extensions import db
from ..i18n import current_language
from ..money import Money
from .expenditure import Expenditure
from .org import User
from .project import CostCategory, Partner, ReportingPeriod
from .types import UTCDateTime, str_enum, utcnow


class ClaimStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_VERIFICATION = "in_verification"
    RETURNED = "returned"
    CERTIFIED = "certified"
    INCLUDED_IN_PAYMENT = "included_in_payment"
    PAID = "paid"

    @property
    def label(self) -> str:
        """The state's name in the request's language."""
        return labels.claim_status(self.value, current_language())

    @property
    def editable(self) -> bool:
        """The partner may change its lines: a draft, or a claim returned to it."""
        return self in (ClaimStatus.DRAFT, ClaimStatus.RETURNED)


FINAL_STATES = frozenset({ClaimStatus.CERTIFIED, ClaimStatus.INCLUDED_IN_PAYMENT, ClaimStatus.PAID})


class LineStatus(enum.StrEnum):
    PENDING = "pending"  # not yet verified
    VERIFIED = "verified"  # certified amount = declared - deduction
    PARKED = "parked"  # neither accepted nor rejected; may go into a later claim

    @property
    def label(self) -> str:
        return labels.line_status(self.value, current_language())


class ErrorType(enum.StrEnum):
    """The typology of errors a deduction must name (fixed list)."""

    INELIGIBLE = "ineligible"
    OUTSIDE_PERIOD = "outside_period"
    MISSING_EVIDENCE = "missing_evidence"
    PROCUREMENT = "procurement"
    CALCULATION = "calculation"
    VAT = "recoverable_vat"
    DOUBLE_FINANCING = "double_financing"
    STAFF_COSTS = "staff_costs"
    OTHER = "other"

    @property
    def label(self) -> str:
        return labels.error_type(self.value, current_language())


class Claim(db.Model):
    """A partner's cost claim for one reporting period."""

    __tablename__ = "claim"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id", ondelete="RESTRICT"))
    status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, "claim_status"), default=ClaimStatus.DRAFT)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certified_total: Mapped[Decimal | None] = mapped_column(Money)
    efro_total: Mapped[Decimal | None] = mapped_column(Money)
    contribution_total: Mapped[Decimal | None] = mapped_column(Money)
    # EFRO the claim would have had above what remained under the approved ceiling (project or partner)
    efro_capped: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"), server_default="0")
    payment_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_request.id", ondelete="RESTRICT"), index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    verifier: Mapped[User | None] = relationship(foreign_keys=[verifier_id])
    certified_by: Mapped[User | None] = relationship(foreign_keys=[certified_by_id])

    __table_args__ = (
        UniqueConstraint("partner_id", "period_id"),
        CheckConstraint("status NOT IN ('certified', 'included_in_payment', 'paid') OR "
                        "(certified_at IS NOT NULL AND certified_total IS NOT NULL AND efro_total IS NOT NULL "
                        "AND contribution_total IS NOT NULL AND efro_total + contribution_total = certified_total)",
                        name="certified_figures"),
        CheckConstraint("(status IN ('included_in_payment', 'paid')) = (payment_request_id IS NOT NULL)",
                        name="payment_request"),
        CheckConstraint("(status = 'paid') = (paid_at IS NOT NULL)", name="paid_at"),
        CheckConstraint("efro_capped >= 0", name="efro_capped"),
    )


class ClaimLine(db.Model):
    """One expenditure in a claim, with its verification."""

    __tablename__ = "claim_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"), index=True)
    expenditure_id: Mapped[int] = mapped_column(ForeignKey("expenditure.id", ondelete="RESTRICT"), index=True)
    declared_amount: Mapped[Decimal] = mapped_column(Money)  # fixed when the claim is submitted
    # the expenditure's cost category, kept with the line like its amount (it follows the expenditure while the
    # claim is editable, and submission fixes it), so that sums per category read the lines alone: the
    # dashboard's and the portfolio's figures of the claims waiting for verification, a claim's figures
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    status: Mapped[LineStatus] = mapped_column(str_enum(LineStatus, "line_status"), default=LineStatus.PENDING)
    deduction: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    error_type: Mapped[ErrorType | None] = mapped_column(str_enum(ErrorType, "error_type"))
    comment: Mapped[str | None] = mapped_column(Text)
    duplicate_confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    claim: Mapped[Claim] = relationship()
    expenditure: Mapped[Expenditure] = relationship()
    category: Mapped[CostCategory] = relationship()

    __table_args__ = (
        UniqueConstraint("claim_id", "expenditure_id"),
        CheckConstraint("deduction >= 0", name="deduction_not_negative"),
        CheckConstraint("deduction = 0 OR deduction <= declared_amount", name="deduction_within_declared"),
        CheckConstraint("deduction = 0 OR (error_type IS NOT NULL AND comment IS NOT NULL AND comment <> '')",
                        name="deduction_has_reason"),
        CheckConstraint("status <> 'parked' OR deduction = 0", name="parked_has_no_deduction"),
        Index("ix_claim_line_claim_status", "claim_id", "status"),
        Index("ix_claim_line_claim_category", "claim_id", "category_id", "expenditure_id"),  # the page's order
    )

    @property
    def certified_amount(self) -> Decimal:
        return self.declared_amount - self.deduction


class ClaimCategoryTotal(db.Model):
    """A claim's figures per cost category, fixed at certification (flat-rate categories included)."""

    __tablename__ = "claim_category_total"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    flat_rate: Mapped[bool] = mapped_column(default=False)
    declared: Mapped[Decimal] = mapped_column(Money)
    certified: Mapped[Decimal] = mapped_column(Money)
    efro: Mapped[Decimal] = mapped_column(Money)
    contribution: Mapped[Decimal] = mapped_column(Money)

    category: Mapped[CostCategory] = relationship()

    __table_args__ = (
        UniqueConstraint("claim_id", "category_id"),
        CheckConstraint("efro + contribution = certified", name="parts_add_up"),
    )


class PaymentRequest(db.Model):
    """A request to the programme for the EFRO of certified claims; the payment arrives at the lead
    partner, who passes each partner's share on (PartnerTransfer)."""

    __tablename__ = "payment_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    amount_requested: Mapped[Decimal] = mapped_column(Money)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_date: Mapped[date | None] = mapped_column(Date)
    received_amount: Mapped[Decimal | None] = mapped_column(Money)
    received_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"))

    claims: Mapped[list[Claim]] = relationship(order_by="Claim.id")
    transfers: Mapped[list[PartnerTransfer]] = relationship(order_by="PartnerTransfer.id")

    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint("amount_requested > 0", name="amount_requested"),
        CheckConstraint("(received_date IS NULL) = (received_amount IS NULL)", name="received_both"),
        CheckConstraint("received_amount IS NULL OR (received_amount > 0 AND received_amount <= amount_requested)",
                        name="received_amount"),
    )


class PartnerTransfer(db.Model):
    """The lead partner passing a partner's share of a received payment on."""

    __tablename__ = "partner_transfer"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_request_id: Mapped[int] = mapped_column(ForeignKey("payment_request.id", ondelete="RESTRICT"),
                                                    index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    transfer_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
