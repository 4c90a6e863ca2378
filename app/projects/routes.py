from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import formatting
from ..auth.routes import current_actor
from ..extensions import db
from ..guards import db_id
from ..i18n import gettext as _
from ..models import Partner, Project
from ..permissions import can_edit_budget, project_or_404, require, require_partner
from ..services import budget, setup
from ..services.statements.trail import budget_history
from ..views import commit_or_explain
from .forms import BudgetLineForm

bp = Blueprint("projects", __name__, url_prefix="/projects")



def partner_or_404(project: Project, partner_id: int) -> Partner:
    return require_partner(current_user, db.session.get(Partner, partner_id), project)


@bp.get("")
@login_required
def index():
    return render_template("projects/index.html", projects=setup.projects_of(current_user))


@bp.get("/<code>")
@login_required
def overview(code):
    project = project_or_404(current_user, code)
    from ..indicators.routes import charted
    from ..services.indicators.progress import progress
    return render_template("projects/overview.html", project=project,
                           ov=budget.project_overview(current_user, project),
                           indicators=charted(progress(current_user, project)))


@bp.get("/<code>/partners/<int:partner_id>")
@login_required
def partner(code, partner_id):
    project = project_or_404(current_user, code)
    partner = partner_or_404(project, partner_id)
    return render_template("projects/partner.html", project=project, pb=budget.partner_budget(partner),
                           can_edit=can_edit_budget(current_user, project) and not budget.has_started(project),
                           history=budget_history(partner))


@bp.route("/<code>/partners/<int:partner_id>/budget", methods=["GET", "POST"])
@login_required
def edit_budget(code, partner_id):
    project = project_or_404(current_user, code)
    partner = partner_or_404(project, partner_id)
    require(can_edit_budget(current_user, project), _("Only an administrator or a finance officer changes the budget."))
    form = BudgetLineForm()
    categories, periods = budget.categories_of(project), budget.periods_of(project)
    form.category_id.choices = [(c.id, c.label) for c in categories]
    form.period_id.choices = [(p.id, f"{p.label} ({formatting.date_range(p.start_date, p.end_date)})")
                              for p in periods]
    if request.method == "GET":
        form.category_id.data = request.args.get("category", type=db_id)
        form.period_id.data = request.args.get("period", type=db_id)
        pb = budget.partner_budget(partner)
        line = pb.cells.get((form.category_id.data, form.period_id.data))
        if line is not None:
            form.amount.data = line.amount
    if form.validate_on_submit():
        ok, _line = commit_or_explain(
            lambda: budget.set_budget_line(current_actor(), current_user, partner, form.category_id.data,
                                           form.period_id.data, form.amount.data), _("The budget has been changed."))
        if ok:
            return redirect(url_for("projects.partner", code=project.code, partner_id=partner.id))
    status = 422 if request.method == "POST" else 200
    return render_template("projects/budget_form.html", project=project, partner=partner, form=form), status
