"""Output and result indicators of a project: a unit, a baseline, a target (in total, and optionally per
reporting period or per calendar year), the partners that report on them, and the values they report per
period (accepted or returned by a finance officer; a returned report stays, a new one follows it).

An indicator fed by the project's small-grants fund (``source = fund_participants``) takes no reports: its
achieved values are the participants reached of the fund's reported and closed actions, per period."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..extensions import db
from ..i18n import gettext as _
from .expenditure import Document
from .org import User
from .project import Partner, Project, ReportingPeriod
from .types import UTCDateTime, str_enum, utcnow

HUNDREDTH = Decimal("0.01")


class Quantity(TypeDecorator):
    """A count or measure with at most two decimals (``Decimal('1200.00')``), stored as integer hundredths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("quantities are never floats")
        hundredths = Decimal(value) * 100
        if hundredths != hundredths.to_integral_value():
            raise ValueError(f"quantity {value} has more than two decimals")
        return int(hundredths)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(HUNDREDTH)

    def coerce_compared_value(self, op, value):
        return self


class IndicatorKind(enum.StrEnum):
    OUTPUT = "output"
    RESULT = "result"

    @property
    def label(self) -> str:
        return {"output": _("output indicator"), "result": _("result indicator")}[self.value]


class IndicatorSource(enum.StrEnum):
    REPORTED = "reported"  # partners report values per period
    FUND_PARTICIPANTS = "fund_participants"  # fed by the small-grants fund's register

    @property
    def label(self) -> str:
        return {"reported": _("reported by partners"),
                "fund_participants": _("automatic: participants reached in the small-grants fund")}[self.value]


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"submitted": _("submitted"), "accepted": _("accepted"), "returned": _("returned")}[self.value]


class Indicator(db.Model):
    __tablename__ = "indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[IndicatorKind] = mapped_column(str_enum(IndicatorKind, "indicator_kind"))
    unit: Mapped[str] = mapped_column(String(60))
    baseline: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0.00"))
    target: Mapped[Decimal] = mapped_column(Quantity)
    source: Mapped[IndicatorSource] = mapped_column(str_enum(IndicatorSource, "indicator_source"),
                                                    default=IndicatorSource.REPORTED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()
    targets: Mapped[list[IndicatorTarget]] = relationship(lazy="selectin", order_by="IndicatorTarget.id")
    assignments: Mapped[list[IndicatorAssignment]] = relationship(lazy="selectin")

    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        CheckConstraint("code <> ''", name="code_not_empty"),
        CheckConstraint("target >= 0 AND baseline >= 0", name="not_negative"),
    )

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorTarget(db.Model):
    """A part of the target: for one reporting period, or for one calendar year."""

    __tablename__ = "indicator_target"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"), index=True)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id", ondelete="RESTRICT"))
    year: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Quantity)

    period: Mapped[ReportingPeriod | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("(period_id IS NULL) <> (year IS NULL)", name="period_or_year"),
        CheckConstraint("year IS NULL OR (year >= 2000 AND year <= 2100)", name="year"),
        CheckConstraint("value >= 0", name="value"),
        Index("uq_indicator_target_period", "indicator_id", "period_id", unique=True,
              sqlite_where=db.text("period_id IS NOT NULL"), postgresql_where=db.text("period_id IS NOT NULL")),
        Index("uq_indicator_target_year", "indicator_id", "year", unique=True,
              sqlite_where=db.text("year IS NOT NULL"), postgresql_where=db.text("year IS NOT NULL")),
    )


class IndicatorAssignment(db.Model):
    """A partner that reports on the indicator."""

    __tablename__ = "indicator_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)

    partner: Mapped[Partner] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("indicator_id", "partner_id"),)


class IndicatorReport(db.Model):
    """A value achieved by one partner in one period, with its explanation and evidence. At most one report
    per (indicator, partner, period) is submitted or accepted; a returned one stays in the history."""

    __tablename__ = "indicator_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id", ondelete="RESTRICT"))
    value: Mapped[Decimal] = mapped_column(Quantity)
    explanation: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus, "indicator_report_status"),
                                                 default=ReportStatus.SUBMITTED)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship()
    partner: Mapped[Partner] = relationship(lazy="joined")
    period: Mapped[ReportingPeriod] = relationship(lazy="joined")
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    documents: Mapped[list[IndicatorReportDocument]] = relationship(lazy="selectin",
                                                                    order_by="IndicatorReportDocument.id")

    __table_args__ = (
        CheckConstraint("value >= 0", name="value"),
        CheckConstraint("status = 'submitted' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
                        name="decided"),
        CheckConstraint("status <> 'returned' OR decision_note <> ''", name="returned_has_reason"),
        Index("uq_indicator_report_open", "indicator_id", "partner_id", "period_id", unique=True,
              sqlite_where=db.text("status <> 'returned'"), postgresql_where=db.text("status <> 'returned'")),
    )


class IndicatorReportDocument(db.Model):
    """Evidence of a report, stored by content address (app/services/documents.py)."""

    __tablename__ = "indicator_report_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("indicator_report.id", ondelete="RESTRICT"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("report_id", "document_id"),)
