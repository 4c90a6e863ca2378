"""A partner's budget in the administration (form and XLSX upload; after the start as a project
modification), and the budget versions of a project with the differences between two of them."""
import re

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.routes import current_actor
from ..extensions import db
from ..i18n import gettext as _
from ..models import BudgetVersion, Partner
from ..money import MoneyError, parse_money
from ..permissions import can_administer
from ..services import budget
from ..services.admin import budgets, versions
from ..services.imports import XLSX_MIMETYPE, ImportRejected
from ..views import commit_or_explain
from .forms import BudgetForm, BudgetUploadForm
from .routes import bp, partner_of, project_or_404, require_admin_of

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _cells_from_form(pb) -> tuple[dict, dict]:
    """The grid's amounts (cell name c<category>_p<period>; an empty cell is zero, a cell not sent is left
    as it is); the cells that cannot be read, with why."""
    cells, errors = {}, {}
    for c in pb.categories:
        for p in pb.periods:
            name = f"c{c.id}_p{p.id}"
            if name not in request.form:
                continue  # a cell not sent keeps its amount; an empty one is zero
            raw = request.form[name]
            try:
                cells[(c.id, p.id)] = parse_money(raw) if raw.strip() else budget.ZERO
            except MoneyError as error:
                errors[name] = str(error)
    return cells, errors


def _page(project, partner, form, upload_form, status=200, cell_errors=None, rejected=None):
    pb = budget.partner_budget(partner)
    modification = budget.has_started(project) and pb.figures.total > 0  # a change, not the first budget
    return render_template("admin/budget.html", project=project, partner=partner, pb=pb,
                           form=form, upload_form=upload_form, started=modification,
                           can_admin=can_administer(current_user, project), cell_errors=cell_errors or {},
                           entered=request.form if request.method == "POST" else None, rejected=rejected), status


def _done(project, partner, version):
    if version is not None:
        return redirect(url_for("admin.version", code=project.code, number=version.number))
    return redirect(url_for("admin.partner", code=project.code, partner_id=partner.id))


@bp.route("/projects/<code>/partners/<int:partner_id>/budget", methods=["GET", "POST"])
@login_required
def partner_budget(code, partner_id):
    project = project_or_404(code)
    partner = partner_of(project, partner_id)
    form, upload_form = BudgetForm(), BudgetUploadForm(formdata=None)
    if request.method == "POST":
        require_admin_of(project)
        pb = budget.partner_budget(partner)
        cells, errors = _cells_from_form(pb)
        if errors or not form.validate_on_submit():
            return _page(project, partner, form, upload_form, 422, errors)
        ok, version = commit_or_explain(lambda: budgets.set_partner_budget(
            current_actor(), current_user, partner, cells, form.reason.data, form.approved_on.data),
            _("The budget has been saved."))
        if ok:
            return _done(project, partner, version)
        return _page(project, partner, form, upload_form, 422)
    return _page(project, partner, form, upload_form)


@bp.post("/projects/<code>/partners/<int:partner_id>/budget/upload")
@login_required
def upload_budget(code, partner_id):
    project = project_or_404(code)
    partner = partner_of(project, partner_id)
    require_admin_of(project)
    form, upload_form = BudgetForm(formdata=None), BudgetUploadForm()
    if not upload_form.validate_on_submit() or not upload_form.file.data:
        upload_form.file.errors = list(upload_form.file.errors) + [_("Choose the budget table (.xlsx).")]
        return _page(project, partner, form, upload_form, 422)
    data = upload_form.file.data.read(MAX_UPLOAD_BYTES + 1)
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise ImportRejected(_("The file is larger than 5 MB; a budget table is much smaller."))
        cells = budgets.read_budget_table(partner, upload_form.file.data.filename or "", data)
    except ImportRejected as error:
        db.session.rollback()
        return _page(project, partner, form, upload_form, 422, rejected=error)
    ok, version = commit_or_explain(lambda: budgets.set_partner_budget(
        current_actor(), current_user, partner, cells, upload_form.reason.data, upload_form.approved_on.data),
        _("The budget table has been imported (total %(total)s).", total=budgets.describe_total(cells)))
    if ok:
        return _done(project, partner, version)
    return _page(project, partner, form, upload_form, 422)


@bp.get("/projects/<code>/partners/<int:partner_id>/budget-template.xlsx")
@login_required
def budget_template(code, partner_id):
    project = project_or_404(code)
    partner = partner_of(project, partner_id)
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", f"{project.code}-PP{partner.number}")
    return Response(budgets.template_xlsx(partner), mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="budget-{safe}.xlsx"', "Cache-Control": "no-store"})


def _version(project, number: int) -> BudgetVersion:
    found = db.session.scalar(select(BudgetVersion).where(BudgetVersion.project_id == project.id,
                                                          BudgetVersion.number == number))
    if found is None:
        abort(404)
    return found


def _names(project):
    partners = {p.id: p for p in db.session.scalars(select(Partner).where(Partner.project_id == project.id))}
    return partners, {c.id: c for c in budget.categories_of(project)}, {p.id: p for p in budget.periods_of(project)}


@bp.get("/projects/<code>/versions/<int:number>")
@login_required
def version(code, number):
    project = project_or_404(code)
    view = versions.version_view(_version(project, number))
    partners, categories, periods = _names(project)
    all_versions = versions.versions_of(project)
    return render_template("admin/version.html", project=project, view=view, partners=sorted(
        partners.values(), key=lambda p: p.number), categories=categories, periods=periods, versions=all_versions)


@bp.get("/projects/<code>/versions/<int:old>/diff/<int:new>")
@login_required
def version_diff(code, old, new):
    project = project_or_404(code)
    a, b = versions.version_view(_version(project, old)), versions.version_view(_version(project, new))
    partners, categories, periods = _names(project)
    return render_template("admin/diff.html", project=project, a=a, b=b, diff=versions.diff(a, b),
                           partners=partners, categories=categories, periods=periods,
                           partner_ids=sorted(set(a.by_partner) | set(b.by_partner) | set(a.efro) | set(b.efro),
                                              key=lambda i: partners[i].number))
