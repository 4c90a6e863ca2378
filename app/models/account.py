"""What a user's account needs beyond the user row: the single-use recovery codes of the second factor."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class RecoveryCode(db.Model):
    """One of the ten codes shown once at enrolment: only its SHA-256 is kept (the codes are random, 80 bits,
    so a fast hash suffices); used once, then marked used (never deleted: the account's history)."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a new set (or a new enrolment) replaced it

    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)
