"""The office's pages for project ideas: every idea with its candidates and their contact persons (admins and
finance officers), accepting or declining a candidate, publishing an idea, turning an idea into a project."""
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.routes import current_actor
from ..extensions import db
from ..guards import db_id_or_none
from ..i18n import gettext as _
from ..models import CandidateStatus, Programme
from ..money import MoneyError, parse_percent
from ..permissions import can_convert_ideas, require
from ..services import setup
from ..services.ideas import office as svc
from ..views import commit_or_explain
from .forms import ConvertForm, DecisionForm, IdeaForm

bp = Blueprint("ideas", __name__, url_prefix="/office/ideas")


@bp.get("")
@login_required
def index():
    return render_template("ideas/office_index.html", ideas=svc.ideas_overview(current_user), form=IdeaForm())


@bp.post("")
@login_required
def create():
    form = IdeaForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; please send it again."), "error")
        return redirect(url_for("ideas.index"))
    ok, idea = commit_or_explain(lambda: svc.create_idea(current_actor(), current_user, form.title.data,
                                                         form.region.data, form.challenge.data, form.text.data),
                                 _("The idea has been published."))
    return redirect(url_for("ideas.show", idea_id=idea.id) if ok else url_for("ideas.index"))


@bp.get("/<int:idea_id>")
@login_required
def show(idea_id):
    idea = svc.idea_or_404(current_user, idea_id)
    return render_template("ideas/office_show.html", idea=idea,
                           candidates=svc.lead_candidates_first(svc.candidates_of(current_user, idea)),
                           form=DecisionForm())


@bp.post("/<int:idea_id>/candidates/<int:candidate_id>/<any(accept, decline):decision>")
@login_required
def decide(idea_id, candidate_id, decision):
    idea = svc.idea_or_404(current_user, idea_id)
    candidate = svc.candidate_or_404(current_user, idea, candidate_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; please send it again."), "error")
    elif decision == "accept":
        commit_or_explain(lambda: svc.accept(current_actor(), current_user, candidate, form.note.data or ""),
                          _("The candidacy of %(org)s has been accepted.", org=candidate.org_name))
    else:
        commit_or_explain(lambda: svc.decline(current_actor(), current_user, candidate, form.note.data or ""),
                          _("The candidacy of %(org)s has been declined.", org=candidate.org_name))
    return redirect(url_for("ideas.show", idea_id=idea.id) + f"#candidate-{candidate.id}")


def _convert_form(idea, candidates) -> ConvertForm:
    form = ConvertForm()
    form.programme_id.choices = [(str(p.id), p.name) for p in db.session.scalars(select(Programme)
                                                                                .order_by(Programme.id))]
    accepted = [c for c in candidates if c.status is CandidateStatus.ACCEPTED and not c.withdrawn]
    form.candidates.choices = [(str(c.id), f"{c.org_name} ({c.org_country}) – {c.role.label}") for c in accepted]
    form.lead.choices = [(str(c.id), c.org_name) for c in accepted]
    if request.method == "GET":
        form.name.data = idea.title
        form.candidates.data = [str(c.id) for c in accepted]
        lead = next((c for c in accepted if c.role.value == "lead"), None)
        form.lead.data = str(lead.id) if lead else None
    return form


@bp.route("/<int:idea_id>/convert", methods=["GET", "POST"])
@login_required
def convert(idea_id):
    idea = svc.idea_or_404(current_user, idea_id)
    require(can_convert_ideas(current_user), _("Only an administrator turns an idea into a project."))
    candidates = svc.lead_candidates_first(svc.candidates_of(current_user, idea))
    form = _convert_form(idea, candidates)
    if form.validate_on_submit():
        missing = [f for f in (form.start_date, form.end_date, form.efro_ceiling) if f.data is None and not f.errors]
        for f in missing:
            f.errors = [*f.errors, _("Fill this in.")]
        try:
            rate_pct = parse_percent(form.cofinancing_rate.data or "")
        except MoneyError as error:
            form.cofinancing_rate.errors = [*form.cofinancing_rate.errors, str(error)]
            rate_pct = None
        if not missing and rate_pct is not None:
            conversion = svc.Conversion(
                programme_id=db_id_or_none(form.programme_id.data) or 0,
                project=setup.ProjectData(
                    code=(form.code.data or "").strip(), name=(form.name.data or "").strip() or idea.title,
                    start_date=form.start_date.data, end_date=form.end_date.data,
                    eligibility_start=form.start_date.data, eligibility_end=form.end_date.data,
                    cofinancing_rate=rate_pct, efro_ceiling=form.efro_ceiling.data or Decimal("0.00")),
                candidate_ids=tuple(i for i in (db_id_or_none(v) for v in form.candidates.data or []) if i),
                lead_candidate_id=db_id_or_none(form.lead.data), period_months=form.period_months.data or 6)
            ok, project = commit_or_explain(lambda: svc.convert(current_actor(), current_user, idea, conversion),
                                            _("The idea has become project %(code)s.", code=conversion.project.code))
            if ok:
                return redirect(url_for("projects.overview", code=project.code))
    return render_template("ideas/convert.html", idea=idea, form=form), 422 if request.method == "POST" else 200
