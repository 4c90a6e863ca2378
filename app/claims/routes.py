from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.routes import current_actor
from ..errors import DomainError
from ..extensions import db
from ..guards import db_id, db_ids
from ..i18n import gettext as _
from ..i18n import ngettext
from ..models import (
    Claim,
    ErrorType,
    LineStatus,
    Partner,
    Project,
)
from ..money import ZERO, parse_money
from ..permissions import can_register_for, project_or_404, require_partner, require_visible
from ..services import audits, budget
from ..services import claims as svc
from ..services.corrections.queries import corrections_of_claim
from ..views import commit_or_explain, position_args

bp = Blueprint("claims", __name__, url_prefix="/projects")



def claim_or_404(project: Project, claim_id: int) -> Claim:
    return require_visible(current_user, db.session.get(Claim, claim_id), project)


@bp.get("/<code>/claims")
@login_required
def index(code):
    project = project_or_404(current_user, code)
    partners = [p for p in budget.partners_of(current_user, project) if can_register_for(current_user, p)]
    listing = svc.claim_rows(current_user, project, **position_args())
    return render_template("claims/index.html", project=project, rows=listing.rows, page=listing.page,
                           partners=partners, periods=budget.periods_of(project))


@bp.post("/<code>/claims")
@login_required
def create(code):
    project = project_or_404(current_user, code)
    partner_id = request.form.get("partner_id", type=db_id)
    partner = require_partner(current_user, db.session.get(Partner, partner_id) if partner_id else None, project)
    ok, claim = commit_or_explain(
        lambda: svc.create_claim(current_actor(), current_user, partner, request.form.get("period_id", type=db_id)),
        _("Claim created: add the expenditures of the period and submit it."))
    if not ok:
        return redirect(url_for("claims.index", code=code))
    return redirect(url_for("claims.detail", code=code, claim_id=claim.id))


@bp.get("/<code>/claims/<int:claim_id>")
@login_required
def detail(code, claim_id):
    project = project_or_404(current_user, code)
    claim = claim_or_404(project, claim_id)
    line_filter, errors = svc.LineFilter.from_values(request.args)
    for error in errors:
        flash(error, "error")
    page = svc.claim_page(current_user, claim, line_filter, lines_at=position_args(),
                          free_at=position_args("free_"), free_search=request.args.get("q", ""),
                          history_at=position_args("history_"))
    return render_template("claims/detail.html", project=project, claim=claim, page=page,
                           error_types=list(ErrorType), line_statuses=list(LineStatus),
                           opened=request.args.get("line", type=db_id),
                           here=_here(code, claim_id),
                           line_audits=audits.audits_by_line(current_user, claim),
                           claim_corrections=corrections_of_claim(claim))


def _here(code, claim_id) -> dict:
    """The page's own arguments (filters and positions), for links that keep them."""
    keep = {k: v for k, v in request.args.items() if k in KEPT_ARGS and v}
    return {"code": code, "claim_id": claim_id, **keep}


KEPT_ARGS = ("category", "status", "min", "flagged", "after", "before", "at", "q", "free_after", "free_before",
             "free_at")


def _back(code, claim_id):
    """Back to the claim page with the filters and positions the form carried."""
    keep = {k: v for k, v in request.form.items() if k in KEPT_ARGS and v and len(v) < 100}
    return redirect(url_for("claims.detail", code=code, claim_id=claim_id, **keep))


def _act(code, claim_id, action, success):
    """Run one action on the claim and go back to its page (where the form was: filters and position)."""
    claim = claim_or_404(project_or_404(current_user, code), claim_id)
    commit_or_explain(lambda: action(claim), success)
    return _back(code, claim_id)


@bp.post("/<code>/claims/<int:claim_id>/lines")
@login_required
def add_lines(code, claim_id):
    ids = db_ids(request.form.getlist("expenditure_ids"))
    return _act(code, claim_id, lambda c: svc.add_lines(current_actor(), current_user, c, ids),
                ngettext("%(num)d expenditure added.", "%(num)d expenditures added.", len(ids)))


@bp.post("/<code>/claims/<int:claim_id>/lines/<int:line_id>/remove")
@login_required
def remove_line(code, claim_id, line_id):
    return _act(code, claim_id, lambda c: svc.remove_line(current_actor(), current_user, c, line_id),
                _("Line taken out of the claim."))


@bp.post("/<code>/claims/<int:claim_id>/submit")
@login_required
def submit(code, claim_id):
    return _act(code, claim_id, lambda c: svc.submit(current_actor(), current_user, c),
                _("The claim has been submitted and is now frozen."))


@bp.post("/<code>/claims/<int:claim_id>/start")
@login_required
def start(code, claim_id):
    return _act(code, claim_id, lambda c: svc.start_verification(current_actor(), current_user, c),
                _("Verification started."))


@bp.post("/<code>/claims/<int:claim_id>/lines/<int:line_id>/verify")
@login_required
def verify_line(code, claim_id, line_id):
    def action(claim):
        raw = (request.form.get("deduction") or "").strip()
        deduction = parse_money(raw) if raw else ZERO
        error_type = request.form.get("error_type") or None
        if error_type is not None and error_type not in {e.value for e in ErrorType}:
            raise DomainError(_("Choose a type of error from the list."))
        svc.verify_line(current_actor(), current_user, claim, line_id, deduction=deduction,
                        error_type=ErrorType(error_type) if error_type else None,
                        comment=request.form.get("comment", ""), park=request.form.get("decision") == "park",
                        confirm_duplicate=request.form.get("confirm_duplicate") == "1")
    return _act(code, claim_id, action, _("Line verified.") if request.form.get("decision") != "park"
                else _("Line parked."))


@bp.post("/<code>/claims/<int:claim_id>/lines/verify")
@login_required
def verify_selected(code, claim_id):
    ids = db_ids(request.form.getlist("line_ids"))
    return _act(code, claim_id, lambda c: svc.verify_lines(current_actor(), current_user, c, ids),
                ngettext("%(num)d line verified without deduction.", "%(num)d lines verified without deduction.",
                         len(ids)))


@bp.post("/<code>/claims/<int:claim_id>/return")
@login_required
def return_claim(code, claim_id):
    return _act(code, claim_id, lambda c: svc.return_claim(current_actor(), current_user, c,
                                                           request.form.get("reason", "")),
                _("The claim has been returned to the partner."))


@bp.post("/<code>/claims/<int:claim_id>/certify")
@login_required
def certify(code, claim_id):
    return _act(code, claim_id, lambda c: svc.certify(current_actor(), current_user, c),
                _("The claim has been certified."))
