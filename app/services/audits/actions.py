"""Recording an audit: its body, dates, scope (partners, claims, periods or a sample of certified lines),
status, and findings with their documents. Auditors write these records only; nothing here changes a
claim, a line or an amount."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    AuditBody,
    AuditFinding,
    AuditScopeItem,
    AuditStatus,
    Claim,
    ClaimLine,
    ErrorType,
    FindingDocument,
    LineStatus,
    Partner,
    ProgrammeAudit,
    Project,
    ReportingPeriod,
    User,
)
from ...models.claim import FINAL_STATES
from ...permissions import can_record_audits, can_see_audits, require, role_label
from .. import audit, documents
from ..audit import Actor

MAX_TEXT = 4000


@dataclass
class AuditData:
    body: AuditBody
    reference: str
    started_on: date
    ended_on: date | None = None
    status: AuditStatus = AuditStatus.PLANNED
    scope_note: str = ""
    partner_ids: list[int] = field(default_factory=list)
    claim_ids: list[int] = field(default_factory=list)
    period_ids: list[int] = field(default_factory=list)
    line_ids: list[int] = field(default_factory=list)


def _record(actor: Actor, user: User, project: Project, action: str, object_type: str, object_id: int,
            before=None, after=None) -> None:
    audit.record(actor, action, role=role_label(user, project), object_type=object_type, object_id=object_id,
                 project_id=project.id, before=before, after=after)


def _text(value: str | None, what: str, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise DomainError(_("%(field)s contains a character that is not allowed.", field=what))
    if required and not value:
        raise DomainError(_("%(field)s is required.", field=what))
    if len(value) > MAX_TEXT:
        raise DomainError(_("%(field)s is too long (at most %(max)s characters).", field=what, max=MAX_TEXT))
    return value


def certified_line(project: Project, line_id: int) -> ClaimLine:
    """A claim line of the project that counts in a certified (or paid) claim."""
    line = db.session.get(ClaimLine, line_id)
    if line is None or line.claim.project_id != project.id:
        raise DomainError(_("Claim line #%(id)s does not exist in this project.", id=line_id))
    if line.claim.status not in FINAL_STATES or line.status is not LineStatus.VERIFIED:
        raise DomainError(_("Claim line #%(id)s is not a certified line.", id=line_id))
    return line


def _ids_of(model, ids: Iterable[int], project: Project, what: str) -> list[int]:
    ids = sorted(set(ids))
    if not ids:
        return []
    found = set(db.session.scalars(select(model.id).where(model.id.in_(ids), model.project_id == project.id)))
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError(_("%(what)s %(ids)s does not belong to this project.", what=what,
                            ids=", ".join(f"#{i}" for i in missing)))
    return ids


def create_audit(actor: Actor, user: User, project: Project, data: AuditData) -> ProgrammeAudit:
    require(can_record_audits(user, project), _("Only an auditor records audits."))
    audit.serialise()
    reference = _text(data.reference, _("Reference"))
    if len(reference) > 120:
        raise DomainError(_("%(field)s is too long (at most %(max)s characters).", field=_("Reference"), max=120))
    note = _text(data.scope_note, _("Scope"), required=False) or None
    if data.ended_on is not None and data.ended_on < data.started_on:
        raise DomainError(_("The audit cannot end before it starts."))
    if data.status is AuditStatus.CLOSED and data.ended_on is None:
        raise DomainError(_("A closed audit needs its end date."))
    partners = _ids_of(Partner, data.partner_ids, project, _("Partner"))
    claims = _ids_of(Claim, data.claim_ids, project, _("Claim"))
    periods = _ids_of(ReportingPeriod, data.period_ids, project, _("Period"))
    lines = sorted({certified_line(project, i).id for i in data.line_ids})
    if not (partners or claims or periods or lines or note):
        raise DomainError(_("Say what the audit covers: partners, claims, periods, sampled lines or a "
                            "description of the scope."))
    record = ProgrammeAudit(project_id=project.id, body=data.body, reference=reference, started_on=data.started_on,
                            ended_on=data.ended_on, status=data.status, scope_note=note, created_by_id=user.id)
    db.session.add(record)
    db.session.flush()
    db.session.add_all([AuditScopeItem(audit_id=record.id, partner_id=i) for i in partners]
                       + [AuditScopeItem(audit_id=record.id, claim_id=i) for i in claims]
                       + [AuditScopeItem(audit_id=record.id, period_id=i) for i in periods]
                       + [AuditScopeItem(audit_id=record.id, claim_line_id=i) for i in lines])
    db.session.flush()
    _record(actor, user, project, "audit.recorded", "programme_audit", record.id, after={
        "body": data.body, "reference": reference, "started_on": data.started_on, "ended_on": data.ended_on,
        "status": data.status, "scope_note": note, "partners": partners, "claims": claims, "periods": periods,
        "lines": lines})
    return record


def set_status(actor: Actor, user: User, project: Project, record: ProgrammeAudit, status: AuditStatus,
               ended_on: date | None) -> ProgrammeAudit:
    require(can_record_audits(user, project), _("Only an auditor records audits."))
    audit.serialise(record)
    if record.status is AuditStatus.CLOSED:
        raise DomainError(_("This audit is closed."))
    if status is AuditStatus.CLOSED and ended_on is None:
        raise DomainError(_("A closed audit needs its end date."))
    if ended_on is not None and ended_on < record.started_on:
        raise DomainError(_("The audit cannot end before it starts."))
    before = {"status": record.status, "ended_on": record.ended_on}
    record.status, record.ended_on = status, ended_on
    db.session.flush()
    _record(actor, user, project, "audit.status_changed", "programme_audit", record.id, before=before,
            after={"status": status, "ended_on": ended_on})
    return record


def add_finding(actor: Actor, user: User, project: Project, record: ProgrammeAudit, *, description: str,
                error_type: ErrorType, claim_line_id: int | None = None, claim_id: int | None = None,
                partner_id: int | None = None, amount: Decimal | None = None, irregularity: bool = False,
                files: Iterable[tuple[str, bytes] | FileStorage] = ()) -> AuditFinding:
    """A finding on one certified line (which is then part of the audit's sample), on a claim, or on a
    partner; documents attached are stored as evidence is (content-addressed, type sniffed)."""
    require(can_record_audits(user, project), _("Only an auditor records findings."))
    audit.serialise(record)
    if record.project_id != project.id:
        raise NotFound()
    if record.status is AuditStatus.CLOSED:
        raise DomainError(_("This audit is closed; no more findings can be added."))
    description = _text(description, _("Finding"))
    if amount is not None and amount <= 0:
        raise DomainError(_("The amount of a finding must be more than zero."))
    line = None
    if claim_line_id is not None:
        line = certified_line(project, claim_line_id)
        claim_id = line.claim_id
        if amount is not None and amount > line.certified_amount:
            raise DomainError(_("The amount (%(amount)s) is more than the line's certified amount.",
                                amount=amount))
    if claim_id is not None:
        claim = db.session.get(Claim, claim_id)
        if claim is None or claim.project_id != project.id or claim.status not in FINAL_STATES:
            raise DomainError(_("A finding is on a certified claim of this project."))
        partner_id = claim.partner_id
    if partner_id is None:
        raise DomainError(_("Choose the line, claim or partner the finding is about."))
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.project_id != project.id:
        raise DomainError(_("Partner #%(id)s does not belong to this project.", id=partner_id))
    files = list(files)
    checked = documents.validate_uploads(files) if files else []
    finding = AuditFinding(audit_id=record.id, partner_id=partner_id, claim_id=claim_id, claim_line_id=claim_line_id,
                           description=description, error_type=error_type, amount=amount,
                           irregularity=bool(irregularity), created_by_id=user.id)
    db.session.add(finding)
    if line is not None and not db.session.scalar(select(AuditScopeItem.id).where(
            AuditScopeItem.audit_id == record.id, AuditScopeItem.claim_line_id == line.id)):
        db.session.add(AuditScopeItem(audit_id=record.id, claim_line_id=line.id))
    if record.status is AuditStatus.PLANNED:
        record.status = AuditStatus.ONGOING
    db.session.flush()
    stored = []
    for item in checked:
        doc = documents.store_upload(item)
        db.session.add(FindingDocument(finding_id=finding.id, document_id=doc.id, filename=item.filename,
                                       uploaded_by_id=user.id))
        stored.append({"filename": item.filename, "sha256": item.sha256, "size": len(item.data)})
    db.session.flush()
    _record(actor, user, project, "audit.finding_added", "programme_audit", record.id, after={
        "finding_id": finding.id, "partner_id": partner_id, "claim_id": claim_id, "claim_line_id": claim_line_id,
        "description": description, "error_type": error_type, "amount": amount, "irregularity": bool(irregularity),
        "documents": stored})
    return finding


def finding_document(actor: Actor, user: User, project: Project, link_id: int) -> tuple[str, str, str]:
    """A document of a finding for those who see audits: (path, content type, download name); audited.
    A file missing or changed in the storage is refused, never served."""
    link = db.session.get(FindingDocument, link_id)
    if link is None or not can_see_audits(user, project):
        raise NotFound(_("Document not found."))
    finding = db.session.get(AuditFinding, link.finding_id)
    if finding.audit.project_id != project.id:
        raise NotFound(_("Document not found."))
    doc = link.document
    if not documents.stored_intact(doc.sha256):
        current_app.logger.error("finding document missing or altered: link %s, sha256 %s", link.id, doc.sha256)
        raise DomainError(_("The file '%(file)s' is no longer available in the storage. Report this to the "
                            "administrator.", file=link.filename))
    _record(actor, user, project, "document.downloaded", "programme_audit", finding.audit_id,
            after={"finding_document_id": link.id, "filename": link.filename, "sha256": doc.sha256})
    return str(documents.document_path(doc.sha256)), doc.content_type, link.filename
