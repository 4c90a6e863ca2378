"""People and organisations: users, their project memberships and roles."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reports import labels

from ..extensions import db
from ..i18n import current_language
from .types import UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    FINANCE = "finance_officer"
    PARTNER = "partner"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return labels.role(self.value, current_language())


class Organisation(db.Model):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(100))
    vat_number: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (CheckConstraint("country IN ('BE', 'NL')", name="country"),)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    language: Mapped[str | None] = mapped_column(String(2))  # 'nl' or 'en'; None: not chosen (the browser's)
    # Sessions carry this number; raising it (logout, password change, deactivation) ends them all.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # An admin reset the password: the user chooses a new one before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # TOTP second factor (RFC 6238): the base32 secret, when it was confirmed with a first code (None: being
    # enrolled or not at all), and the time step of the last code accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    # The roles the user holds now: a removed role (revoked_at set) stays in the table for the record.
    memberships: Mapped[list[Membership]] = relationship(
        primaryjoin="and_(User.id == Membership.user_id, Membership.revoked_at.is_(None))", viewonly=True,
        lazy="selectin")

    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower"),
        CheckConstraint("language IS NULL OR language IN ('nl', 'en')", name="language"),
        CheckConstraint("session_version >= 1", name="session_version"),
    )

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None and self.totp_confirmed_at is not None

    @property
    def needs_second_factor(self) -> bool:
        """Finance officers, admins and auditors must use a second factor; partners may."""
        return any(m.role is not Role.PARTNER for m in self.memberships)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def roles_in(self, project_id: int) -> set[Role]:
        return {m.role for m in self.memberships if m.project_id == project_id}

    def partner_ids_in(self, project_id: int) -> set[int]:
        return {m.partner_id for m in self.memberships
                if m.project_id == project_id and m.role is Role.PARTNER}


class Membership(db.Model):
    """A user's role in one project; a partner membership is bound to exactly one partner."""

    __tablename__ = "membership"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    # A removed role is never deleted: it is marked revoked (when, by whom) and no longer counts.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("(role = 'partner') = (partner_id IS NOT NULL)", name="partner_role_has_partner"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revoked_by"),
        Index("uq_membership_user_project_role_partner", "user_id", "project_id", "role", "partner_id",
              unique=True, sqlite_where=db.text("revoked_at IS NULL"),
              postgresql_where=db.text("revoked_at IS NULL")),
        Index("uq_membership_user_project_role", "user_id", "project_id", "role", unique=True,
              sqlite_where=db.text("partner_id IS NULL AND revoked_at IS NULL"),
              postgresql_where=db.text("partner_id IS NULL AND revoked_at IS NULL")),
    )
