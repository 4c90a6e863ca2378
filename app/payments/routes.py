from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.routes import current_actor
from ..errors import DomainError, NotFound
from ..guards import db_id, db_ids
from ..i18n import gettext as _
from ..models import PaymentRequest, Project
from ..models.types import utcnow
from ..money import parse_money
from ..permissions import can_manage_payments, can_see_payments, project_or_404
from ..services import history
from ..services import payments as svc
from ..views import commit_or_explain

bp = Blueprint("payments", __name__, url_prefix="/projects")


def payments_project_or_404(code: str) -> Project:
    project = project_or_404(current_user, code)
    if not can_see_payments(current_user, project):
        raise NotFound()
    return project


def _date(name: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise DomainError(_("Enter a valid date.")) from None


def _shortfalls(pr: PaymentRequest) -> list[tuple[int, object, str]]:
    """The difference the programme did not pay, per claim of the request, with its reason."""
    rows = []
    for claim in pr.claims:
        raw = request.form.get(f"short_{claim.id}", "").strip()
        if raw:
            rows.append((claim.id, parse_money(raw), request.form.get(f"reason_{claim.id}", "")))
    return rows


@bp.get("/<code>/payments")
@login_required
def index(code):
    project = payments_project_or_404(code)
    can_manage = can_manage_payments(current_user, project)
    return render_template("payments/index.html", project=project, rows=svc.request_rows(current_user, project),
                           certified=svc.certified_unrequested(project) if can_manage else [],
                           can_manage=can_manage)


def _act(code, action, success, request_id=None):
    """Run one payment action; go to the payment request it concerns, or to the list."""
    project = payments_project_or_404(code)
    _ok, result = commit_or_explain(lambda: action(project), success)
    target = request_id or (result.id if isinstance(result, PaymentRequest) else None)
    if target:
        return redirect(url_for("payments.detail", code=code, request_id=target))
    return redirect(url_for("payments.index", code=code))


@bp.post("/<code>/payments")
@login_required
def create(code):
    ids = db_ids(request.form.getlist("claim_ids"))
    return _act(code, lambda p: svc.create_request(current_actor(), current_user, p, ids),
                _("Payment request made."))


@bp.get("/<code>/payments/<int:request_id>")
@login_required
def detail(code, request_id):
    project = payments_project_or_404(code)
    pr = svc.request_or_404(current_user, project, request_id)
    view = svc.request_view(current_user, project, pr)
    return render_template("payments/detail.html", project=project, view=view,
                           history=history.of_object(project.id, "payment_request", pr.id) if view.whole else [],
                           can_manage=can_manage_payments(current_user, project), today=utcnow().date())


@bp.post("/<code>/payments/<int:request_id>/received")
@login_required
def received(code, request_id):
    def action(project):
        pr = svc.request_or_404(current_user, project, request_id)
        return svc.record_received(current_actor(), current_user, project, pr, _date("received_date"),
                                   parse_money(request.form.get("amount", "")), _shortfalls(pr))
    return _act(code, action, _("Receipt of the payment recorded."), request_id)


@bp.post("/<code>/payments/<int:request_id>/transfers")
@login_required
def transfer(code, request_id):
    def action(project):
        pr = svc.request_or_404(current_user, project, request_id)
        return svc.record_transfer(current_actor(), current_user, project, pr,
                                   request.form.get("partner_id", type=db_id), _date("transfer_date"),
                                   parse_money(request.form.get("amount", "")))
    return _act(code, action, _("Transfer recorded."), request_id)
