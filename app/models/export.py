"""Background exports (statements and chain verifications): who asked, how far along, and the result.

The row is the job for both backends (RQ on Redis, or a worker thread of the app); the file lies in
EXPORT_DIR. Jobs and their files are kept for a day and belong to the user who asked.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

JOB_STATES = ("queued", "running", "finished", "failed")


class ExportJob(db.Model):
    __tablename__ = "export_job"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex: not guessable
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(32))  # a statement kind, or 'chain-verification'
    format: Mapped[str] = mapped_column(String(8))
    lang: Mapped[str] = mapped_column(String(5))
    params: Mapped[str] = mapped_column(Text)  # canonical JSON of the selectors
    status: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # JSON: a verification's report
    file_name: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')", name="status"),
        CheckConstraint("done >= 0 AND total >= 0", name="progress"),
        Index("ix_export_job_user_created", "user_id", "created_at"),
        Index("ix_export_job_project_kind", "project_id", "kind"),
    )
