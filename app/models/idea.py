"""Project ideas that look for partners, and the organisations that put themselves forward as candidate lead
or participating partner. A candidate's contact person is personal data: only the office (admins and finance
officers) sees it; the public sees a candidate's organisation, country, role and description only when the
candidate agreed to publish them and the office accepted the candidacy. Through its private status link a
candidate may withdraw its consent to publish, or its candidacy: the row stays (with when it was withdrawn),
the public listing drops it at once, and the audit trail holds the before and after."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import gettext as _
from .project import Partner, Project
from .types import UTCDateTime, str_enum, utcnow


class IdeaStatus(enum.StrEnum):
    OPEN = "open"  # published, looking for partners
    CONVERTED = "converted"  # turned into a project

    @property
    def label(self) -> str:
        return {"open": _("looking for partners"), "converted": _("turned into a project")}[self.value]


class CandidateRole(enum.StrEnum):
    LEAD = "lead"  # "you want to take the lead"
    PARTICIPANT = "participant"  # "you want to think along"

    @property
    def label(self) -> str:
        return {"lead": _("candidate lead partner"), "participant": _("candidate participating partner")}[self.value]


class CandidateStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # the office accepted (published) the candidacy
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"submitted": _("waiting for the office"), "accepted": _("accepted"),
                "declined": _("declined")}[self.value]


class ProjectIdea(db.Model):
    __tablename__ = "project_idea"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100))
    challenge: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[IdeaStatus] = mapped_column(str_enum(IdeaStatus, "idea_status"), default=IdeaStatus.OPEN)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    converted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project | None] = relationship()

    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint("(status = 'converted') = (project_id IS NOT NULL AND converted_at IS NOT NULL)",
                        name="converted_has_project"),
    )


class IdeaCandidate(db.Model):
    """An organisation that puts itself forward for an idea, without obligation, through the public form."""

    __tablename__ = "idea_candidate"
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("project_idea.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    role: Mapped[CandidateRole] = mapped_column(str_enum(CandidateRole, "candidate_role"))
    status: Mapped[CandidateStatus] = mapped_column(str_enum(CandidateStatus, "candidate_status"),
                                                    default=CandidateStatus.SUBMITTED)
    org_name: Mapped[str] = mapped_column(String(200))
    org_country: Mapped[str] = mapped_column(String(2))
    org_city: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text)  # what the organisation brings (published with consent)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    consent_publish: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the private status link
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # consent to publish withdrawn
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the candidacy withdrawn

    idea: Mapped[ProjectIdea] = relationship()
    partner: Mapped[Partner | None] = relationship()

    __table_args__ = (
        db.UniqueConstraint("idea_id", "number"),
        CheckConstraint("org_country IN ('BE', 'NL')", name="country"),
        CheckConstraint("status = 'submitted' OR decided_at IS NOT NULL", name="decided"),
        CheckConstraint("partner_id IS NULL OR status = 'accepted'", name="partner_only_accepted"),
        CheckConstraint("withdrawn_at IS NULL OR partner_id IS NULL", name="withdrawn_not_partner"),
        CheckConstraint("consent_withdrawn_at IS NULL OR NOT consent_publish", name="consent_withdrawn"),
    )

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def state_label(self) -> str:
        """The status as the candidate and the office read it: a withdrawn candidacy says so."""
        return _("withdrawn by the candidate") if self.withdrawn else self.status.label

    @property
    def published(self) -> bool:
        """What the public page lists: accepted by the office, and the candidate agreed to publish."""
        return self.status is CandidateStatus.ACCEPTED and self.consent_publish and not self.withdrawn
