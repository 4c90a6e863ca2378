"""The audit trail: an append-only, hash-chained table of every change (DESIGN.md section 3)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime

GENESIS_HASH = "0" * 64


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(String(254))  # e-mail address, or 'system' for CLI commands
    role: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON of the changed fields
    after: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # a chain cannot fork
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (
        Index("ix_audit_event_action_actor_time", "action", "actor", "occurred_at"),
        Index("ix_audit_event_action_ip_time", "action", "ip", "occurred_at"),  # failed sign-ins per address
        # a project's trail, newest first, per action, per user and per object (keyset on seq)
        Index("ix_audit_event_project_seq", "project_id", "seq"),
        Index("ix_audit_event_project_action_seq", "project_id", "action", "seq"),
        Index("ix_audit_event_project_user_seq", "project_id", "user_id", "seq"),
        Index("ix_audit_event_project_type_user", "project_id", "object_type", "user_id"),  # four eyes
        Index("ix_audit_event_project_object_seq", "project_id", "object_type", "object_id", "seq"),
    )
