"""Expenditures (one cost each, with its evidence documents) and spreadsheet imports of them."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..money import Money
from .org import User
from .project import CostCategory, Partner, ReportingPeriod
from .types import UTCDateTime, str_enum, utcnow


class ExpenditureStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # stays in the history; no longer claimable


def duplicate_key(supplier: str, invoice_number: str) -> str:
    """Supplier + invoice number, normalised, for the double-financing check."""
    def norm(s: str) -> str:
        return "".join(ch for ch in (s or "").casefold() if ch.isalnum())
    return f"{norm(supplier)}|{norm(invoice_number)}"


class ExpenditureImport(db.Model):
    """One uploaded spreadsheet of expenditure lines (all rows saved, or none)."""

    __tablename__ = "expenditure_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    total_declared: Mapped[Decimal] = mapped_column(Money)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# the lines that count for possible double financing (see app/services/expenditures/duplicates.py)
ACTIVE_KEYS = "status = 'active' AND corrects_id IS NULL AND dup_key <> ''"


class Expenditure(db.Model):
    __tablename__ = "expenditure"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id", ondelete="RESTRICT"))
    internal_ref: Mapped[str] = mapped_column(String(60), default="")
    supplier: Mapped[str] = mapped_column(String(200))
    invoice_number: Mapped[str] = mapped_column(String(60))
    invoice_date: Mapped[date] = mapped_column(Date)
    payment_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    gross_amount: Mapped[Decimal] = mapped_column(Money)
    vat_amount: Mapped[Decimal] = mapped_column(Money)
    vat_recoverable: Mapped[bool] = mapped_column(Boolean)
    declared_amount: Mapped[Decimal] = mapped_column(Money)
    dup_key: Mapped[str] = mapped_column(String(270))
    status: Mapped[ExpenditureStatus] = mapped_column(str_enum(ExpenditureStatus, "expenditure_status"),
                                                      default=ExpenditureStatus.ACTIVE)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("expenditure.id", ondelete="RESTRICT"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("expenditure_import.id", ondelete="RESTRICT"))
    # a managing partner's payment for an action of the small-grants fund (app/models/fund.py)
    fund_action_id: Mapped[int | None] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    partner: Mapped[Partner] = relationship()
    category: Mapped[CostCategory] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    corrects: Mapped[Expenditure | None] = relationship(remote_side=[id])
    documents: Mapped[list[ExpenditureDocument]] = relationship(back_populates="expenditure",
                                                                order_by="ExpenditureDocument.id")

    __table_args__ = (
        # Ordinary lines are never negative; a correction line (pointing at the line it corrects) may be.
        CheckConstraint("corrects_id IS NOT NULL OR (gross_amount >= 0 AND vat_amount >= 0 "
                        "AND declared_amount >= 0)", name="not_negative"),
        CheckConstraint("corrects_id IS NOT NULL OR vat_amount <= gross_amount", name="vat_within_gross"),
        CheckConstraint("corrects_id IS NOT NULL OR declared_amount <= gross_amount - "
                        "CASE WHEN vat_recoverable THEN vat_amount ELSE 0 END", name="declared_within_eligible"),
        CheckConstraint("(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_has_date"),
        Index("ix_expenditure_project_dup_key", "project_id", "dup_key"),
        # possible double financing probes every line of a claim by its key: a hash index answers each probe in
        # a microsecond on PostgreSQL (a B-tree on SQLite, where the probes are cheap anyway)
        Index("ix_expenditure_dup_key_hash", "dup_key", postgresql_using="hash"),
        Index("ix_expenditure_partner_period", "partner_id", "period_id"),
        # the register's keyset orders (app/services/expenditures/queries.py) and the four-eyes check
        Index("ix_expenditure_project_status_paid", "project_id", "status", "payment_date", "id"),
        Index("ix_expenditure_project_status_amount", "project_id", "status", "declared_amount", "id"),
        Index("ix_expenditure_project_status_id", "project_id", "status", "id"),
        Index("ix_expenditure_partner_status_paid", "partner_id", "status", "payment_date", "id"),
        Index("ix_expenditure_partner_status_amount", "partner_id", "status", "declared_amount", "id"),
        Index("ix_expenditure_partner_status_id", "partner_id", "status", "id"),
        # partial: almost every expenditure has neither; SQLite's statistics count the NULLs and would scan
        Index("ix_expenditure_corrects_id", "corrects_id", sqlite_where=text("corrects_id IS NOT NULL"),
              postgresql_where=text("corrects_id IS NOT NULL")),
        Index("ix_expenditure_fund_action_id", "fund_action_id", sqlite_where=text("fund_action_id IS NOT NULL"),
              postgresql_where=text("fund_action_id IS NOT NULL")),
        Index("ix_expenditure_created_by", "created_by_id"),  # four eyes: the lines a verifier registered
        # the dashboard's groups of possible double financing: the keys of the active lines in key order
        Index("ix_expenditure_active_dup_key", "project_id", "dup_key", sqlite_where=text(ACTIVE_KEYS),
              postgresql_where=text(ACTIVE_KEYS)),
    )

    @property
    def eligible_amount(self) -> Decimal:
        return self.gross_amount - (self.vat_amount if self.vat_recoverable else Decimal("0.00"))


class Document(db.Model):
    """A stored file, addressed by the SHA-256 of its content (stored once, however often attached)."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("size > 0", name="size"),)


class ExpenditureDocument(db.Model):
    """A document attached to an expenditure as its evidence, under the name it was uploaded with."""

    __tablename__ = "expenditure_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    expenditure_id: Mapped[int] = mapped_column(ForeignKey("expenditure.id", ondelete="RESTRICT"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    expenditure: Mapped[Expenditure] = relationship(back_populates="documents")
    document: Mapped[Document] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("expenditure_id", "document_id"),)
