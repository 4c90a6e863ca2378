"""Background jobs for long work (project-wide statements, large audit extracts, verifying the chain).

Two backends, one job: the ``export_job`` row says what to do, how far along it is and where the result is.
With ``REDIS_URL`` set, jobs go on an RQ queue and a separate ``rq worker`` process runs them (several web
servers share the work); without it, a worker thread of the app runs them. Jobs and their files are kept for
a day and belong to the user who asked; nobody else sees them (404).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from sqlalchemy import delete, select

from reports.formatting import DEFAULT_LANGUAGE, LANGUAGES

from ...errors import NotFound, OutOfScope
from ...extensions import db
from ...i18n import gettext as _
from ...models import ExportJob, Project, User
from ...models.types import utcnow
from ..audit import chain_head, verify_chain
from . import CHAIN
from .produce import Spec, check, make, rows_to_write
from .verification import report_data

KEEP = timedelta(days=1)
PROGRESS_SECONDS = 0.5
_EXECUTOR = "cofund.export_executor"


def init_app(app: Flask) -> None:
    env = os.environ
    app.config.setdefault("EXPORT_DIR", env.get("EXPORT_DIR") or str(Path(app.instance_path) / "exports"))
    app.config.setdefault("REDIS_URL", env.get("REDIS_URL") or None)
    app.config.setdefault("EXPORT_QUEUE", env.get("EXPORT_QUEUE") or "cofund-exports")
    app.config.setdefault("EXPORT_THREADS", int(env.get("EXPORT_THREADS", "1")))
    # Verify the chain in the request up to this many events; beyond, as a job.
    app.config.setdefault("CHAIN_INLINE_LIMIT", int(env.get("CHAIN_INLINE_LIMIT", "20000")))


def backend(app: Flask | None = None) -> str:
    return "rq" if (app or current_app).config.get("REDIS_URL") else "thread"


def _path(job_id: str) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / job_id


def purge_expired() -> int:
    """Delete the jobs older than a day, and their files."""
    now = utcnow()
    expired = list(db.session.scalars(select(ExportJob.id).where(ExportJob.expires_at < now)))
    for job_id in expired:
        _path(job_id).unlink(missing_ok=True)
    if expired:
        db.session.execute(delete(ExportJob).where(ExportJob.id.in_(expired)))
    return len(expired)


def create(user: User, project: Project, spec: Spec | None, kind: str | None = None) -> ExportJob:
    """A queued job for the user (checked: may the user have this statement?). Flushes; the caller commits,
    then calls :func:`enqueue` (the worker must find the committed row)."""
    if spec is not None:
        check(user, project, spec)
    purge_expired()
    now = utcnow()
    job = ExportJob(id=uuid.uuid4().hex, user_id=user.id, project_id=project.id, kind=spec.kind if spec else kind,
                    format=spec.fmt if spec else "", lang=spec.lang if spec else "",
                    params=spec.to_json() if spec else "{}", status="queued", done=0, total=0, created_at=now,
                    expires_at=now + KEEP)
    db.session.add(job)
    db.session.flush()
    return job


def enqueue(job_id: str) -> None:
    """Hand the committed job to the backend. A queue that cannot be reached fails the job, with a reason."""
    app = current_app._get_current_object()
    if backend(app) == "thread":
        executor = app.extensions.get(_EXECUTOR)
        if executor is None:
            executor = app.extensions[_EXECUTOR] = ThreadPoolExecutor(
                max_workers=app.config["EXPORT_THREADS"], thread_name_prefix="cofund-export")
        executor.submit(_run_in_thread, app, job_id)
        return
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue
    try:
        queue = Queue(app.config["EXPORT_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue("app.services.statements.jobs.run_job", job_id, job_id=job_id, job_timeout=3600,
                      result_ttl=int(KEEP.total_seconds()), failure_ttl=int(KEEP.total_seconds()))
    except RedisError as error:
        current_app.logger.error("export job %s not queued: %s", job_id, error)
        job = db.session.get(ExportJob, job_id)
        job.status, job.error = "failed", _("The job queue cannot be reached; try again later.")
        job.finished_at = utcnow()
        db.session.commit()


def _run_in_thread(app: Flask, job_id: str) -> None:
    with app.app_context():
        try:
            execute(job_id)
        finally:
            db.session.remove()


_worker_app: Flask | None = None


def run_job(job_id: str) -> None:
    """The entry point an ``rq worker`` calls: in the app of the worker process (made once)."""
    global _worker_app
    if has_app_context():
        execute(job_id)
        return
    if _worker_app is None:
        from ... import create_app
        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            execute(job_id)
        finally:
            db.session.remove()


def execute(job_id: str) -> None:
    """Run one queued job to its end: finished with a file (or a verification report), or failed with a
    reason. Commits its progress as it goes, at most twice a second. A reason is in the language of the user
    who asked (who alone sees the job), as the page that asked would have said it."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "queued":
        return
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    with force_locale(_language_of(job)):
        try:
            if job.kind == CHAIN:
                report = verify_chain()
                job.result = json.dumps(report_data(report))
                job.done = job.total = report.count
            else:
                _export(job)
            job.status = "finished"
        except Exception as error:  # the reason is kept for the user; the details go to the log
            db.session.rollback()
            current_app.logger.exception("export job %s failed", job_id)
            job = db.session.get(ExportJob, job_id)
            job.status = "failed"
            job.error = str(error) if getattr(error, "__module__", "").startswith("app.") else \
                _("The export failed; the administrator can find the reason in the log.")
    job.finished_at = utcnow()
    db.session.commit()


def _language_of(job: ExportJob) -> str:
    """The user's chosen language, else the statement's (chosen on the page, which offers the page's)."""
    user = db.session.get(User, job.user_id)
    for lang in (user.language if user else None, job.lang):
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


def _export(job: ExportJob) -> None:
    spec = Spec.from_json(job.params)
    user, project = db.session.get(User, job.user_id), db.session.get(Project, job.project_id)
    job.total = rows_to_write(project, spec)
    db.session.commit()
    job_id, last = job.id, [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            current = db.session.get(ExportJob, job_id)
            current.done = min(done, current.total or done)
            db.session.commit()

    name, content = make(user, project, spec, f"{user.full_name} ({user.email})", progress,
                         release=db.session.commit)
    path = _path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    os.replace(tmp, path)
    job = db.session.get(ExportJob, job_id)
    job.file_name, job.sha256, job.size = name, hashlib.sha256(content).hexdigest(), len(content)
    job.done = job.total


def job_for(user: User, project: Project, job_id: str) -> ExportJob:
    """The user's own job of this project, within its day; otherwise 404."""
    job = db.session.get(ExportJob, job_id) if isinstance(job_id, str) and len(job_id) == 32 else None
    message = _("This export does not exist or has expired (exports are kept for a day).")
    if job is not None and (job.user_id != user.id or job.project_id != project.id):
        raise OutOfScope(message, "export_job", job.id, project.id)  # someone else's: a failed authorisation
    if job is None or job.expires_at < utcnow():
        raise NotFound(message)
    return job


def result_path(job: ExportJob) -> Path:
    path = _path(job.id)
    if job.status != "finished" or not job.file_name or not path.exists():
        raise NotFound(_("This export has no file (yet)."))
    return path


def latest_verification(project: Project) -> ExportJob | None:
    return db.session.scalar(select(ExportJob).where(ExportJob.project_id == project.id, ExportJob.kind == CHAIN,
                                                     ExportJob.status.in_(("finished", "failed")))
                             .order_by(ExportJob.finished_at.desc()).limit(1))


def verify_now_or_queue(user: User, project: Project) -> ExportJob:
    """Verify the chain in the request when it is small; otherwise queue it (the caller commits, then
    enqueues a queued job)."""
    job = create(user, project, None, kind=CHAIN)
    if chain_head()[0] <= current_app.config["CHAIN_INLINE_LIMIT"]:
        report = verify_chain()
        job.result, job.done, job.total = json.dumps(report_data(report)), report.count, report.count
        job.status, job.started_at, job.finished_at = "finished", job.created_at, utcnow()
    return job
