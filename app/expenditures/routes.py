from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import formatting
from ..auth.routes import current_actor
from ..errors import DomainError
from ..extensions import db
from ..guards import db_id
from ..i18n import gettext as _
from ..models import Expenditure, ExpenditureStatus, Partner, Project
from ..permissions import can_register_for, project_or_404, require
from ..services import budget
from ..services import expenditures as svc
from ..views import commit_or_explain, position_args
from .forms import CorrectionForm, ExpenditureForm, WithdrawForm

bp = Blueprint("expenditures", __name__, url_prefix="/projects")


def expenditure_or_404(project: Project, expenditure_id: int) -> Expenditure:
    return svc.expenditure_or_404(current_user, project, expenditure_id)


def registrable_partners(project: Project) -> list[Partner]:
    return [p for p in budget.partners_of(current_user, project) if can_register_for(current_user, p)]


@bp.get("/<code>/expenditures")
@login_required
def index(code):
    project = project_or_404(current_user, code)
    partners = budget.partners_of(current_user, project)
    listing = svc.expenditure_list(current_user, project, request.args.get("partner", type=db_id),
                                   request.args.get("status", "active"), partners, request.args.get("sort", "paid"),
                                   **position_args())
    return render_template("expenditures/index.html", project=project, listing=listing, partners=partners,
                           can_register=bool(registrable_partners(project)))


def _fill_choices(form: ExpenditureForm, project: Project, partners: list[Partner]) -> None:
    form.partner_id.choices = [(p.id, p.label) for p in partners]
    form.category_id.choices = [(c.id, c.label) for c in budget.categories_of(project)]
    form.period_id.choices = [(p.id, f"{p.label} ({formatting.date_range(p.start_date, p.end_date)})")
                              for p in budget.periods_of(project)]


def _save(form: ExpenditureForm, action):
    """Run the create or update service with the form's data: commit and return the expenditure, or roll
    back, show each rule's message at its field (or at the top) and return None."""
    try:
        exp = action(svc.ExpenditureData(**{f: getattr(form, f).data for f in svc.FIELDS}))
    except svc.InvalidExpenditure as error:
        db.session.rollback()
        for field, message in error.errors:
            form[field].errors = [*form[field].errors, message]
        flash(_("The expenditure has not been saved: correct the marked fields."), "error")
        return None
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
    db.session.commit()
    warning = svc.budget_warning(exp.partner, exp.category_id, svc.ProjectLookups(exp.partner.project))
    if warning:
        flash(warning, "warning")
    return exp


@bp.route("/<code>/expenditures/new", methods=["GET", "POST"])
@login_required
def create(code):
    project = project_or_404(current_user, code)
    partners = registrable_partners(project)
    require(bool(partners), _("Only a partner or a finance officer registers expenditures."))
    form = ExpenditureForm()
    _fill_choices(form, project, partners)
    if request.method == "GET":
        form.partner_id.data = request.args.get("partner", type=db_id) or partners[0].id
        chosen = next((p for p in partners if p.id == form.partner_id.data), partners[0])
        form.vat_recoverable.data = chosen.vat_recoverable
    if form.validate_on_submit():
        partner = next(p for p in partners if p.id == form.partner_id.data)
        exp = _save(form, lambda data: svc.create(current_actor(), current_user, partner, data))
        if exp is not None:
            flash(_("Expenditure #%(id)s registered. Now add the evidence.", id=exp.id), "success")
            return redirect(url_for("expenditures.detail", code=code, expenditure_id=exp.id))
    return render_template("expenditures/form.html", project=project, form=form, exp=None), \
        422 if request.method == "POST" else 200


@bp.get("/<code>/expenditures/<int:expenditure_id>")
@login_required
def detail(code, expenditure_id):
    project = project_or_404(current_user, code)
    exp = expenditure_or_404(project, expenditure_id)
    withdraw_form, correction_form = WithdrawForm(), CorrectionForm()
    correction_form.period_id.choices = [(p.id, p.label) for p in budget.periods_of(project)]
    return render_template("expenditures/detail.html", project=project, exp=exp,
                           page=svc.expenditure_page(current_user, exp), withdraw_form=withdraw_form,
                           correction_form=correction_form)


def _why_unchangeable(exp: Expenditure) -> str | None:
    """Why the expenditure's form is closed, or None."""
    frozen = svc.locking_claim(exp)
    if frozen is not None:
        return _("This expenditure can no longer be changed: it is in claim #%(id)s, which is %(status)s. Enter a "
                 "correction line.", id=frozen.id, status=frozen.status.label)
    if exp.status is ExpenditureStatus.WITHDRAWN:
        return _("This expenditure can no longer be changed: it is withdrawn.")
    if exp.corrects_id is not None:
        return _("This expenditure can no longer be changed: a correction line is withdrawn and entered again.")
    return None


@bp.route("/<code>/expenditures/<int:expenditure_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code, expenditure_id):
    project = project_or_404(current_user, code)
    exp = expenditure_or_404(project, expenditure_id)
    require(can_register_for(current_user, exp.partner), _("Only the partner or a finance officer changes an "
                                                           "expenditure."))
    problem = _why_unchangeable(exp)
    if problem:
        flash(problem, "error")
        return redirect(url_for("expenditures.detail", code=code, expenditure_id=exp.id))
    form = ExpenditureForm(obj=exp)
    _fill_choices(form, project, [exp.partner])
    if form.validate_on_submit():
        if _save(form, lambda data: svc.update(current_actor(), current_user, exp, data)) is not None:
            flash(_("The expenditure has been changed."), "success")
            return redirect(url_for("expenditures.detail", code=code, expenditure_id=exp.id))
    return render_template("expenditures/form.html", project=project, form=form, exp=exp), \
        422 if request.method == "POST" else 200


@bp.post("/<code>/expenditures/<int:expenditure_id>/withdraw")
@login_required
def withdraw(code, expenditure_id):
    project = project_or_404(current_user, code)
    exp = expenditure_or_404(project, expenditure_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "error")
    else:
        commit_or_explain(lambda: svc.withdraw(current_actor(), current_user, exp, form.reason.data),
                          _("The expenditure has been withdrawn; it stays visible in the register."))
    return redirect(url_for("expenditures.detail", code=code, expenditure_id=exp.id))


@bp.post("/<code>/expenditures/<int:expenditure_id>/correct")
@login_required
def correct(code, expenditure_id):
    project = project_or_404(current_user, code)
    exp = expenditure_or_404(project, expenditure_id)
    form = CorrectionForm()
    form.period_id.choices = [(p.id, p.label) for p in budget.periods_of(project)]
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "error")
        return redirect(url_for("expenditures.detail", code=code, expenditure_id=exp.id))
    ok, corr = commit_or_explain(
        lambda: svc.correct(current_actor(), current_user, exp, form.amount.data, form.period_id.data,
                            form.reason.data), _("Correction line registered."))
    if not ok:
        return redirect(url_for("expenditures.detail", code=code, expenditure_id=exp.id))
    return redirect(url_for("expenditures.detail", code=code, expenditure_id=corr.id))

