"""Audits of certified expenditure (first-level control on the spot, the audit authority, the European
Commission, the European Court of Auditors), their findings, the financial corrections booked from them,
the EFRO to recover from partners and how it is settled, and a programme payment short of its request.
Not to be confused with :mod:`.audit`, the audit *trail* of every change."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reports import labels

from ..extensions import db
from ..i18n import current_language
from ..money import Money, Percentage
from .claim import Claim, ClaimLine, ErrorType, PaymentRequest
from .expenditure import Document
from .org import User
from .project import CostCategory, Partner, ReportingPeriod
from .types import UTCDateTime, str_enum, utcnow


class _Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return labels.code(_TABLES[type(self).__name__], self.value, current_language())


_TABLES = {"AuditBody": "audit_body", "AuditStatus": "audit_status", "CorrectionKind": "correction_kind",
           "RecoveryMeasure": "recovery_measure"}


class AuditBody(_Labelled):
    FLC_ON_THE_SPOT = "flc_on_the_spot"
    AUDIT_AUTHORITY = "audit_authority"
    COMMISSION = "european_commission"
    COURT = "court_of_auditors"


class AuditStatus(_Labelled):
    PLANNED = "planned"
    ONGOING = "ongoing"
    CLOSED = "closed"


class CorrectionKind(_Labelled):
    LINE = "line"  # an amount on one certified claim line
    CLAIM_RATE = "claim_rate"  # a flat rate on a whole claim
    CATEGORY_RATE = "category_rate"  # a flat rate on one cost category of a claim


class RecoveryMeasure(_Labelled):
    OFFSET = "offset"  # against the partner's next transfer
    REPAYMENT = "repayment"
    WRITE_OFF = "write_off"


class ProgrammeAudit(db.Model):
    """An audit or control of the project, recorded by an auditor."""

    __tablename__ = "programme_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    body: Mapped[AuditBody] = mapped_column(str_enum(AuditBody, "audit_body"))
    reference: Mapped[str] = mapped_column(String(120))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[AuditStatus] = mapped_column(str_enum(AuditStatus, "audit_status"), default=AuditStatus.PLANNED)
    scope_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scope: Mapped[list[AuditScopeItem]] = relationship(order_by="AuditScopeItem.id", back_populates="audit")
    findings: Mapped[list[AuditFinding]] = relationship(order_by="AuditFinding.id", back_populates="audit")
    created_by: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates"),
        CheckConstraint("reference <> ''", name="reference_not_empty"),
    )


class AuditScopeItem(db.Model):
    """What an audit covers: a partner, a claim, a reporting period, or one sampled claim line."""

    __tablename__ = "audit_scope_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("programme_audit.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id", ondelete="RESTRICT"))
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id", ondelete="RESTRICT"), index=True)

    audit: Mapped[ProgrammeAudit] = relationship(back_populates="scope")
    partner: Mapped[Partner | None] = relationship()
    claim: Mapped[Claim | None] = relationship()
    period: Mapped[ReportingPeriod | None] = relationship()
    claim_line: Mapped[ClaimLine | None] = relationship()

    __table_args__ = (
        CheckConstraint(" + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in (
            "partner_id", "claim_id", "period_id", "claim_line_id")) + " = 1", name="exactly_one"),
    )


class AuditFinding(db.Model):
    """What an audit found, on a certified claim line, a claim, or a partner in general."""

    __tablename__ = "audit_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("programme_audit.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"))
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(Text)
    error_type: Mapped[ErrorType] = mapped_column(str_enum(ErrorType, "finding_error_type"))
    amount: Mapped[Decimal | None] = mapped_column(Money)  # the irregular amount the auditor proposes, if any
    irregularity: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    audit: Mapped[ProgrammeAudit] = relationship(back_populates="findings")
    partner: Mapped[Partner] = relationship()
    claim: Mapped[Claim | None] = relationship()
    claim_line: Mapped[ClaimLine | None] = relationship()
    documents: Mapped[list[FindingDocument]] = relationship(order_by="FindingDocument.id")

    __table_args__ = (
        CheckConstraint("description <> ''", name="description_not_empty"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        CheckConstraint("claim_line_id IS NULL OR claim_id IS NOT NULL", name="line_in_claim"),
    )


class FindingDocument(db.Model):
    """A document attached to a finding (the audit report, a letter), stored as evidence is."""

    __tablename__ = "audit_finding_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("audit_finding.id", ondelete="RESTRICT"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship()


class FinancialCorrection(db.Model):
    """A correction of a certified claim: a new negative record that points at what it corrects (a line, a
    cost category, the claim); the certified figures themselves never change."""

    __tablename__ = "financial_correction"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"), index=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("audit_finding.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[CorrectionKind] = mapped_column(str_enum(CorrectionKind, "correction_kind"))
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id", ondelete="RESTRICT"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    rate: Mapped[Decimal | None] = mapped_column(Percentage)
    error_type: Mapped[ErrorType] = mapped_column(str_enum(ErrorType, "correction_error_type"))
    irregularity: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Money)  # negative
    efro: Mapped[Decimal] = mapped_column(Money)  # negative or zero
    contribution: Mapped[Decimal] = mapped_column(Money)
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
    claim: Mapped[Claim] = relationship()
    finding: Mapped[AuditFinding] = relationship()
    claim_line: Mapped[ClaimLine | None] = relationship()
    category: Mapped[CostCategory | None] = relationship()
    booked_by: Mapped[User] = relationship()
    amounts: Mapped[list[CorrectionAmount]] = relationship(order_by="CorrectionAmount.id")

    __table_args__ = (
        CheckConstraint("total < 0", name="total_negative"),
        CheckConstraint("efro <= 0", name="efro_not_positive"),
        CheckConstraint("efro + contribution = total", name="parts_add_up"),
        CheckConstraint("(kind = 'line') = (claim_line_id IS NOT NULL)", name="line_kind"),
        CheckConstraint("(kind = 'category_rate') = (category_id IS NOT NULL)", name="category_kind"),
        CheckConstraint("(kind = 'line') = (rate IS NULL)", name="rate_kind"),
        CheckConstraint("rate IS NULL OR rate IN (500, 1000, 2500, 10000)", name="procurement_rates"),
        CheckConstraint("comment <> ''", name="comment_not_empty"),
    )


class CorrectionAmount(db.Model):
    """A correction per cost category of the claim (negative), the flat rates that follow included, with
    its allocation of the correction's EFRO."""

    __tablename__ = "correction_amount"
    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(ForeignKey("financial_correction.id", ondelete="RESTRICT"),
                                               index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    flat_rate: Mapped[bool] = mapped_column(Boolean, default=False)  # follows from a corrected basis
    amount: Mapped[Decimal] = mapped_column(Money)
    efro: Mapped[Decimal] = mapped_column(Money)
    contribution: Mapped[Decimal] = mapped_column(Money)

    category: Mapped[CostCategory] = relationship()

    __table_args__ = (
        CheckConstraint("amount < 0", name="amount_negative"),
        CheckConstraint("efro + contribution = amount", name="parts_add_up"),
    )


class Recovery(db.Model):
    """EFRO to recover from a partner: from a correction, or from a claim certified with a negative total."""

    __tablename__ = "recovery"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    correction_id: Mapped[int | None] = mapped_column(
        ForeignKey("financial_correction.id", ondelete="RESTRICT"), unique=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"), unique=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    measure: Mapped[RecoveryMeasure] = mapped_column(str_enum(RecoveryMeasure, "recovery_measure"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
    correction: Mapped[FinancialCorrection | None] = relationship()
    claim: Mapped[Claim | None] = relationship()
    settlements: Mapped[list[RecoverySettlement]] = relationship(order_by="RecoverySettlement.id")

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(correction_id IS NULL) <> (claim_id IS NULL)", name="one_origin"),
    )

    @property
    def settled(self) -> Decimal:
        return sum((s.amount for s in self.settlements), Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.settled


class RecoverySettlement(db.Model):
    """(Part of) a recovery settled: offset against a payment request, repaid on a date, or written off."""

    __tablename__ = "recovery_settlement"
    id: Mapped[int] = mapped_column(primary_key=True)
    recovery_id: Mapped[int] = mapped_column(ForeignKey("recovery.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[RecoveryMeasure] = mapped_column(str_enum(RecoveryMeasure, "settlement_kind"))
    amount: Mapped[Decimal] = mapped_column(Money)
    settled_on: Mapped[date] = mapped_column(Date)
    payment_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_request.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    payment_request: Mapped[PaymentRequest | None] = relationship()

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(kind = 'offset') = (payment_request_id IS NOT NULL)", name="offset_request"),
        CheckConstraint("kind <> 'write_off' OR (reason IS NOT NULL AND reason <> '')", name="write_off_reason"),
    )


class PaymentShortfall(db.Model):
    """Part of a payment request the programme did not pay, attributed to one claim (and so its partner)
    with the reason; it is not passed on to the partner."""

    __tablename__ = "payment_shortfall"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_request_id: Mapped[int] = mapped_column(ForeignKey("payment_request.id", ondelete="RESTRICT"),
                                                    index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="RESTRICT"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship()
    partner: Mapped[Partner] = relationship()

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("reason <> ''", name="reason_not_empty"),
    )
