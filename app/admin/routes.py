"""Administration of projects: the project, its periods, partners, flat rates and roles. Administrators
change; finance officers and auditors read (no forms); partner users get 404."""
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from ..auth.routes import current_actor
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import CategoryKind, Partner, Project, ReportingPeriod, Role
from ..permissions import (
    can_administer,
    can_create_project,
    can_see_administration,
    require,
    require_administration,
)
from ..services import budget, setup
from ..services.admin import memberships, partners, projects, versions
from ..views import commit_or_explain
from .forms import FlatRateForm, NewProjectForm, PartnerForm, PeriodForm, ProjectForm, RevokeForm, RoleForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

ORG_TYPE_LABELS = {
    "higher_education": _l("Higher education"), "education": _l("School or training centre"),
    "public_authority": _l("Public authority"), "business_support": _l("Business support organisation"),
    "enterprise": _l("Enterprise"), "association": _l("Association or foundation"), "other": _l("Other"),
}


def project_or_404(code: str) -> Project:
    return require_administration(current_user, db.session.scalar(select(Project).where(Project.code == code)))


def require_admin_of(project: Project) -> None:
    require(can_administer(current_user, project), _("Only an administrator of the project changes its set-up."))


def partner_of(project: Project, partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.project_id != project.id:
        abort(404)
    return partner


def _edit(form) -> projects.ProjectEdit:
    return projects.ProjectEdit(form.code.data, form.name.data, form.programme_code.data, form.programme_name.data,
                                form.start_date.data, form.end_date.data, form.eligibility_start.data,
                                form.eligibility_end.data, bool(form.efro_per_partner.data))


def _status():
    return 422 if request.method == "POST" else 200


@bp.get("")
@login_required
def index():
    seen = [(p, labels) for p, labels in setup.projects_of(current_user) if can_see_administration(current_user, p)]
    return render_template("admin/index.html", projects=seen, can_create=can_create_project(current_user))


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new_project():
    require(can_create_project(current_user), _("Only an administrator sets up a project."))
    form = NewProjectForm()
    if form.validate_on_submit():
        ok, project = commit_or_explain(lambda: projects.create_project(
            current_actor(), current_user, _edit(form), form.cofinancing_rate.data, form.efro_ceiling.data,
            form.flexibility_rate.data if form.flexibility_rate.data is not None else Decimal("10")),
            _("The project has been created."))
        if ok:
            return redirect(url_for("admin.project", code=project.code))
    return render_template("admin/project_form.html", form=form, project=None), _status()


@bp.get("/projects/<code>")
@login_required
def project(code):
    project = project_or_404(code)
    partners_ = list(db.session.scalars(select(Partner).where(Partner.project_id == project.id)
                                        .order_by(Partner.number)))
    period_form = PeriodForm()
    return render_template(
        "admin/project.html", project=project, partners=partners_, periods=budget.periods_of(project),
        roles=memberships.roles_of(project), versions=versions.versions_of(project),
        ceilings=projects.partner_ceilings(project) if project.efro_per_partner else [],
        can_admin=can_administer(current_user, project), started=budget.has_started(project),
        period_form=period_form, revoke_form=RevokeForm(), org_types=ORG_TYPE_LABELS)


@bp.route("/projects/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_project(code):
    project = project_or_404(code)
    require_admin_of(project)
    form = ProjectForm(obj=project)
    if request.method == "GET":
        form.programme_code.data, form.programme_name.data = project.programme.code, project.programme.name
    if form.validate_on_submit():
        ok, _p = commit_or_explain(lambda: projects.update_project(current_actor(), current_user, project, _edit(form)),
                                   _("The project has been changed."))
        if ok:
            return redirect(url_for("admin.project", code=project.code))
    return render_template("admin/project_form.html", form=form, project=project), _status()


@bp.post("/projects/<code>/periods")
@login_required
def add_period(code):
    project = project_or_404(code)
    require_admin_of(project)
    form = PeriodForm()
    if form.validate_on_submit():
        commit_or_explain(lambda: projects.add_period(current_actor(), current_user, project, form.start_date.data,
                                                      form.end_date.data), _("The period has been added."))
    else:
        flash(_("Give the period's first and last day."), "error")
    return redirect(url_for("admin.project", code=project.code) + "#periods")


@bp.route("/projects/<code>/periods/<int:period_id>", methods=["GET", "POST"])
@login_required
def edit_period(code, period_id):
    project = project_or_404(code)
    require_admin_of(project)
    period = db.session.get(ReportingPeriod, period_id)
    if period is None or period.project_id != project.id:
        abort(404)
    form = PeriodForm(obj=period)
    if form.validate_on_submit():
        ok, _p = commit_or_explain(lambda: projects.update_period(current_actor(), current_user, period,
                                                                  form.start_date.data, form.end_date.data),
                                   _("The period has been changed."))
        if ok:
            return redirect(url_for("admin.project", code=project.code) + "#periods")
    return render_template("admin/period_form.html", project=project, period=period, form=form), _status()


def _partner_form(form: PartnerForm) -> PartnerForm:
    form.org_type.choices = [SelectChoice("", "—")] + [SelectChoice(k, str(v)) for k, v in ORG_TYPE_LABELS.items()]
    return form


def _partner_data(form: PartnerForm) -> setup.PartnerData:
    return setup.PartnerData(form.organisation.data, form.country.data, form.city.data or None, lead=form.lead.data,
                             vat_recoverable=form.vat_recoverable.data, org_type=form.org_type.data or None,
                             contact_name=form.contact_name.data, contact_email=form.contact_email.data)


@bp.route("/projects/<code>/partners/new", methods=["GET", "POST"])
@login_required
def new_partner(code):
    project = project_or_404(code)
    require_admin_of(project)
    form = _partner_form(PartnerForm())
    if form.validate_on_submit():
        ok, partner = commit_or_explain(lambda: partners.add_partner(current_actor(), current_user, project,
                                                                     _partner_data(form)),
                                        _("The partner has been added."))
        if ok:
            return redirect(url_for("admin.partner", code=project.code, partner_id=partner.id))
    return render_template("admin/partner_form.html", project=project, partner=None, form=form), _status()


@bp.route("/projects/<code>/partners/<int:partner_id>", methods=["GET", "POST"])
@login_required
def partner(code, partner_id):
    project = project_or_404(code)
    partner = partner_of(project, partner_id)
    can_admin = can_administer(current_user, project)
    form = _partner_form(PartnerForm(obj=partner))
    if request.method == "GET":
        form.organisation.data, form.city.data = partner.organisation.name, partner.organisation.city
        form.lead.data = partner.is_lead
    if request.method == "POST":
        require_admin_of(project)
        if form.validate_on_submit():
            ok, _p = commit_or_explain(lambda: partners.update_partner(current_actor(), current_user, partner,
                                                                       _partner_data(form)),
                                       _("The partner has been changed."))
            if ok:
                return redirect(url_for("admin.partner", code=project.code, partner_id=partner.id))
    rates = {fr.category.kind: fr.rate for fr in partner.flat_rates}
    flat_form = FlatRateForm(office=rates.get(CategoryKind.OFFICE), travel=rates.get(CategoryKind.TRAVEL),
                             staff=rates.get(CategoryKind.STAFF), formdata=None)
    return render_template("admin/partner.html", project=project, partner=partner, form=form, flat_form=flat_form,
                           pb=budget.partner_budget(partner), can_admin=can_admin, org_types=ORG_TYPE_LABELS,
                           started=budget.has_started(project)), _status()


@bp.post("/projects/<code>/partners/<int:partner_id>/flat-rates")
@login_required
def flat_rates(code, partner_id):
    project = project_or_404(code)
    partner = partner_of(project, partner_id)
    require_admin_of(project)
    form = FlatRateForm()
    if form.validate_on_submit():
        commit_or_explain(lambda: partners.set_flat_rates(current_actor(), current_user, partner, {
            CategoryKind.OFFICE: form.office.data, CategoryKind.TRAVEL: form.travel.data,
            CategoryKind.STAFF: form.staff.data}), _("The flat rates have been saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("admin.partner", code=project.code, partner_id=partner.id) + "#flat-rates")


@bp.route("/projects/<code>/roles", methods=["GET", "POST"])
@login_required
def roles(code):
    project = project_or_404(code)
    can_admin = can_administer(current_user, project)
    form = RoleForm()
    form.role.choices = [SelectChoice(r.value, r.label) for r in Role]
    form.partner_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(p.id), p.label) for p in db.session.scalars(
        select(Partner).where(Partner.project_id == project.id).order_by(Partner.number))]
    if request.method == "POST":
        require_admin_of(project)
        if form.validate_on_submit():
            partner = db.session.get(Partner, int(form.partner_id.data)) if form.partner_id.data else None
            ok, _m = commit_or_explain(lambda: memberships.grant_role(
                current_actor(), current_user, project, form.email.data, Role(form.role.data), partner),
                _("The role has been given."))
            if ok:
                return redirect(url_for("admin.roles", code=project.code))
    return render_template("admin/roles.html", project=project, form=form, revoke_form=RevokeForm(),
                           roles=memberships.roles_of(project), can_admin=can_admin), _status()


@bp.post("/projects/<code>/roles/<int:membership_id>/remove")
@login_required
def revoke(code, membership_id):
    project = project_or_404(code)
    require_admin_of(project)
    if RevokeForm().validate_on_submit():
        commit_or_explain(lambda: memberships.revoke_role(current_actor(), current_user, project, membership_id),
                          _("The role has been removed."))
    return redirect(url_for("admin.roles", code=project.code))

