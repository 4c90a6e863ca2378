"""Financial corrections and recoveries: the register page (a partner user: its own recoveries), booking a
correction from a finding, settling a recovery by repayment or write-off."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.routes import current_actor
from ..errors import DomainError, NotFound
from ..guards import db_id
from ..i18n import gettext as _
from ..models import CorrectionKind, RecoveryMeasure
from ..models.types import utcnow
from ..money import parse_money, parse_percent
from ..permissions import can_book_corrections, can_export_project, can_see_recoveries, project_or_404
from ..services import audits
from ..services.corrections import booking, recoveries
from ..services.corrections.register import corrections_register
from ..views import commit_or_explain

bp = Blueprint("corrections", __name__, url_prefix="/projects")


def _project(code):
    project = project_or_404(current_user, code)
    if not can_see_recoveries(current_user, project):
        raise NotFound()
    return project


@bp.get("/<code>/corrections")
@login_required
def index(code):
    project = _project(code)
    from reports.statements.data import Header
    data = corrections_register(project, Header("", project.code, project.name, utcnow(), "", None), current_user)
    return render_template("corrections/index.html", project=project, data=data,
                           open_recoveries=recoveries.recoveries_of(current_user, project, open_only=True),
                           can_book=can_book_corrections(current_user, project),
                           can_export=can_export_project(current_user, project), today=utcnow().date())


@bp.post("/<code>/findings/<int:finding_id>/corrections")
@login_required
def book(code, finding_id):
    project = _project(code)
    form = request.form
    finding = audits.finding_or_404(current_user, project, finding_id)

    def action():
        try:
            kind = CorrectionKind(form.get("kind", ""))
            measure = RecoveryMeasure(form.get("measure", "offset"))
            if measure is RecoveryMeasure.WRITE_OFF:
                raise ValueError(measure)
        except ValueError:
            raise DomainError(_("Choose a value from the list.")) from None
        amount = parse_money(form["amount"]) if form.get("amount", "").strip() else None
        rate = parse_percent(form["rate"]) if form.get("rate", "").strip() else None
        return booking.book_correction(
            current_actor(), current_user, project, finding, kind=kind, comment=form.get("comment", ""),
            claim_line_id=finding.claim_line_id, amount=amount if kind is CorrectionKind.LINE else None,
            category_id=form.get("category_id", type=db_id) if kind is CorrectionKind.CATEGORY_RATE else None,
            rate=rate if kind is not CorrectionKind.LINE else None, measure=measure)
    ok, _result = commit_or_explain(action, _("Financial correction booked."))
    if ok:
        return redirect(url_for("corrections.index", code=code))
    return redirect(url_for("audits.detail", code=code, audit_id=finding.audit_id))


def _date(name: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise DomainError(_("Enter a valid date.")) from None


@bp.post("/<code>/recoveries/<int:recovery_id>/repayment")
@login_required
def repayment(code, recovery_id):
    project = _project(code)
    recovery = recoveries.recovery_or_404(current_user, project, recovery_id)
    commit_or_explain(lambda: recoveries.book_repayment(current_actor(), current_user, project, recovery,
                                                        parse_money(request.form.get("amount", "")),
                                                        _date("repaid_on")), _("Repayment booked."))
    return redirect(url_for("corrections.index", code=code))


@bp.post("/<code>/recoveries/<int:recovery_id>/write-off")
@login_required
def write_off(code, recovery_id):
    project = _project(code)
    recovery = recoveries.recovery_or_404(current_user, project, recovery_id)
    commit_or_explain(lambda: recoveries.write_off(current_actor(), current_user, project, recovery,
                                                   request.form.get("reason", "")), _("Recovery written off."))
    return redirect(url_for("corrections.index", code=code))
