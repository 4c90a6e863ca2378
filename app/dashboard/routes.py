"""The dashboard at ``/`` for a signed-in user: per project (``?project=CODE``, else the first), what waits
for each of the user's roles there, with charts drawn on the server (app/charts.py). The anonymous start page
stays at ``/`` for visitors who are not signed in (app/fund/public.py)."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template, request, session
from flask_login import current_user, login_required
from markupsafe import Markup

from reports.indicators.data import IndicatorProgress

from .. import charts, formatting
from ..i18n import gettext as _
from ..services import dashboard as service
from ..services import setup
from ..services.dashboard.figures import Amounts

bp = Blueprint("dashboard", __name__)


def _tick(value: Decimal) -> str:
    return formatting.number(value)


def _series(rows: list[Amounts], measures: tuple[str, ...]) -> list[charts.Series]:
    names = {"budget": _("Budget"), "declared": _("Declared"), "certified": _("Certified"), "paid": _("Paid")}
    return [charts.Series(names[m], [getattr(r, m) for r in rows]) for m in measures]


def chart_set(board: service.Dashboard) -> dict[str, Markup]:
    """The dashboard's charts: per partner (finance officers, auditors and admins: every partner), per cost
    category, and absorption over the reporting periods."""
    measures = ("budget", "declared", "certified", "paid")
    found = {}
    if board.sees_all:
        rows = [board.figures.by_partner.get(p.id, Amounts()) for p in board.partners]
        found["partners"] = charts.bar_chart(
            "chart-partners", _("Budget, declared, certified and paid per partner"),
            _("Horizontal bars in euros, four per partner; the table below gives the figures."),
            [p.label for p in board.partners], _series(rows, measures), _tick)
    rows = [board.figures.by_category.get(c.id, Amounts()) for c in board.categories]
    found["categories"] = charts.bar_chart(
        "chart-categories", _("Budget, declared, certified and paid per cost category"),
        _("Horizontal bars in euros, four per cost category; the table below gives the figures."),
        [c.label for c in board.categories], _series(rows, measures), _tick)
    found["over_time"] = charts.line_chart(
        "chart-over-time", _("Absorption over time"),
        _("Running totals per reporting period in euros: budget, declared and certified; the table below gives "
          "the figures."),
        [str(c.number) for c in board.over_time],
        [charts.Series(_("Budget"), [c.budget for c in board.over_time]),
         charts.Series(_("Declared"), [c.declared for c in board.over_time]),
         charts.Series(_("Certified"), [c.certified for c in board.over_time])], _tick, axis=_("Reporting period"))
    return found


def indicator_charts(board: service.Dashboard) -> list[tuple[IndicatorProgress, Markup]]:
    """Per indicator the user may see, a line chart over the reporting periods: the target (cumulative per
    period when targets per period were set, else the total), what was achieved in each period and the
    cumulative achievement, up to the last period with figures. The table next to it gives the numbers."""
    found = []
    for p in board.indicators:
        labels = [str(row.number) for row in p.periods]
        last = max((k for k, row in enumerate(p.periods) if row.achieved or row.pending), default=-1)
        shown = p.periods[:last + 1]
        if any(row.cumulative_target is not None for row in p.periods):
            target = charts.Series(_("Cumulative target"), [row.cumulative_target or Decimal(0) for row in p.periods])
        else:
            target = charts.Series(_("Target"), [p.target for _row in p.periods])
        series = [target, charts.Series(_("Achieved in the period"), [row.achieved for row in shown]),
                  charts.Series(_("Cumulative"), [row.cumulative for row in shown])]
        found.append((p, charts.line_chart(
            f"chart-indicator-{p.indicator_id}", _("%(code)s %(name)s: achieved against the target",
                                                   code=p.code, name=p.name),
            _("Lines per reporting period in %(unit)s: the target, what was achieved in the period and "
              "cumulatively; the table below gives the figures.", unit=p.unit),
            labels, series, formatting.quantity, axis=_("Reporting period"))))
    return found


@bp.app_template_filter("dashboard_row")
def dashboard_row(item, by: dict) -> tuple[str, Amounts]:
    """A partner or cost category with its amounts, for a chart's table."""
    return item.label, by.get(item.id, Amounts())


@bp.app_template_filter("dashboard_period_row")
def dashboard_period_row(row) -> tuple[str, object]:
    return row.label, row


PROJECT_KEY = "dashboard_project"


def _first_joined(projects):
    """Without a choice: the project the user was given a role in first (their own, before others were added)."""
    if not projects:
        return None
    joined = {}
    for m in current_user.memberships:
        joined[m.project_id] = min(joined.get(m.project_id, m.id), m.id)
    return min((p for p, _roles in projects), key=lambda p: joined.get(p.id, 0))


@login_required
def page():
    """Served at ``/`` (the app's ``index``) for a signed-in user."""
    projects = setup.projects_of(current_user)
    code = request.args.get("project") or session.get(PROJECT_KEY, "")
    first = _first_joined(projects)  # (always asked: the same statements on every request)
    project = next((p for p, _roles in projects if p.code == code), None) or first
    if project is not None:
        session[PROJECT_KEY] = project.code  # the project chosen last, until another is chosen
    board = service.dashboard(current_user, project) if project else None
    return render_template("dashboard/index.html", projects=projects, project=project, board=board,
                           charts=chart_set(board) if board else {},
                           indicator_charts=indicator_charts(board) if board else [])
