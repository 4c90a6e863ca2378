"""The fund inside a project (signed in): the register with the fund's totals, setting up the fund and its
calls, and the page of one action (its changes are in :mod:`.actions`)."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.routes import current_actor
from ..errors import NotFound
from ..guards import db_id
from ..i18n import gettext as _
from ..models import ActionStatus, OrgType, Project
from ..models.fund import ELIGIBLE_COST_TYPES
from ..permissions import can_manage_fund, can_see_fund, project_or_404, require
from ..services import budget
from ..services.fund import queries, register
from ..services.fund import setup as fund_setup
from ..services.fund.common import fund_of, today
from ..services.statements import fund as statement_filters
from ..views import commit_or_explain, position_args
from . import forms

bp = Blueprint("fund", __name__, url_prefix="/projects")


def fund_project_or_404(code: str) -> Project:
    project = project_or_404(current_user, code)
    if not can_see_fund(current_user, project):
        raise NotFound()
    return project


@bp.get("/<code>/fund")
@login_required
def index(code):
    project = fund_project_or_404(code)
    page = queries.fund_page(project)
    if page is None:
        return render_template("fund/no_fund.html", project=project)
    filters = register.RegisterFilters.parse(request.args.get("status"), request.args.get("call", type=db_id),
                                             request.args.get("country"), request.args.get("type"))
    return render_template("fund/register.html", project=project, page=page, filters=filters,
                           download_args=statement_filters.filter_values(filters),
                           reg=register.fund_register(current_user, project, filters, paging=position_args()),
                           statuses=list(ActionStatus),
                           org_types=list(OrgType))


@bp.route("/<code>/fund/setup", methods=["GET", "POST"])
@login_required
def setup(code):
    project = fund_project_or_404(code)
    require(can_manage_fund(current_user, project), _("Only an administrator or a finance officer sets up the fund."))
    fund = fund_of(project.id)
    form = forms.FundForm(obj=fund) if request.method == "GET" and fund else forms.FundForm()
    form.managing_partner_id.choices = [(p.id, p.label) for p in budget.partners_of(current_user, project)]
    form.cost_types.choices = [(t.value, t.label) for t in ELIGIBLE_COST_TYPES]
    if request.method == "GET":
        form.cost_types.data = [t.value for t in fund.eligible] if fund else [t.value for t in ELIGIBLE_COST_TYPES]
        if fund is None:
            form.name.data = "LES Fonds"
    if form.validate_on_submit():
        data = fund_setup.FundData(form.managing_partner_id.data, form.ceiling.data, form.max_per_action.data,
                                   form.cost_types.data or [], form.name.data or "")
        if fund is None:
            ok, _result = commit_or_explain(
                lambda: fund_setup.create_fund(current_actor(), current_user, project, data), _("The fund is set up."))
        else:
            ok, _result = commit_or_explain(
                lambda: fund_setup.update_fund(current_actor(), current_user, fund, data), _("The fund is changed."))
        if ok:
            return redirect(url_for("fund.index", code=code))
    return render_template("fund/setup.html", project=project, form=form, fund=fund,
                           budget=fund_setup.small_grants_budget(fund.managing_partner) if fund else None), \
        422 if request.method == "POST" else 200


@bp.route("/<code>/fund/calls/new", methods=["GET", "POST"])
@login_required
def new_call(code):
    project = fund_project_or_404(code)
    require(can_manage_fund(current_user, project), _("Only an administrator or a finance officer publishes calls."))
    fund = fund_of(project.id)
    if fund is None:
        raise NotFound()
    form = forms.CallForm()
    if form.validate_on_submit():
        missing = [f for f in (form.opens_on, form.closes_on, form.actions_from, form.actions_until) if not f.data]
        for f in missing:
            f.errors = [*f.errors, _("Fill in the date.")]
        if not missing:
            data = fund_setup.CallData(
                form.code.data or "", form.title.data or "", form.description.data or "", form.opens_on.data,
                form.closes_on.data, form.actions_from.data, form.actions_until.data,
                [(c.form.name.data or "", c.form.weight.data) for c in form.criteria
                 if (c.form.name.data or "").strip()])
            ok, _call = commit_or_explain(lambda: fund_setup.publish_call(current_actor(), current_user, fund, data),
                                          _("The call is published."))
            if ok:
                return redirect(url_for("fund.index", code=code))
    return render_template("fund/call_form.html", project=project, form=form, today=today()), \
        422 if request.method == "POST" else 200


@bp.get("/<code>/fund/actions/<int:action_id>")
@login_required
def action(code, action_id):
    project = fund_project_or_404(code)
    act = queries.action_or_404(current_user, project, action_id)
    page = queries.action_page(current_user, act)
    decision = forms.DecisionForm()
    if request.method == "GET" and act.status is ActionStatus.IN_ASSESSMENT:
        decision.amount.data = act.requested_amount
    return render_template(
        "fund/action.html", project=project, action=act, page=page, today=today(),
        declaration_form=forms.DeclarationForm(), decision_form=decision, question_form=forms.QuestionForm(),
        executed_form=forms.ExecutedForm(), overrun_form=forms.OverrunForm(), close_form=forms.CloseForm(),
        confirm_form=forms.ConfirmForm())


from . import actions  # noqa: E402,F401  (registers the action's POST routes on bp)
