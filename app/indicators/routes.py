"""A project's indicators: progress with charts and tables, the progress report, defining indicators (admins
and finance officers), partners reporting achieved values, finance officers accepting or returning them."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import FileStorage

from reports.indicators import progress_chart
from reports.statements import MIMETYPES

from ..auth.routes import current_actor
from ..errors import NotFound
from ..extensions import db
from ..guards import db_id_or_none
from ..i18n import current_language
from ..i18n import gettext as _
from ..models import Partner
from ..permissions import can_manage_indicators, can_report_indicator, can_see_indicators, project_or_404, require
from ..services.indicators import files, progress, reporting
from ..services.indicators import setup as svc
from ..views import commit_or_explain, form_problem
from .forms import AssignForm, DecisionForm, IndicatorEditForm, IndicatorForm, ReportForm, TargetForm

bp = Blueprint("indicators", __name__, url_prefix="/projects")


def _project(code):
    project = project_or_404(current_user, code)
    require(can_see_indicators(current_user, project))
    return project


def charted(items):
    """(progress, its SVG chart) pairs; the chart's texts are escaped by its builder."""
    lang = current_language()
    # the chart escapes its texts itself (reports/indicators/svg.py)
    return [(p, Markup(progress_chart(p, lang))) for p in items]  # nosec B704


@bp.get("/<code>/indicators")
@login_required
def index(code):
    project = _project(code)
    return render_template("indicators/index.html", project=project,
                           items=charted(progress.progress(current_user, project)), form=IndicatorForm())


@bp.post("/<code>/indicators")
@login_required
def create(code):
    project = _project(code)
    form = IndicatorForm()
    if form_problem(form):
        return redirect(url_for("indicators.index", code=code))
    ok, indicator = commit_or_explain(lambda: svc.create_indicator(
        current_actor(), current_user, project, form.code.data, form.name.data, form.kind.data, form.unit.data,
        form.baseline.data, form.target.data, form.source.data), _("The indicator has been added."))
    return redirect(url_for("indicators.show", code=code, indicator_id=indicator.id) if ok
                    else url_for("indicators.index", code=code))


def _forms(project, indicator):
    periods = progress.periods_of(project)
    target_form = TargetForm()
    years = sorted({project.start_date.year + i for i in range(project.end_date.year - project.start_date.year + 1)})
    target_form.period_id.choices = [(f"p{p.id}", f"{p.label} ({p.start_date:%m/%Y}–{p.end_date:%m/%Y})")
                                     for p in periods] + [(f"y{y}", str(y)) for y in years]
    assign_form = AssignForm()
    partners = db.session.scalars(db.select(Partner).where(Partner.project_id == project.id)
                                  .order_by(Partner.number)).all()
    assign_form.partner_id.choices = [(str(p.id), p.label) for p in partners]
    report_form = ReportForm()
    reportable = [a.partner for a in indicator.assignments if can_report_indicator(current_user, indicator, a.partner)]
    report_form.partner_id.choices = [(str(p.id), p.label) for p in sorted(reportable, key=lambda p: p.number)]
    report_form.period_id.choices = [(str(p.id), f"{p.label} ({p.start_date:%m/%Y}–{p.end_date:%m/%Y})")
                                     for p in periods]
    return target_form, assign_form, report_form, reportable


@bp.get("/<code>/indicators/<int:indicator_id>")
@login_required
def show(code, indicator_id):
    project = _project(code)
    indicator = reporting.visible_indicator_or_404(current_user, project, indicator_id)
    target_form, assign_form, report_form, reportable = _forms(project, indicator)
    item = charted(progress.progress_of(project, [indicator]))[0]
    return render_template("indicators/show.html", project=project, indicator=indicator, item=item,
                           reports=reporting.reports_of(current_user, project, indicator), target_form=target_form,
                           assign_form=assign_form, report_form=report_form, reportable=reportable,
                           decision_form=DecisionForm(), can_manage=can_manage_indicators(current_user, project),
                           edit_form=IndicatorEditForm(obj=indicator))


def _back(code, indicator_id, anchor=""):
    return redirect(url_for("indicators.show", code=code, indicator_id=indicator_id) + anchor)


@bp.post("/<code>/indicators/<int:indicator_id>/edit")
@login_required
def edit(code, indicator_id):
    project = _project(code)
    indicator = reporting.visible_indicator_or_404(current_user, project, indicator_id)
    form = IndicatorEditForm()
    if not form_problem(form):
        commit_or_explain(lambda: svc.update_indicator(current_actor(), current_user, indicator, form.name.data,
                                                       form.unit.data, form.baseline.data, form.target.data),
                          lambda changed: _("The indicator has been changed; the values reported on it stay as they "
                                            "are.") if changed else _("Nothing changed: the indicator already reads "
                                                                       "so."))
    return _back(code, indicator_id, "#edit")


@bp.post("/<code>/indicators/<int:indicator_id>/targets")
@login_required
def set_target(code, indicator_id):
    project = _project(code)
    indicator = reporting.visible_indicator_or_404(current_user, project, indicator_id)
    form = TargetForm()
    choice = request.form.get("period_id", "")
    period_id = db_id_or_none(choice[1:]) if choice.startswith("p") else None
    digits = choice[1:]
    year = int(digits) if choice.startswith("y") and digits.isascii() and digits.isdigit() and len(digits) == 4 \
        else None
    if form_problem(form):
        return _back(code, indicator_id, "#targets")
    if period_id is None and year is None:
        flash(_("Choose a reporting period or a year."), "error")
    else:
        commit_or_explain(lambda: svc.set_target(current_actor(), current_user, indicator, form.value.data,
                                                 period_id=period_id, year=year), _("The target has been set."))
    return _back(code, indicator_id, "#targets")


@bp.post("/<code>/indicators/<int:indicator_id>/assignments")
@login_required
def assign(code, indicator_id):
    project = _project(code)
    indicator = reporting.visible_indicator_or_404(current_user, project, indicator_id)
    form = AssignForm()
    partner = db.session.get(Partner, db_id_or_none(form.partner_id.data) or 0)
    if not form.validate_on_submit():
        flash(_("The form had expired; please send it again."), "error")
    elif partner is None or partner.project_id != project.id:
        flash(_("Choose a partner of %(project)s.", project=project.code), "error")
    else:
        commit_or_explain(lambda: svc.assign(current_actor(), current_user, indicator, partner),
                          _("%(partner)s now reports on this indicator.", partner=partner.label))
    return _back(code, indicator_id, "#assignments")


@bp.post("/<code>/indicators/<int:indicator_id>/assignments/<int:partner_id>/remove")
@login_required
def unassign(code, indicator_id, partner_id):
    project = _project(code)
    indicator = reporting.visible_indicator_or_404(current_user, project, indicator_id)
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.project_id != project.id:
        raise NotFound()
    if not DecisionForm().validate_on_submit():
        flash(_("The form had expired; please send it again."), "error")
    else:
        commit_or_explain(lambda: svc.unassign(current_actor(), current_user, indicator, partner),
                          _("%(partner)s no longer reports on this indicator; what it reported stays.",
                            partner=partner.label))
    return _back(code, indicator_id, "#assignments")


@bp.post("/<code>/indicators/<int:indicator_id>/reports")
@login_required
def report(code, indicator_id):
    project = _project(code)
    indicator = reporting.visible_indicator_or_404(current_user, project, indicator_id)
    form = ReportForm()
    partner = db.session.get(Partner, db_id_or_none(form.partner_id.data) or 0)
    if form_problem(form):
        return _back(code, indicator_id, "#report")
    if partner is None or partner.project_id != project.id:
        raise NotFound()
    uploads = [f for f in (form.files.data or []) if isinstance(f, FileStorage) and f]
    commit_or_explain(lambda: reporting.submit(current_actor(), current_user, indicator, partner,
                                               db_id_or_none(form.period_id.data), form.value.data,
                                               form.explanation.data or "", uploads),
                      _("Your report has been sent; a finance officer accepts or returns it."))
    return _back(code, indicator_id, "#reports")


@bp.post("/<code>/indicators/reports/<int:report_id>/<any(accept, return):decision>")
@login_required
def decide(code, report_id, decision):
    project = _project(code)
    report_ = reporting.report_or_404(current_user, project, report_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; please send it again."), "error")
    elif decision == "accept":
        commit_or_explain(lambda: reporting.accept(current_actor(), current_user, report_, form.note.data or ""),
                          _("The report has been accepted."))
    else:
        commit_or_explain(lambda: reporting.return_report(current_actor(), current_user, report_,
                                                          form.note.data or ""), _("The report has been returned."))
    return _back(code, report_.indicator_id, "#reports")


@bp.get("/<code>/indicators/reports/<int:report_id>/evidence/<int:link_id>")
@login_required
def evidence(code, report_id, link_id):
    project = _project(code)
    report_ = reporting.report_or_404(current_user, project, report_id)
    path, content_type, name = reporting.evidence(current_actor(), current_user, project, report_, link_id)
    db.session.commit()
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=name)
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/<code>/indicators/progress.<any(xlsx, pdf):fmt>")
@login_required
def progress_report(code, fmt):
    project = _project(code)
    lang = request.args.get("lang") or current_language()
    if lang not in ("nl", "en"):
        lang = current_language()
    name, content = files.make(current_actor(), current_user, project, fmt, lang,
                               f"{current_user.full_name} ({current_user.email})")
    db.session.commit()
    response = send_file(io.BytesIO(content), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
