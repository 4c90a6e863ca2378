"""Project modifications: every approved budget of a project as a numbered version (1 is the budget the
project started with), with what each partner had per cost category and period, and its funding. The
live budget lines (BudgetLine, FundingSource) are always the newest version; the versions are never changed."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..money import Money
from .types import UTCDateTime, utcnow


class BudgetVersion(db.Model):
    __tablename__ = "budget_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    approved_on: Mapped[date] = mapped_column(Date)  # in force for the periods that end on or after this day
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    budget_total: Mapped[Decimal] = mapped_column(Money)  # the project's eligible budget in this version
    efro_total: Mapped[Decimal] = mapped_column(Money)  # the ERDF of all partners together in this version
    efro_ceiling: Mapped[Decimal] = mapped_column(Money)  # the project's approved ERDF when it was recorded

    lines: Mapped[list[BudgetVersionLine]] = relationship(back_populates="version", lazy="raise")

    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint("number > 0", name="number"),
        CheckConstraint("reason <> ''", name="reason_not_empty"),
        CheckConstraint("budget_total >= 0 AND efro_total >= 0", name="totals"),
    )


class BudgetVersionLine(db.Model):
    """One partner's budget for one cost category in one period, as it was in a version."""

    __tablename__ = "budget_version_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("budget_version.id", ondelete="RESTRICT"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money)

    version: Mapped[BudgetVersion] = relationship(back_populates="lines")

    __table_args__ = (
        UniqueConstraint("version_id", "partner_id", "category_id", "period_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class BudgetVersionFunding(db.Model):
    """One partner's funding in a version: its ERDF and its other public co-financing."""

    __tablename__ = "budget_version_funding"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("budget_version.id", ondelete="RESTRICT"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    efro: Mapped[Decimal] = mapped_column(Money)
    other_public: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (
        UniqueConstraint("version_id", "partner_id"),
        CheckConstraint("efro >= 0 AND other_public >= 0", name="amounts"),
    )
