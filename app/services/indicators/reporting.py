"""Achieved values: a partner reports a value for one indicator assigned to it and one reporting period, with
a short explanation and evidence files (checked and stored as every evidence file: app/services/documents.py);
a finance officer who did not report it accepts it or returns it with a reason. A returned report stays in
the history; the partner then reports again. Partner scope: a partner user sees only its own reports (another
partner's report is a 404) and reports only on indicators assigned to its partner."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Indicator,
    IndicatorReport,
    IndicatorReportDocument,
    Partner,
    Project,
    ReportingPeriod,
    ReportStatus,
    User,
)
from ...models.types import utcnow
from ...permissions import (
    can_report_indicator,
    can_verify,
    require,
    require_visible,
    role_label,
    scoped,
    visible_partner_ids,
)
from .. import audit, documents
from ..audit import Actor
from ..fund.common import today
from .setup import check_quantity

MAX_EXPLANATION = 2000


def _record(actor: Actor, user: User, report: IndicatorReport, action: str, **kw) -> None:
    audit.record(actor, action, role=role_label(user, report.indicator.project), object_type="indicator_report",
                 object_id=report.id, project_id=report.project_id, **kw)


def visible_indicators(user: User, project: Project) -> list[Indicator]:
    """The project's indicators for this user: all of them for finance officers, admins and auditors; for a
    partner user those assigned to its partner."""
    indicators = list(db.session.scalars(select(Indicator).where(Indicator.project_id == project.id)
                                         .order_by(Indicator.code)))
    scope = visible_partner_ids(user, project)
    if scope is None:
        return indicators
    return [i for i in indicators if any(a.partner_id in scope for a in i.assignments)]


def visible_indicator_or_404(user: User, project: Project, indicator_id: int) -> Indicator:
    found = next((i for i in visible_indicators(user, project) if i.id == indicator_id), None)
    if found is None:
        raise NotFound(_("Indicator not found."))
    return found


def reports_of(user: User, project: Project, indicator: Indicator | None = None) -> list[IndicatorReport]:
    """The reports the user may see, newest first."""
    query = select(IndicatorReport).where(IndicatorReport.project_id == project.id)
    if indicator is not None:
        query = query.where(IndicatorReport.indicator_id == indicator.id)
    query = scoped(query, IndicatorReport.partner_id, user, project)
    return list(db.session.scalars(query.order_by(IndicatorReport.submitted_at.desc(), IndicatorReport.id.desc())))


def report_or_404(user: User, project: Project, report_id: int) -> IndicatorReport:
    return require_visible(user, db.session.get(IndicatorReport, report_id), project)


def submit(actor: Actor, user: User, indicator: Indicator, partner: Partner, period_id: int | None,
           value: Decimal | None, explanation: str,
           files: Iterable[tuple[str, bytes] | FileStorage] = ()) -> IndicatorReport:
    """Report what one partner achieved on the indicator in one period, with optional evidence files."""
    project = indicator.project
    require(can_report_indicator(user, indicator, partner),
            _("Only a partner the indicator is assigned to (or a finance officer) reports on it."))
    audit.serialise(indicator)
    period = db.session.get(ReportingPeriod, period_id) if period_id else None
    if period is None or period.project_id != project.id:
        raise DomainError(_("Choose a reporting period of %(project)s.", project=project.code))
    if period.start_date > today():
        raise DomainError(_("%(period)s has not started yet; report once it has.", period=period.label))
    value = check_quantity(value, _("The achieved value"))
    explanation = (explanation or "").strip()
    if not explanation:
        raise DomainError(_("Explain the value in a few words: what was achieved, how it was counted."))
    if len(explanation) > MAX_EXPLANATION:
        raise DomainError(_("At most %(limit)s characters.", limit=MAX_EXPLANATION))
    open_report = db.session.scalar(select(IndicatorReport).where(
        IndicatorReport.indicator_id == indicator.id, IndicatorReport.partner_id == partner.id,
        IndicatorReport.period_id == period.id, IndicatorReport.status != ReportStatus.RETURNED))
    if open_report is not None:
        raise DomainError(_("%(partner)s has already reported on %(indicator)s for %(period)s (%(status)s).",
                            partner=partner.label, indicator=indicator.code, period=period.label,
                            status=open_report.status.label))
    files = [f for f in files if not isinstance(f, FileStorage) or f]
    checked = documents.validate_uploads(files) if files else []
    report = IndicatorReport(indicator_id=indicator.id, project_id=project.id, partner_id=partner.id,
                             period_id=period.id, value=value, explanation=explanation, submitted_by_id=user.id,
                             submitted_at=utcnow())
    db.session.add(report)
    db.session.flush()
    stored = []
    for item in checked:
        doc = documents.store_upload(item)
        db.session.add(IndicatorReportDocument(report_id=report.id, document_id=doc.id, filename=item.filename,
                                               uploaded_at=utcnow()))
        stored.append({"filename": item.filename, "sha256": item.sha256, "size": doc.size})
    db.session.flush()
    db.session.refresh(report)
    _record(actor, user, report, "indicator.reported", after={
        "indicator": indicator.code, "partner": partner.label, "period": period.number, "value": value,
        "explanation": explanation, "files": stored})
    return report


def _decide(actor: Actor, user: User, report: IndicatorReport, status: ReportStatus, note: str,
            action: str) -> IndicatorReport:
    require_visible(user, report, report.indicator.project)
    audit.serialise(report)
    if report.status is not ReportStatus.SUBMITTED:
        raise DomainError(_("This report has already been %(status)s.", status=report.status.label))
    require(can_verify(user, report.indicator.project), _("Only a finance officer accepts or returns reports."))
    if report.submitted_by_id == user.id:
        raise DomainError(_("Four eyes: you reported this value yourself; another finance officer decides on it."))
    note = (note or "").strip()
    if len(note) > MAX_EXPLANATION:
        raise DomainError(_("At most %(limit)s characters.", limit=MAX_EXPLANATION))
    report.status, report.decided_by_id, report.decided_at, report.decision_note = status, user.id, utcnow(), note
    db.session.flush()
    _record(actor, user, report, action, before={"status": ReportStatus.SUBMITTED},
            after={"status": status, "value": report.value, "note": note})
    return report


def accept(actor: Actor, user: User, report: IndicatorReport, note: str = "") -> IndicatorReport:
    return _decide(actor, user, report, ReportStatus.ACCEPTED, note, "indicator.report_accepted")


def return_report(actor: Actor, user: User, report: IndicatorReport, note: str) -> IndicatorReport:
    if not (note or "").strip():
        raise DomainError(_("Say why the report is returned; the partner reads it."))
    return _decide(actor, user, report, ReportStatus.RETURNED, note, "indicator.report_returned")


def evidence(actor: Actor, user: User, project: Project, report: IndicatorReport,
             link_id: int) -> tuple[str, str, str]:
    """An evidence file of a report the user may see: (path, content type, name); the download is audited.
    A file missing or changed in the storage is refused, never served."""
    require_visible(user, report, project)
    link = next((d for d in report.documents if d.id == link_id), None)
    if link is None:
        raise NotFound(_("Evidence not found."))
    sha = link.document.sha256
    if not documents.stored_intact(sha):
        current_app.logger.error("indicator evidence missing or altered: link %s, sha256 %s", link.id, sha)
        raise DomainError(_("The file '%(file)s' is no longer available in the storage. Report this to the "
                            "administrator.", file=link.filename))
    _record(actor, user, report, "document.downloaded", after={"link_id": link.id, "filename": link.filename,
                                                               "sha256": sha})
    return str(documents.document_path(sha)), link.document.content_type, link.filename
