"""Progress per indicator, as plain data for the page, the charts and the progress report (reports/indicators):
per reporting period what was achieved and the cumulative figure, next to the targets per period, per year
and in total.

What counts as achieved: for a reported indicator, the accepted reports (summed over its partners; reports
waiting for a decision are shown apart as pending); for the indicator fed by the small-grants fund, the
participants reached of the fund's reported and closed actions, in the period in which the action took place
(its execution date, else its end date). Sums are computed in SQL on integer hundredths."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from reports.indicators.data import IndicatorProgress, PeriodProgress, ProgressReport, YearProgress
from reports.statements import Header

from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    ActionStatus,
    FundAction,
    Indicator,
    IndicatorReport,
    IndicatorSource,
    Project,
    ReportingPeriod,
    ReportStatus,
    User,
)
from ...permissions import sees_all_partners
from ..fund.common import today
from .reporting import visible_indicators

ZERO = Decimal("0.00")
FUND_COUNTED = (ActionStatus.REPORTED, ActionStatus.CLOSED)


def periods_of(project: Project) -> list[ReportingPeriod]:
    return list(db.session.scalars(select(ReportingPeriod).where(ReportingPeriod.project_id == project.id)
                                   .order_by(ReportingPeriod.number)))


def reported_sums(indicator_ids: list[int], status: ReportStatus) -> dict[tuple[int, int], Decimal]:
    """(indicator id, period id) -> the sum of the values of the reports in this status."""
    if not indicator_ids:
        return {}
    rows = db.session.execute(
        select(IndicatorReport.indicator_id, IndicatorReport.period_id, func.sum(IndicatorReport.value))
        .where(IndicatorReport.indicator_id.in_(indicator_ids), IndicatorReport.status == status)
        .group_by(IndicatorReport.indicator_id, IndicatorReport.period_id))
    return {(i, p): Decimal(v or 0) for i, p, v in rows}


def fund_participants(project: Project) -> dict[int, Decimal]:
    """Period id -> participants reached of the project fund's reported and closed actions that took place
    in that period."""
    day = func.coalesce(FundAction.executed_on, FundAction.end_date)
    rows = db.session.execute(
        select(ReportingPeriod.id, func.coalesce(func.sum(FundAction.participants_reached), 0))
        .join(FundAction, (FundAction.project_id == ReportingPeriod.project_id)
              & (day >= ReportingPeriod.start_date) & (day <= ReportingPeriod.end_date))
        .where(ReportingPeriod.project_id == project.id, FundAction.status.in_(FUND_COUNTED))
        .group_by(ReportingPeriod.id))
    return {period_id: Decimal(int(total)).quantize(Decimal("0.01")) for period_id, total in rows}


def _behind(periods: tuple[PeriodProgress, ...], years: tuple[YearProgress, ...], on) -> bool | None:
    """Behind target: at the last ended period with figures (achieved or waiting for a decision), less was
    achieved than the cumulative target of the periods so far, or a year up to that period fell short of its
    year target. None: nothing reported yet, or no target that has come due."""
    reported = [p for p in periods if p.end < on and (p.achieved or p.pending)]
    if not reported:
        return None
    last = reported[-1]
    due_years = [y for y in years if y.year < last.end.year or (y.year == last.end.year and (last.end.month,
                                                                                            last.end.day) == (12, 31))]
    if last.cumulative_target is None and not due_years:
        return None
    short = last.cumulative_target is not None and last.cumulative < last.cumulative_target
    return short or any(y.achieved < y.target for y in due_years)


def indicator_progress(indicator: Indicator, periods: list[ReportingPeriod], accepted: dict, pending: dict,
                       fund: dict[int, Decimal] | None, on=None) -> IndicatorProgress:
    on = on or today()
    by_period_target = {t.period_id: t.value for t in indicator.targets if t.period_id is not None}
    has_period_targets = bool(by_period_target)
    rows, cumulative, cumulative_target = [], ZERO, ZERO
    for p in periods:
        achieved = (fund or {}).get(p.id, ZERO) if indicator.source is IndicatorSource.FUND_PARTICIPANTS \
            else accepted.get((indicator.id, p.id), ZERO)
        cumulative += achieved
        target = by_period_target.get(p.id)
        cumulative_target += target or ZERO
        rows.append(PeriodProgress(p.number, p.start_date, p.end_date, target, achieved, cumulative,
                                   cumulative_target if has_period_targets else None,
                                   pending.get((indicator.id, p.id), ZERO)))
    per_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        per_year[row.end.year] += row.achieved
    years = tuple(YearProgress(t.year, t.value, per_year.get(t.year, ZERO))
                  for t in sorted((t for t in indicator.targets if t.year is not None), key=lambda t: t.year))
    periods_t = tuple(rows)
    return IndicatorProgress(
        indicator.id, indicator.code, indicator.name, indicator.kind.value, indicator.source.value, indicator.unit,
        indicator.baseline, indicator.target,
        tuple(a.partner.label for a in sorted(indicator.assignments, key=lambda a: a.partner.number)),
        periods_t, years, cumulative, _behind(periods_t, years, on))


def progress(user: User, project: Project) -> list[IndicatorProgress]:
    """The progress of the indicators the user may see (a partner user: those assigned to its partner; the
    figures are the project's, as the budget's project totals are)."""
    indicators = visible_indicators(user, project)
    return progress_of(project, indicators)


def progress_of(project: Project, indicators: list[Indicator]) -> list[IndicatorProgress]:
    ids = [i.id for i in indicators]
    accepted, pending = reported_sums(ids, ReportStatus.ACCEPTED), reported_sums(ids, ReportStatus.SUBMITTED)
    fund = fund_participants(project) if any(i.source is IndicatorSource.FUND_PARTICIPANTS for i in indicators) \
        else None
    periods = periods_of(project)
    return [indicator_progress(i, periods, accepted, pending, fund) for i in indicators]


def progress_report(user: User | None, project: Project, header: Header) -> ProgressReport:
    """The progress report's data for this user (None: the operator, who sees all)."""
    indicators = visible_indicators(user, project) if user is not None else list(db.session.scalars(
        select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.code)))
    note = "" if user is None or sees_all_partners(user, project) else _(
        "The indicators your organisation reports on; the figures are those of the whole project.")
    return ProgressReport(header, tuple(progress_of(project, indicators)), note)

