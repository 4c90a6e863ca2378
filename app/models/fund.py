"""The small-grants fund (LES Fonds): the fund of a project, its calls with published criteria, the actions
organisations apply for (the application is the action), their assessment, decision, execution, final
report and closing. The managing partner's payments for an action are its expenditures
(``Expenditure.fund_action_id``)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reports import labels

from ..extensions import db
from ..i18n import current_language
from ..i18n import gettext as _
from ..money import Money
from .expenditure import Document
from .org import User
from .project import Partner, Project
from .types import UTCDateTime, str_enum, utcnow


class OrgType(enum.StrEnum):
    SCHOOL = "school"
    COMPANY = "company"
    INSTITUTION = "institution"
    ASSOCIATION = "association"
    PUBLIC_BODY = "public_body"

    @property
    def label(self) -> str:
        return labels.org_type(self.value, current_language())


class CostType(enum.StrEnum):
    """What an action may cost. Staff costs are never eligible; they are named so the refusal can say so."""

    BUS = "bus_hire"
    ACCOMMODATION = "accommodation"
    ROOM = "room_hire"
    TECHNICAL = "technical_support"
    SPEAKERS = "speakers"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return {"bus_hire": _("bus hire"), "accommodation": _("accommodation"), "room_hire": _("room hire"),
                "technical_support": _("technical support"), "speakers": _("external experts or speakers"),
                "staff": _("staff costs")}[self.value]


ELIGIBLE_COST_TYPES = (CostType.BUS, CostType.ACCOMMODATION, CostType.ROOM, CostType.TECHNICAL, CostType.SPEAKERS)


class ActionStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_ASSESSMENT = "in_assessment"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"
    REPORTED = "reported"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return labels.action_status(self.value, current_language())


# The states in which an action holds (part of) the fund: approved and not released by closing.
COMMITTED_STATES = frozenset({ActionStatus.APPROVED, ActionStatus.EXECUTED, ActionStatus.REPORTED,
                              ActionStatus.CLOSED})


class ReportKind(enum.StrEnum):
    ATTENDANCE = "attendance"
    PHOTO = "photo"

    @property
    def label(self) -> str:
        return {"attendance": _("attendance list"), "photo": _("photo")}[self.value]


class Fund(db.Model):
    """A project's small-grants fund, managed (contracted and paid) by one partner from its small-grants
    budget."""

    __tablename__ = "fund"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), unique=True)
    managing_partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(100))
    ceiling: Mapped[Decimal] = mapped_column(Money)
    max_per_action: Mapped[Decimal] = mapped_column(Money)
    cost_types: Mapped[str] = mapped_column(String(200))  # eligible CostType values, comma-separated
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()
    managing_partner: Mapped[Partner] = relationship()

    __table_args__ = (
        CheckConstraint("ceiling > 0", name="ceiling_positive"),
        CheckConstraint("max_per_action > 0 AND max_per_action <= ceiling", name="max_per_action"),
    )

    @property
    def eligible(self) -> list[CostType]:
        return [CostType(v) for v in self.cost_types.split(",") if v]


class FundCall(db.Model):
    """A call for proposals: open between two dates, for actions that take place within a window inside
    the project's period, assessed on published, weighted criteria."""

    __tablename__ = "fund_call"
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    actions_from: Mapped[date] = mapped_column(Date)
    actions_until: Mapped[date] = mapped_column(Date)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    fund: Mapped[Fund] = relationship()
    criteria: Mapped[list[FundCriterion]] = relationship(order_by="FundCriterion.position", lazy="selectin")

    __table_args__ = (
        UniqueConstraint("fund_id", "code"),
        CheckConstraint("closes_on >= opens_on", name="open_dates"),
        CheckConstraint("actions_until >= actions_from", name="action_dates"),
    )


class FundCriterion(db.Model):
    __tablename__ = "fund_criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("fund_call.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer)  # relative weight, e.g. 40 of 100

    __table_args__ = (
        UniqueConstraint("call_id", "position"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight"),
    )


MAX_SCORE = 5  # each criterion is scored 0..5


class FundAction(db.Model):
    """One proposal, from the application to the closed action. The applicant's organisation and contact
    person are stored here; the contact person is personal data (see permissions.can_see_applicant_data)."""

    __tablename__ = "fund_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id", ondelete="RESTRICT"))
    call_id: Mapped[int] = mapped_column(ForeignKey("fund_call.id", ondelete="RESTRICT"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus, "fund_action_status"),
                                                 default=ActionStatus.SUBMITTED)
    org_name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[OrgType] = mapped_column(str_enum(OrgType, "fund_org_type"))
    org_country: Mapped[str] = mapped_column(String(2))
    org_city: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    expected_participants: Mapped[int] = mapped_column(Integer)
    requested_amount: Mapped[Decimal] = mapped_column(Money)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the private status link
    token_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_date: Mapped[date | None] = mapped_column(Date)  # of the selection meeting that decided
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    approved_amount: Mapped[Decimal | None] = mapped_column(Money)
    executed_on: Mapped[date | None] = mapped_column(Date)
    participants_reached: Mapped[int | None] = mapped_column(Integer)
    result_summary: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_note: Mapped[str | None] = mapped_column(Text)
    released_amount: Mapped[Decimal | None] = mapped_column(Money)

    fund: Mapped[Fund] = relationship()
    call: Mapped[FundCall] = relationship()
    project: Mapped[Project] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    estimates: Mapped[list[FundEstimate]] = relationship(order_by="FundEstimate.id", lazy="selectin")
    counterparts: Mapped[list[FundCounterpart]] = relationship(order_by="FundCounterpart.id", lazy="selectin")

    __table_args__ = (
        UniqueConstraint("fund_id", "number"),
        CheckConstraint("org_country IN ('BE', 'NL')", name="country"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("expected_participants > 0", name="participants"),
        CheckConstraint("requested_amount > 0", name="requested"),
        CheckConstraint("status IN ('submitted', 'in_assessment', 'rejected') OR "
                        "(approved_amount IS NOT NULL AND approved_amount > 0 AND decided_at IS NOT NULL)",
                        name="approved_has_amount"),
        CheckConstraint("status <> 'rejected' OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
                        name="rejected_has_reason"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL AND released_amount IS NOT NULL)",
                        name="closed"),
        CheckConstraint("released_amount IS NULL OR (released_amount >= 0)", name="released"),
        CheckConstraint("participants_reached IS NULL OR participants_reached >= 0", name="reached"),
    )

    @property
    def reference(self) -> str:
        return f"{self.call.code}-{self.number:03d}"


class FundEstimate(db.Model):
    __tablename__ = "fund_estimate"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"))
    cost_type: Mapped[CostType] = mapped_column(str_enum(CostType, "fund_cost_type"))
    amount: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (UniqueConstraint("action_id", "cost_type"), CheckConstraint("amount > 0", name="amount"))


class FundCounterpart(db.Model):
    """An organisation the applicant works with; at least one is from the other side of the border."""

    __tablename__ = "fund_counterpart"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    org_type: Mapped[OrgType] = mapped_column(str_enum(OrgType, "fund_org_type"))

    __table_args__ = (CheckConstraint("country IN ('BE', 'NL')", name="country"),)


class FundDeclaration(db.Model):
    """An assessor's declaration of interests for one action, made before scoring it."""

    __tablename__ = "fund_declaration"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    organisation: Mapped[str] = mapped_column(String(200))
    affiliations: Mapped[str] = mapped_column(Text, default="")
    conflicted: Mapped[bool] = mapped_column(Boolean)
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("action_id", "user_id"),)


class FundScore(db.Model):
    __tablename__ = "fund_score"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("fund_criterion.id", ondelete="RESTRICT"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("action_id", "criterion_id", "assessor_id"),
        CheckConstraint(f"score >= 0 AND score <= {MAX_SCORE}", name="score"),
    )


class FundMessage(db.Model):
    """A question of the fund's finance officers to the applicant, or the applicant's answer to one."""

    __tablename__ = "fund_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("fund_message.id", ondelete="RESTRICT"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # a question is asked by a user; an answer (pointing at its question) comes from the applicant
        CheckConstraint("(question_id IS NULL) = (author_id IS NOT NULL)", name="question_or_answer"),
    )


class FundReportDocument(db.Model):
    """Evidence of the final report (attendance list, photos), stored by content address."""

    __tablename__ = "fund_report_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, "fund_report_kind"))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("action_id", "document_id"),)


class FundOverrun(db.Model):
    """A recorded decision to pay more for an action than was approved; it raises the commitment."""

    __tablename__ = "fund_overrun"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("fund_action.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("amount > 0", name="amount"),)
