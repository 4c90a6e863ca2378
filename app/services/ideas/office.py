"""The office's side of project ideas: publishing an idea, accepting (publishing) or declining a candidate,
and turning an idea into a project whose partners are the accepted candidates (app/services/setup.py), so
the idea keeps the project and each candidate its partner. Every step is audited; candidates' contact
persons are never written into the audit trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    CandidateRole,
    CandidateStatus,
    IdeaCandidate,
    IdeaStatus,
    Programme,
    Project,
    ProjectIdea,
    Role,
    User,
)
from ...models.types import utcnow
from ...permissions import can_convert_ideas, can_manage_ideas, require
from .. import audit, setup
from ..accounts import grant_membership
from ..audit import Actor

TEXT_LIMITS = {"title": 200, "region": 100, "challenge": 5000, "text": 20000}


def _office(user: User) -> None:
    require(can_manage_ideas(user), _("Only an administrator or a finance officer manages project ideas."))


def _record(actor: Actor, action: str, obj_type: str, obj_id: int, project_id: int | None = None, **kw) -> None:
    audit.record(actor, action, role="office", object_type=obj_type, object_id=obj_id, project_id=project_id, **kw)


def create_idea(actor: Actor, user: User, title: str, region: str, challenge: str, text: str) -> ProjectIdea:
    """Publish a project idea that looks for partners."""
    _office(user)
    values = {"title": (title or "").strip(), "region": (region or "").strip(),
              "challenge": (challenge or "").strip(), "text": (text or "").strip()}
    if not values["title"] or not values["region"] or not values["challenge"]:
        raise DomainError(_("An idea has a title, a region and a challenge."))
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            raise DomainError(_("At most %(limit)s characters.", limit=limit))
    idea = ProjectIdea(**values, created_by_id=user.id, created_at=utcnow())
    db.session.add(idea)
    db.session.flush()
    _record(actor, "idea.created", "project_idea", idea.id, after={"title": idea.title, "region": idea.region})
    return idea


def ideas_overview(user: User) -> list[tuple[ProjectIdea, dict[str, int]]]:
    """Every idea with the number of candidates per status; a withdrawn candidacy counts as withdrawn."""
    _office(user)
    counts: dict[int, dict[str, int]] = {}
    withdrawn = IdeaCandidate.withdrawn_at.is_not(None)
    for idea_id, status, gone, n in db.session.execute(
            select(IdeaCandidate.idea_id, IdeaCandidate.status, withdrawn, func.count())
            .group_by(IdeaCandidate.idea_id, IdeaCandidate.status, withdrawn)):
        key = "withdrawn" if gone else CandidateStatus(status).value
        counts.setdefault(idea_id, {})[key] = counts.get(idea_id, {}).get(key, 0) + n
    ideas = db.session.scalars(select(ProjectIdea).order_by(ProjectIdea.id))
    return [(idea, counts.get(idea.id, {})) for idea in ideas]


def idea_or_404(user: User, idea_id: int) -> ProjectIdea:
    _office(user)
    idea = db.session.get(ProjectIdea, idea_id)
    if idea is None:
        raise NotFound()
    return idea


def candidates_of(user: User, idea: ProjectIdea) -> list[IdeaCandidate]:
    """Every candidate of the idea, with the contact person (for the office only)."""
    _office(user)
    return list(db.session.scalars(select(IdeaCandidate).where(IdeaCandidate.idea_id == idea.id)
                                   .order_by(IdeaCandidate.number)))


def candidate_or_404(user: User, idea: ProjectIdea, candidate_id: int) -> IdeaCandidate:
    _office(user)
    candidate = db.session.get(IdeaCandidate, candidate_id)
    if candidate is None or candidate.idea_id != idea.id:
        raise NotFound()
    return candidate


def _decide(actor: Actor, user: User, candidate: IdeaCandidate, status: CandidateStatus, note: str,
            action: str) -> IdeaCandidate:
    _office(user)
    audit.serialise(candidate)
    if candidate.withdrawn:
        raise DomainError(_("The candidate has withdrawn this candidacy."))
    if candidate.status is not CandidateStatus.SUBMITTED:
        raise DomainError(_("This candidacy has already been %(status)s.", status=candidate.status.label))
    if candidate.idea.status is not IdeaStatus.OPEN:
        raise DomainError(_("This idea has become a project; its candidacies are closed."))
    if len(note or "") > 2000:
        raise DomainError(_("At most %(limit)s characters.", limit=2000))
    before = candidate.status
    candidate.status, candidate.decided_by_id, candidate.decided_at = status, user.id, utcnow()
    candidate.decision_note = (note or "").strip()
    db.session.flush()
    _record(actor, action, "idea_candidate", candidate.id, before={"status": before},
            after={"status": status, "idea": candidate.idea_id, "organisation": candidate.org_name,
                   "published": candidate.published, "note": candidate.decision_note})
    return candidate


def accept(actor: Actor, user: User, candidate: IdeaCandidate, note: str = "") -> IdeaCandidate:
    """Accept a candidacy: from now on the idea's public page lists it, if the candidate agreed to publish."""
    return _decide(actor, user, candidate, CandidateStatus.ACCEPTED, note, "idea.candidate_accepted")


def decline(actor: Actor, user: User, candidate: IdeaCandidate, note: str) -> IdeaCandidate:
    if not (note or "").strip():
        raise DomainError(_("Say why the candidacy is declined; the candidate reads it on its status page."))
    return _decide(actor, user, candidate, CandidateStatus.DECLINED, note, "idea.candidate_declined")


@dataclass(frozen=True)
class Conversion:
    """The project an idea becomes, and which accepted candidates become its partners."""

    programme_id: int
    project: setup.ProjectData
    candidate_ids: tuple[int, ...]
    lead_candidate_id: int | None
    period_months: int = 6


def _periods(start: date, end: date, months: int) -> list[tuple[date, date]]:
    periods, first = [], start
    while first <= end:
        years, month0 = divmod(first.month - 1 + months, 12)
        nxt = date(first.year + years, month0 + 1, 1) if first.day == 1 else first + timedelta(days=30 * months)
        last = min(nxt - timedelta(days=1), end)
        periods.append((first, last))
        first = last + timedelta(days=1)
    return periods


def convert(actor: Actor, user: User, idea: ProjectIdea, conversion: Conversion) -> Project:
    """Turn an idea into a project (through the setup service, so every step is audited as it is for any
    project), with the chosen accepted candidates as partners, one of them the lead partner. The idea keeps
    its project and each candidate its partner; the administrator who does it becomes the project's
    administrator."""
    require(can_convert_ideas(user), _("Only an administrator turns an idea into a project."))
    audit.serialise(idea)
    if idea.status is not IdeaStatus.OPEN:
        raise DomainError(_("This idea has already become a project."))
    if not 1 <= conversion.period_months <= 24:
        raise DomainError(_("A reporting period lasts 1 to 24 months."))
    chosen = [c for c in candidates_of(user, idea) if c.id in set(conversion.candidate_ids)]
    if len(chosen) != len(set(conversion.candidate_ids)) or not chosen:
        raise DomainError(_("Choose at least one candidate of this idea to become a partner."))
    if any(c.status is not CandidateStatus.ACCEPTED or c.withdrawn for c in chosen):
        raise DomainError(_("Only accepted candidates become partners."))
    lead = next((c for c in chosen if c.id == conversion.lead_candidate_id), None)
    if lead is None:
        raise DomainError(_("Choose the lead partner among the chosen candidates."))
    if len({c.org_name.casefold() for c in chosen}) != len(chosen):
        raise DomainError(_("The same organisation is chosen twice."))
    prog = db.session.get(Programme, conversion.programme_id)
    if prog is None:
        raise DomainError(_("Choose a programme."))
    if not conversion.project.name.strip() or len(conversion.project.name) > 200:
        raise DomainError(_("A project has a name of at most 200 characters."))
    if (conversion.project.end_date - conversion.project.start_date).days > 366 * 10:
        raise DomainError(_("A project lasts at most ten years."))
    project = setup.create_project(actor, prog, conversion.project)
    for start, end in _periods(conversion.project.start_date, conversion.project.end_date, conversion.period_months):
        setup.add_period(actor, project, start, end)
    ordered = [lead] + [c for c in chosen if c is not lead]
    for number, candidate in enumerate(ordered, start=1):
        partner = setup.add_partner(actor, project, setup.PartnerData(
            candidate.org_name, candidate.org_country, candidate.org_city or None, number=number,
            lead=candidate is lead))
        candidate.partner_id = partner.id
    idea.status, idea.project_id = IdeaStatus.CONVERTED, project.id
    idea.converted_by_id, idea.converted_at = user.id, utcnow()
    db.session.flush()
    grant_membership(actor, user, project, Role.ADMIN, None)
    _record(actor, "idea.converted", "project_idea", idea.id, project_id=project.id,
            after={"project": project.code, "partners": [
                {"candidate": c.number, "organisation": c.org_name, "role": c.role,
                 "lead": c is lead, "partner_id": c.partner_id} for c in ordered]})
    return project


def lead_candidates_first(candidates: list[IdeaCandidate]) -> list[IdeaCandidate]:
    return sorted(candidates, key=lambda c: (c.role is not CandidateRole.LEAD, c.number))
