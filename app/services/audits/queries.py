"""What the audit pages read: the project's audits with filters, one audit, and per claim line the audits
that sampled it (in its scope, or with a finding on it)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...errors import NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    AuditBody,
    AuditFinding,
    AuditScopeItem,
    AuditStatus,
    Claim,
    ClaimLine,
    ProgrammeAudit,
    Project,
    User,
)
from ...permissions import can_see_audits


@dataclass(frozen=True)
class AuditFilter:
    body: AuditBody | None = None
    status: AuditStatus | None = None
    partner_id: int | None = None

    @classmethod
    def from_args(cls, args) -> AuditFilter:
        def pick(enum, raw):
            try:
                return enum(raw) if raw else None
            except ValueError:
                return None
        try:
            partner = int(args.get("partner") or 0) or None
        except ValueError:
            partner = None
        if partner is not None and not 0 < partner < 2**31:
            partner = None
        return cls(pick(AuditBody, args.get("body")), pick(AuditStatus, args.get("status")), partner)


def _require(user: User, project: Project) -> None:
    if not can_see_audits(user, project):
        raise NotFound(_("Not found."))


def audits_of(user: User, project: Project, flt: AuditFilter = AuditFilter()) -> list[ProgrammeAudit]:
    _require(user, project)
    query = (select(ProgrammeAudit).where(ProgrammeAudit.project_id == project.id)
             .options(selectinload(ProgrammeAudit.findings), selectinload(ProgrammeAudit.scope))
             .order_by(ProgrammeAudit.started_on.desc(), ProgrammeAudit.id.desc()))
    if flt.body:
        query = query.where(ProgrammeAudit.body == flt.body)
    if flt.status:
        query = query.where(ProgrammeAudit.status == flt.status)
    if flt.partner_id:
        claims = select(Claim.id).where(Claim.partner_id == flt.partner_id)
        lines = select(ClaimLine.id).where(ClaimLine.claim_id.in_(claims))
        in_scope = select(AuditScopeItem.audit_id).where(or_(
            AuditScopeItem.partner_id == flt.partner_id, AuditScopeItem.claim_id.in_(claims),
            AuditScopeItem.claim_line_id.in_(lines)))
        with_finding = select(AuditFinding.audit_id).where(AuditFinding.partner_id == flt.partner_id)
        query = query.where(or_(ProgrammeAudit.id.in_(in_scope), ProgrammeAudit.id.in_(with_finding)))
    return list(db.session.scalars(query))


def audit_or_404(user: User, project: Project, audit_id: int) -> ProgrammeAudit:
    _require(user, project)
    record = db.session.get(ProgrammeAudit, audit_id)
    if record is None or record.project_id != project.id:
        raise NotFound(_("Audit not found."))
    return record


def finding_or_404(user: User, project: Project, finding_id: int) -> AuditFinding:
    _require(user, project)
    finding = db.session.get(AuditFinding, finding_id)
    if finding is None or finding.audit.project_id != project.id:
        raise NotFound(_("Finding not found."))
    return finding


def audits_by_line(user: User, claim: Claim) -> dict[int, list[ProgrammeAudit]]:
    """Claim line id -> the audits that sampled it (in their scope or with a finding on it); empty for
    users who do not see audits."""
    if not can_see_audits(user, claim.partner.project):
        return {}
    line_ids = select(ClaimLine.id).where(ClaimLine.claim_id == claim.id)
    pairs = db.session.execute(
        select(AuditScopeItem.claim_line_id, AuditScopeItem.audit_id).where(AuditScopeItem.claim_line_id.in_(line_ids))
        .union(select(AuditFinding.claim_line_id, AuditFinding.audit_id)
               .where(AuditFinding.claim_line_id.in_(line_ids)))).all()
    audits = {a.id: a for a in db.session.scalars(
        select(ProgrammeAudit).where(ProgrammeAudit.id.in_({a for _l, a in pairs})))} if pairs else {}
    result: dict[int, list[ProgrammeAudit]] = defaultdict(list)
    for line_id, audit_id in sorted(pairs):
        result[line_id].append(audits[audit_id])
    return dict(result)
