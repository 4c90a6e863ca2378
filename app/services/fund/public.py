"""What the applicant does through the private status link (answer a question, send the final report with
evidence), what the status page shows, and the finance officer's revoking and renewing of the link.
The link reaches its own application and nothing else: every function here takes the action that
:func:`.applications.action_for_token` found for it."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import ActionStatus, FundAction, FundMessage, FundReportDocument, ReportKind, User
from ...models.types import utcnow
from ...permissions import can_assess, can_see_assessment, require
from .. import audit, documents
from ..audit import Actor
from .applications import MAX_PARTICIPANTS, new_token
from .common import record, today, transition


@dataclass
class Exchange:
    """A question and the applicant's answers to it."""

    question: FundMessage
    answers: list[FundMessage] = field(default_factory=list)


def exchanges(action: FundAction) -> list[Exchange]:
    messages = db.session.scalars(select(FundMessage).where(FundMessage.action_id == action.id)
                                  .order_by(FundMessage.id)).all()
    by_question = {m.id: Exchange(m) for m in messages if m.question_id is None}
    for m in messages:
        if m.question_id is not None and m.question_id in by_question:
            by_question[m.question_id].answers.append(m)
    return list(by_question.values())


@dataclass
class StatusPage:
    """What the applicant sees: the proposal, the decision, the questions, the report; no assessment."""

    action: FundAction
    exchanges: list[Exchange]
    report_documents: list[FundReportDocument]
    can_report: bool
    decided_at: datetime | None


def report_documents(action: FundAction) -> list[FundReportDocument]:
    return list(db.session.scalars(select(FundReportDocument).where(FundReportDocument.action_id == action.id)
                                   .order_by(FundReportDocument.id)))


def report_possible(action: FundAction) -> bool:
    return action.status in (ActionStatus.APPROVED, ActionStatus.EXECUTED) and action.start_date <= today()


def status_page(action: FundAction) -> StatusPage:
    return StatusPage(action, exchanges(action), report_documents(action), report_possible(action),
                      action.decided_at)


def answer(actor: Actor, action: FundAction, question_id: int | None, text: str) -> FundMessage:
    """The applicant's answer to a question about their own application."""
    audit.serialise(action)
    question = db.session.get(FundMessage, question_id) if question_id else None
    if question is None or question.action_id != action.id or question.question_id is not None:
        raise NotFound()
    if action.status is ActionStatus.CLOSED:
        raise DomainError(_("This action is closed; answers are no longer added."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your answer."))
    message = FundMessage(action_id=action.id, question_id=question.id, body=text[:5000])
    db.session.add(message)
    db.session.flush()
    record(actor, None, action, "fund.question_answered", after={"question_id": question.id, "text": message.body})
    return message


def submit_report(actor: Actor, action: FundAction, participants: int | None, summary: str,
                  files: Iterable[tuple[ReportKind, FileStorage | tuple[str, bytes]]]) -> FundAction:
    """The final report: participants reached, a short result, and an attendance list or photos as
    evidence (checked as every evidence file: type from the content, size limit, stored by SHA-256)."""
    audit.serialise(action)
    if action.status not in (ActionStatus.APPROVED, ActionStatus.EXECUTED):
        raise DomainError(_("A final report is sent once for an approved action; this one is %(status)s.",
                            status=action.status.label))
    if action.start_date > today():
        raise DomainError(_("The final report follows the action; it starts on %(date)s.",
                            date=formatting.day(action.start_date)))
    errors = []
    if participants is None or not 0 <= participants <= MAX_PARTICIPANTS:
        errors.append(_("Fill in how many people took part (a whole number)."))
    summary = (summary or "").strip()
    if not summary:
        errors.append(_("Describe the result of the action in a few sentences."))
    if len(summary) > 5000:
        errors.append(_("The result is at most 5,000 characters."))
    files = [(kind, item) for kind, item in files if item]
    if not files:
        errors.append(_("Add the attendance list or photos as evidence."))
    if errors:
        raise DomainError(" ".join(errors))
    checked = documents.validate_uploads([item for _kind, item in files])
    stored = []
    for (kind, _item), item in zip(files, checked, strict=True):
        doc = documents.store_upload(item)
        db.session.add(FundReportDocument(action_id=action.id, document_id=doc.id, kind=kind, filename=item.filename))
        stored.append({"kind": kind, "filename": item.filename, "sha256": item.sha256, "size": doc.size})
    before = transition(action, "report")
    action.participants_reached, action.result_summary, action.reported_at = participants, summary, utcnow()
    db.session.flush()
    record(actor, None, action, "fund.report_submitted", before={"status": before}, after={
        "status": action.status, "participants": participants, "summary": summary, "files": stored})
    return action


def revoke_link(actor: Actor, user: User, action: FundAction) -> FundAction:
    """The status link stops working at once (leaked, or the applicant asks); a new one can be issued."""
    require(can_assess(user, action.project), _("Only a finance officer revokes a status link."))
    audit.serialise(action)
    if action.token_revoked_at is not None:
        raise DomainError(_("This status link is already revoked."))
    action.token_revoked_at = utcnow()
    db.session.flush()
    record(actor, user, action, "fund.status_link_revoked", after={"revoked_at": action.token_revoked_at})
    return action


def renew_link(actor: Actor, user: User, action: FundAction) -> str:
    """A new status link for the applicant (the old one no longer works); the token, shown once."""
    require(can_assess(user, action.project), _("Only a finance officer issues a new status link."))
    audit.serialise(action)
    token, hashed = new_token()
    had = action.token_revoked_at is None
    action.token_hash, action.token_revoked_at = hashed, None
    db.session.flush()
    record(actor, user, action, "fund.status_link_renewed", after={"previous_still_valid": had})
    return token


def report_document(actor: Actor, user: User, action: FundAction, document_id: int) -> tuple[str, str, str]:
    """An evidence file of the final report, for finance officers, admins and auditors (an attendance list
    holds names): ``(path, content type, download name)``. Audited; a missing or altered file is refused."""
    link = db.session.get(FundReportDocument, document_id)
    if link is None or link.action_id != action.id or not can_see_assessment(user, action.project):
        raise NotFound()
    sha = link.document.sha256
    if not documents.stored_intact(sha):
        raise DomainError(_("The file %(name)s is missing or damaged in the storage and is not offered. Tell the "
                            "administrator.", name=link.filename))
    record(actor, user, action, "fund.report_downloaded", after={"document_id": link.id, "filename": link.filename,
                                                                 "sha256": sha})
    return str(documents.document_path(sha)), link.document.content_type, link.filename
