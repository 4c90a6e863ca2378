"""Defining a project's indicators: the indicator (unit, baseline, target, where its values come from), its
targets per reporting period or calendar year, and the partners that report on it; and changing them later
(name, unit, baseline, target, targets, partners). Every change audited with its before and after; the values
partners reported stay as they are."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Indicator,
    IndicatorAssignment,
    IndicatorKind,
    IndicatorReport,
    IndicatorSource,
    IndicatorTarget,
    Partner,
    Project,
    ReportingPeriod,
    ReportStatus,
    User,
)
from ...models.types import utcnow
from ...permissions import can_manage_indicators, require, role_label
from .. import audit
from ..audit import Actor

MAX_QUANTITY = Decimal("1e12")


def record(actor: Actor, user: User | None, project: Project, action: str, indicator_id: int, **kw) -> None:
    audit.record(actor, action, role=role_label(user, project) if user else "", object_type="indicator",
                 object_id=indicator_id, project_id=project.id, **kw)


def check_quantity(value: Decimal | None, what: str) -> Decimal:
    if value is None or value < 0 or value >= MAX_QUANTITY or value != value.quantize(Decimal("0.01")):
        raise DomainError(_("%(what)s is a number from 0, with at most two decimals.", what=what))
    return value.quantize(Decimal("0.01"))


def _manager(user: User | None, project: Project) -> None:
    if user is not None:
        require(can_manage_indicators(user, project),
                _("Only an administrator or a finance officer defines indicators."))


def _text(value: str | None, limit: int, message: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise DomainError(message)
    return value


def _name(value: str | None) -> str:
    return _text(value, 300, _("An indicator has a name of at most 300 characters."))


def _unit(value: str | None) -> str:
    return _text(value, 60, _("An indicator has a unit of at most 60 characters (people, programmes, ...)."))


def create_indicator(actor: Actor, user: User | None, project: Project, code: str, name: str, kind: str,
                     unit: str, baseline: Decimal | None, target: Decimal | None,
                     source: str = IndicatorSource.REPORTED.value) -> Indicator:
    """A new output or result indicator. ``user`` None: the command line or the demo (no role check)."""
    _manager(user, project)
    audit.serialise()
    code = _text(code, 20, _("An indicator code has 1 to 20 characters."))
    name, unit = _name(name), _unit(unit)
    if kind not in {k.value for k in IndicatorKind}:
        raise DomainError(_("Choose an output or a result indicator."))
    if source not in {s.value for s in IndicatorSource}:
        raise DomainError(_("Choose where the indicator's values come from."))
    if db.session.scalar(select(Indicator.id).where(Indicator.project_id == project.id, Indicator.code == code)):
        raise DomainError(_("%(project)s already has an indicator %(code)s.", project=project.code, code=code))
    if source == IndicatorSource.FUND_PARTICIPANTS.value and db.session.scalar(select(Indicator.id).where(
            Indicator.project_id == project.id, Indicator.source == IndicatorSource.FUND_PARTICIPANTS)):
        raise DomainError(_("%(project)s already has an indicator fed by its small-grants fund.",
                            project=project.code))
    indicator = Indicator(project_id=project.id, code=code, name=name, kind=IndicatorKind(kind), unit=unit,
                          baseline=check_quantity(baseline if baseline is not None else Decimal(0), _("The baseline")),
                          target=check_quantity(target, _("The target")), source=IndicatorSource(source),
                          created_by_id=user.id if user else None, created_at=utcnow())
    db.session.add(indicator)
    db.session.flush()
    record(actor, user, project, "indicator.created", indicator.id, after={
        "code": code, "name": name, "kind": kind, "unit": unit, "baseline": indicator.baseline,
        "target": indicator.target, "source": source})
    return indicator


def update_indicator(actor: Actor, user: User | None, indicator: Indicator, name: str, unit: str,
                     baseline: Decimal | None, target: Decimal | None) -> bool:
    """Change an indicator's name, unit, baseline and total target. Its code, type and source stay (reports and
    statements refer to them); the values reported on it stay as they are. Returns whether anything changed
    (unchanged: nothing is recorded)."""
    project = indicator.project
    _manager(user, project)
    audit.serialise(indicator)
    new = {"name": _name(name), "unit": _unit(unit),
           "baseline": check_quantity(baseline if baseline is not None else Decimal(0), _("The baseline")),
           "target": check_quantity(target, _("The target"))}
    before = {k: getattr(indicator, k) for k, v in new.items() if getattr(indicator, k) != v}
    if not before:
        return False
    for k in before:
        setattr(indicator, k, new[k])
    db.session.flush()
    record(actor, user, project, "indicator.updated", indicator.id, before={"code": indicator.code, **before},
           after={"code": indicator.code, **{k: new[k] for k in before}})
    return True


def indicator_or_404(project: Project, indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.project_id != project.id:
        raise NotFound(_("Indicator not found."))
    return indicator


def set_target(actor: Actor, user: User | None, indicator: Indicator, value: Decimal | None,
               period_id: int | None = None, year: int | None = None) -> IndicatorTarget:
    """The target for one reporting period or one calendar year (set again: changed, with its old value in
    the audit trail)."""
    project = indicator.project
    _manager(user, project)
    audit.serialise(indicator)
    if (period_id is None) == (year is None):
        raise DomainError(_("A target is for a reporting period or for a year."))
    value = check_quantity(value, _("The target"))
    if period_id is not None:
        period = db.session.get(ReportingPeriod, period_id)
        if period is None or period.project_id != project.id:
            raise DomainError(_("Choose a reporting period of %(project)s.", project=project.code))
        existing = next((t for t in indicator.targets if t.period_id == period_id), None)
        what = {"period": period.number}
    else:
        if not 2000 <= year <= 2100:
            raise DomainError(_("A year between 2000 and 2100."))
        existing = next((t for t in indicator.targets if t.year == year), None)
        what = {"year": year}
    before = None
    if existing is None:
        existing = IndicatorTarget(indicator_id=indicator.id, period_id=period_id, year=year, value=value)
        db.session.add(existing)
        indicator.targets.append(existing)
    else:
        before = {**what, "value": existing.value}
        existing.value = value
    db.session.flush()
    record(actor, user, project, "indicator.target_set", indicator.id, before=before, after={**what, "value": value})
    return existing


def assign(actor: Actor, user: User | None, indicator: Indicator, partner: Partner) -> IndicatorAssignment:
    """A partner that reports on this indicator."""
    project = indicator.project
    _manager(user, project)
    audit.serialise(indicator)
    if partner.project_id != project.id:
        raise NotFound(_("Partner not found."))
    if indicator.source is not IndicatorSource.REPORTED:
        raise DomainError(_("This indicator is fed by the small-grants fund; no partner reports on it."))
    if any(a.partner_id == partner.id for a in indicator.assignments):
        raise DomainError(_("%(partner)s already reports on this indicator.", partner=partner.label))
    assignment = IndicatorAssignment(indicator_id=indicator.id, partner_id=partner.id)
    db.session.add(assignment)
    indicator.assignments.append(assignment)
    db.session.flush()
    record(actor, user, project, "indicator.assigned", indicator.id, after={"partner": partner.label,
                                                                             "partner_id": partner.id})
    return assignment


def unassign(actor: Actor, user: User | None, indicator: Indicator, partner: Partner) -> None:
    """The partner no longer reports on this indicator. What it reported stays (accepted values keep counting);
    refused while one of its reports waits for a decision. The assignment's history is in the audit trail."""
    project = indicator.project
    _manager(user, project)
    audit.serialise(indicator)
    assignment = next((a for a in indicator.assignments if a.partner_id == partner.id), None)
    if assignment is None or partner.project_id != project.id:
        raise NotFound(_("Partner not found."))
    if db.session.scalar(select(IndicatorReport.id).where(
            IndicatorReport.indicator_id == indicator.id, IndicatorReport.partner_id == partner.id,
            IndicatorReport.status == ReportStatus.SUBMITTED).limit(1)):
        raise DomainError(_("%(partner)s has a report on this indicator that waits for a decision; accept or "
                            "return it first.", partner=partner.label))
    indicator.assignments.remove(assignment)
    db.session.delete(assignment)
    db.session.flush()
    record(actor, user, project, "indicator.unassigned", indicator.id,
           before={"partner": partner.label, "partner_id": partner.id, "assigned": True},
           after={"partner": partner.label, "partner_id": partner.id, "assigned": False})
