"""Pages without an account: the public start page, the application form of an open call, and the pages
behind an application's private status link (its status, the questions and answers, the final report).
Rate-limited (app/limiter.py) and CSRF-protected like every form."""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from ..errors import DomainError, NotFound
from ..extensions import db
from ..guards import db_id
from ..i18n import gettext as _
from ..limiter import limiter, rate
from ..models import ReportKind
from ..services.audit import Actor
from ..services.fund import applications, queries
from ..services.fund import public as svc
from ..views import commit_or_explain
from .forms import AnswerForm, ReportForm, application_form

bp = Blueprint("fund_public", __name__, url_prefix="/fund")


def applicant() -> Actor:
    """Who acts through the public form or a status link: the applicant, without an account."""
    return Actor(None, "applicant", request.remote_addr)


def start_page():
    """The start page for a visitor who is not signed in: what Cofund is, signing in, the open calls."""
    from ..services.ideas.registration import open_ideas
    return render_template("public/start.html", calls=queries.open_calls(), ideas=open_ideas())


def _application_data(form) -> applications.ApplicationData:
    """What the form holds; a field the browser sent in a form it cannot read is None (its message is on it)."""
    estimates = {name[5:]: getattr(form, name).data for name in form._fields if name.startswith("cost_")}
    # a cost type the form does not offer (staff costs, say) still reaches the rules, which name it
    estimates.update({k[5:]: None for k in request.form if k.startswith("cost_") and k[5:] not in estimates})
    return applications.ApplicationData(
        org_name=form.org_name.data or "", org_type=form.org_type.data or "", org_country=form.org_country.data or "",
        org_city=form.org_city.data or "", contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "",
        title=form.title.data or "", description=form.description.data or "", start_date=form.start_date.data,
        end_date=form.end_date.data, expected_participants=form.expected_participants.data, estimates=estimates,
        counterparts=[applications.Counterpart(c.form.name.data or "", c.form.country.data or "",
                                               c.form.org_type.data or "") for c in form.counterparts])


def _show(form, errors) -> None:
    """The rules' messages at their fields (a field that could not be read keeps its own message)."""
    for field, message in errors:
        if field in ("estimates", "counterparts"):  # errors of a group of fields, shown under it
            setattr(form, f"{field}_errors", [*getattr(form, f"{field}_errors", []), message])
        elif not getattr(form, field).errors or getattr(form, field).data is not None:
            target = getattr(form, field)
            target.errors = [*target.errors, message]


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
@limiter.limit(rate("RATELIMIT_FUND_APPLY"), methods=["POST"])
def apply(call_id):
    call = queries.open_call_or_404(call_id)
    form = application_form(call.fund.eligible)
    if form.validate_on_submit():
        try:
            action, token = applications.submit(applicant(), call, _application_data(form))
        except applications.InvalidApplication as error:
            db.session.rollback()
            _show(form, error.errors)
            flash(_("Your proposal was not submitted: correct the marked fields."), "error")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your proposal %(ref)s was submitted. Keep the address of this page: it is your private link to "
                    "follow the decision, answer questions and send the final report.", ref=action.reference),
                  "success")
            return redirect(url_for("fund_public.status", token=token))
    elif request.method == "POST":
        if "csrf_token" not in form.errors:  # every other rule too, so the applicant corrects all at once
            _show(form, applications.validate(_application_data(form), call)[0])
        flash(_("Your proposal was not submitted: correct the marked fields."), "error")
    return render_template("fund/apply.html", call=call, form=form,
                           cost_fields=[getattr(form, f"cost_{k.value}") for k in call.fund.eligible]), \
        422 if request.method == "POST" else 200


def _private(response):
    """A status page is for the applicant only: not cached, not indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/status/<token>")
@limiter.limit(rate("RATELIMIT_FUND_STATUS"))
def status(token):
    action = applications.action_for_token(token)
    page = svc.status_page(action)
    return _private(make_response(render_template(
        "fund/status.html", page=page, action=action, token=token, answer_form=AnswerForm(),
        report_form=ReportForm())))


@bp.post("/status/<token>/answers")
@limiter.limit(rate("RATELIMIT_FUND_STATUS"))
def answer(token):
    action = applications.action_for_token(token)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            question_id = db_id(form.question_id.data or "")
        except ValueError:
            question_id = None
        commit_or_explain(lambda: svc.answer(applicant(), action, question_id, form.text.data),
                          _("Thank you: your answer was sent."))
    else:
        flash(_("The form had expired; please send your answer again."), "error")
    return _private(redirect(url_for("fund_public.status", token=token) + "#questions"))


@bp.post("/status/<token>/report")
@limiter.limit(rate("RATELIMIT_FUND_STATUS"))
def report(token):
    action = applications.action_for_token(token)
    form = ReportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return _private(redirect(url_for("fund_public.status", token=token) + "#report"))
    # as for evidence (app/documents/routes.py): an empty file input, or a part whose file name is only a line
    # break (it arrives as text), is no upload
    files = [(ReportKind.ATTENDANCE, f) for f in (form.attendance.data or []) if isinstance(f, FileStorage) and f] \
        + [(ReportKind.PHOTO, f) for f in (form.photos.data or []) if isinstance(f, FileStorage) and f]
    commit_or_explain(lambda: svc.submit_report(applicant(), action, form.participants.data, form.summary.data,
                                                files),
                      _("Thank you: your final report was received."))
    return _private(redirect(url_for("fund_public.status", token=token)))


@bp.errorhandler(NotFound)
def not_found(error):
    db.session.rollback()
    return render_template("error.html", code=404, message=_("This page does not exist, or this link no longer "
                                                              "works.")), 404
