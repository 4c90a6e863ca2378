"""Project ideas without an account: the list of ideas, an idea's page with its published candidates, the
registration form (rate-limited, CSRF-protected) and the candidate's private status page, where it withdraws
its consent to publish or its candidacy."""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from ..errors import DomainError, NotFound
from ..extensions import db
from ..i18n import gettext as _
from ..limiter import limiter, rate
from ..services.audit import Actor
from ..services.ideas import registration as svc
from .forms import CandidateForm, WithdrawForm

bp = Blueprint("ideas_public", __name__, url_prefix="/ideas")


def visitor() -> Actor:
    return Actor(None, "candidate", request.remote_addr)


def _data(form: CandidateForm) -> svc.CandidateData:
    return svc.CandidateData(
        role=form.role.data or "", org_name=form.org_name.data or "", org_country=form.org_country.data or "",
        org_city=form.org_city.data or "", description=form.description.data or "",
        contact_name=form.contact_name.data or "", contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "", consent_publish=bool(form.consent_publish.data))


def _show(form, errors) -> None:
    for name, message in errors:
        field = getattr(form, name)
        field.errors = [*field.errors, message]


@bp.get("")
def index():
    return render_template("ideas/index.html", ideas=svc.open_ideas())


@bp.get("/<int:idea_id>")
def show(idea_id):
    idea = svc.public_idea_or_404(idea_id)
    return render_template("ideas/show.html", idea=idea, candidates=svc.published_candidates(idea))


@bp.route("/<int:idea_id>/register", methods=["GET", "POST"])
@limiter.limit(rate("RATELIMIT_IDEA_REGISTER"), methods=["POST"])
def register(idea_id):
    idea = svc.public_idea_or_404(idea_id)
    form = CandidateForm()
    if request.method == "GET" and request.args.get("role") in ("lead", "participant"):
        form.role.data = request.args["role"]
    if form.validate_on_submit():
        try:
            candidate, token = svc.register(visitor(), idea, _data(form))
        except svc.InvalidCandidacy as error:
            db.session.rollback()
            _show(form, error.errors)
            flash(_("Your candidacy was not sent: correct the marked fields."), "error")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Thank you: your candidacy was sent to the office. Keep the address of this page: it is your "
                    "private link to follow it."), "success")
            return redirect(url_for("ideas_public.status", token=token))
    elif request.method == "POST":
        if "csrf_token" not in form.errors:
            _show(form, svc.validate(_data(form)))
        flash(_("Your candidacy was not sent: correct the marked fields."), "error")
    return render_template("ideas/register.html", idea=idea, form=form), 422 if request.method == "POST" else 200


@bp.get("/status/<token>")
@limiter.limit(rate("RATELIMIT_FUND_STATUS"))
def status(token):
    candidate = svc.candidate_for_token(token)
    response = make_response(render_template("ideas/status.html", candidate=candidate, idea=candidate.idea,
                                             token=token, form=WithdrawForm()))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.post("/status/<token>/<any(consent, candidacy):what>/withdraw")
@limiter.limit(rate("RATELIMIT_FUND_STATUS"))
def withdraw(token, what):
    candidate = svc.candidate_for_token(token)
    if not WithdrawForm().validate_on_submit():
        flash(_("The form had expired; please send it again."), "error")
        return redirect(url_for("ideas_public.status", token=token))
    try:
        if what == "consent":
            svc.withdraw_consent(visitor(), candidate)
            message = _("Your consent to publish has been withdrawn: the idea's page no longer lists your "
                        "organisation.")
        else:
            svc.withdraw(visitor(), candidate)
            message = _("Your candidacy has been withdrawn. The office still sees that you applied.")
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("ideas_public.status", token=token))


@bp.errorhandler(NotFound)
def not_found(error):
    db.session.rollback()
    return render_template("error.html", code=404, message=_("This page does not exist, or this link no longer "
                                                              "works.")), 404
