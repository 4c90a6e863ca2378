"""What finance officers (and the managing partner) do on the page of one action: each a thin view that
validates its form, calls one service and goes back to the action."""
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ..auth.routes import current_actor
from ..errors import DomainError, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..permissions import can_register_fund_invoice, require
from ..services.expenditures import InvalidExpenditure
from ..services.fund import assessment, execution, queries
from ..services.fund import public as link_service
from ..views import commit_or_explain, form_problem
from . import forms
from .routes import bp, fund_project_or_404


def _action(code, action_id):
    project = fund_project_or_404(code)
    return project, queries.action_or_404(current_user, project, action_id)


def _back(code, action_id, anchor=""):
    return redirect(url_for("fund.action", code=code, action_id=action_id) + anchor)


@bp.post("/<code>/fund/actions/<int:action_id>/declaration")
@login_required
def declare(code, action_id):
    _project, action = _action(code, action_id)
    form = forms.DeclarationForm()
    if not form_problem(form):
        commit_or_explain(lambda: assessment.declare(current_actor(), current_user, action, form.organisation.data,
                                                     form.affiliations.data, form.conflict.data, form.statement.data),
                          _("Your declaration of interests is recorded."))
    return _back(code, action_id, "#assessment")


@bp.post("/<code>/fund/actions/<int:action_id>/scores")
@login_required
def score(code, action_id):
    _project, action = _action(code, action_id)
    if not form_problem(forms.ConfirmForm()):
        scores = {}
        for criterion in action.call.criteria:
            raw = request.form.get(f"score_{criterion.id}", "")
            value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else None  # not "²"
            scores[criterion.id] = (value, request.form.get(f"comment_{criterion.id}", "")[:2000])
        commit_or_explain(lambda: assessment.score(current_actor(), current_user, action, scores),
                          _("Your scores are recorded."))
    return _back(code, action_id, "#assessment")


@bp.post("/<code>/fund/actions/<int:action_id>/decision")
@login_required
def decide(code, action_id):
    _project, action = _action(code, action_id)
    form = forms.DecisionForm()
    if not form_problem(form):
        approve = form.decision.data == "approve"
        commit_or_explain(lambda: assessment.decide(current_actor(), current_user, action, approve,
                                                    form.meeting_date.data, form.amount.data, form.reason.data or ""),
                          _("The application is approved.") if approve else _("The application is rejected."))
    return _back(code, action_id)


@bp.post("/<code>/fund/actions/<int:action_id>/questions")
@login_required
def ask(code, action_id):
    _project, action = _action(code, action_id)
    form = forms.QuestionForm()
    if not form_problem(form):
        commit_or_explain(lambda: assessment.ask(current_actor(), current_user, action, form.text.data),
                          _("The question is on the applicant's status page."))
    return _back(code, action_id, "#questions")


@bp.route("/<code>/fund/actions/<int:action_id>/invoices/new", methods=["GET", "POST"])
@login_required
def invoice(code, action_id):
    project, action = _action(code, action_id)
    require(can_register_fund_invoice(current_user, action),
            _("Invoices are registered for an approved action that is not closed, by a finance officer or the "
              "managing partner."))
    form = forms.InvoiceForm()
    if request.method == "GET":
        form.internal_ref.data = action.reference
        form.description.data = action.title
    if form.validate_on_submit():
        data = execution.InvoiceData(**{name: getattr(form, name).data for name in (
            "supplier", "invoice_number", "invoice_date", "payment_date", "description", "gross_amount", "vat_amount",
            "vat_recoverable", "declared_amount", "internal_ref")})
        for name in ("supplier", "invoice_number", "description", "internal_ref"):
            setattr(data, name, getattr(data, name) or "")
        try:
            exp = execution.register_invoice(current_actor(), current_user, action, data)
        except InvalidExpenditure as error:
            db.session.rollback()
            for field, message in error.errors:
                target = getattr(form, field, None)
                if target is not None:
                    target.errors = [*target.errors, message]
                else:
                    flash(message, "error")
            flash(_("The invoice was not registered: correct the marked fields."), "error")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Invoice registered as expenditure #%(id)s of %(partner)s; add its evidence there.", id=exp.id,
                    partner=exp.partner.label), "success")
            return _back(code, action_id, "#invoices")
    return render_template("fund/invoice_form.html", project=project, action=action, form=form), \
        422 if request.method == "POST" else 200


@bp.post("/<code>/fund/actions/<int:action_id>/executed")
@login_required
def executed(code, action_id):
    _project, action = _action(code, action_id)
    form = forms.ExecutedForm()
    if not form_problem(form):
        commit_or_explain(lambda: execution.mark_executed(current_actor(), current_user, action, form.executed_on.data),
                          _("The action is recorded as carried out."))
    return _back(code, action_id)


@bp.post("/<code>/fund/actions/<int:action_id>/overrun")
@login_required
def overrun(code, action_id):
    _project, action = _action(code, action_id)
    form = forms.OverrunForm()
    if not form_problem(form):
        commit_or_explain(lambda: execution.decide_overrun(current_actor(), current_user, action, form.amount.data,
                                                           form.meeting_date.data, form.reason.data),
                          _("The decision to pay more is recorded."))
    return _back(code, action_id, "#invoices")


@bp.post("/<code>/fund/actions/<int:action_id>/close")
@login_required
def close(code, action_id):
    _project, action = _action(code, action_id)
    form = forms.CloseForm()
    if not form_problem(form):
        commit_or_explain(lambda: execution.close(current_actor(), current_user, action, form.note.data),
                          _("The action is closed; what was not spent went back to the fund."))
    return _back(code, action_id)


@bp.post("/<code>/fund/actions/<int:action_id>/link/revoke")
@login_required
def revoke_link(code, action_id):
    _project, action = _action(code, action_id)
    if not form_problem(forms.ConfirmForm()):
        commit_or_explain(lambda: link_service.revoke_link(current_actor(), current_user, action),
                          _("The status link is revoked: it no longer works."))
    return _back(code, action_id)


@bp.post("/<code>/fund/actions/<int:action_id>/link/renew")
@login_required
def renew_link(code, action_id):
    project, action = _action(code, action_id)
    if form_problem(forms.ConfirmForm()):
        return _back(code, action_id)
    ok, token = commit_or_explain(lambda: link_service.renew_link(current_actor(), current_user, action),
                                  _("A new status link is issued; the previous one no longer works."))
    if not ok:
        return _back(code, action_id)
    # shown once, in this answer only (never stored, never in a cookie)
    response = render_template("fund/new_link.html", project=project, action=action,
                               link=url_for("fund_public.status", token=token, _external=True))
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/<code>/fund/actions/<int:action_id>/report/<int:document_id>")
@login_required
def report_document(code, action_id, document_id):
    """Evidence of the final report (attendance lists hold names): finance officers, admins, auditors."""
    _project, action = _action(code, action_id)
    try:
        path, content_type, name = link_service.report_document(current_actor(), current_user, action, document_id)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(code, action_id)
    db.session.commit()  # the download is in the audit trail
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=name)
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
