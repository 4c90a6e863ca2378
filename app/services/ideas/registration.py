"""The public side of a project idea: the ideas and the candidates the public may see, the rules of a
registration as candidate lead or participating partner, the registration itself (no account; a private
status link, of which only the SHA-256 is stored), the page behind that link, and what the candidate does there:
withdraw its consent to publish, or its candidacy (the row stays for the office and the auditors).

What the public sees of a candidate: its organisation's name, country and role and what it brings, only when
it agreed to publish them and the office accepted the candidacy. The contact person never."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import CandidateRole, CandidateStatus, IdeaCandidate, IdeaStatus, ProjectIdea
from ...models.types import utcnow
from .. import audit
from ..audit import Actor
from ..fund.applications import EMAIL, new_token, token_hash

TEXT_LIMITS = {"org_name": 200, "org_city": 100, "contact_name": 200, "contact_email": 254, "contact_phone": 40,
               "description": 2000}


@dataclass
class CandidateData:
    """What the visitor fills in; strings as typed."""

    role: str
    org_name: str
    org_country: str
    org_city: str
    description: str
    contact_name: str
    contact_email: str
    contact_phone: str = ""
    consent_publish: bool = False


class InvalidCandidacy(DomainError):
    """The registration breaks one or more rules; ``errors`` holds (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(" ".join(message for _field, message in errors))
        self.errors = errors


@dataclass(frozen=True)
class PublicCandidate:
    """A candidate as the public page shows it: no contact person."""

    role: CandidateRole
    org_name: str
    org_country: str
    description: str


def validate(data: CandidateData) -> list[tuple[str, str]]:
    """Every rule of a registration: (field, message) for each problem."""
    errors = []
    required = {"org_name": _("Fill in the name of your organisation."),
                "description": _("Describe in a few sentences what your organisation brings to this idea."),
                "contact_name": _("Fill in the name of the contact person."),
                "contact_email": _("Fill in the contact person's e-mail address.")}
    for name, message in required.items():
        if not (getattr(data, name) or "").strip():
            errors.append((name, message))
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            errors.append((name, _("At most %(limit)s characters.", limit=formatting.number(limit))))
    email = (data.contact_email or "").strip()
    if email and not EMAIL.match(email):
        errors.append(("contact_email", _("'%(email)s' is not an e-mail address.", email=email[:80])))
    if data.role not in {r.value for r in CandidateRole}:
        errors.append(("role", _("Choose whether you want to take the lead or think along.")))
    if data.org_country not in ("BE", "NL"):
        errors.append(("org_country", _("Choose the country of your organisation: Belgium or the Netherlands.")))
    return errors


def open_ideas() -> list[ProjectIdea]:
    return list(db.session.scalars(select(ProjectIdea).where(ProjectIdea.status == IdeaStatus.OPEN)
                                   .order_by(ProjectIdea.id)))


def public_idea_or_404(idea_id: int) -> ProjectIdea:
    """An idea the public may see (open, or turned into a project: its page then says so)."""
    idea = db.session.get(ProjectIdea, idea_id)
    if idea is None:
        raise NotFound()
    return idea


def published_candidates(idea: ProjectIdea) -> list[PublicCandidate]:
    """The candidates the public sees: accepted by the office and published with their consent; leads first."""
    rows = db.session.scalars(select(IdeaCandidate).where(
        IdeaCandidate.idea_id == idea.id, IdeaCandidate.status == CandidateStatus.ACCEPTED,
        IdeaCandidate.consent_publish.is_(True), IdeaCandidate.withdrawn_at.is_(None))
        .order_by(IdeaCandidate.role, IdeaCandidate.number))
    return [PublicCandidate(c.role, c.org_name, c.org_country, c.description) for c in rows]


def register(actor: Actor, idea: ProjectIdea, data: CandidateData) -> tuple[IdeaCandidate, str]:
    """Put an organisation forward for an open idea, without an account. Returns the candidate and the token of
    its private status link (shown once)."""
    audit.serialise(idea)
    if idea.status is not IdeaStatus.OPEN:
        raise DomainError(_("This idea has become a project; it no longer takes candidates."))
    errors = validate(data)
    if errors:
        raise InvalidCandidacy(errors)
    number = (db.session.scalar(select(func.max(IdeaCandidate.number))
                                .where(IdeaCandidate.idea_id == idea.id)) or 0) + 1
    token, hashed = new_token()
    candidate = IdeaCandidate(
        idea_id=idea.id, number=number, role=CandidateRole(data.role), org_name=data.org_name.strip(),
        org_country=data.org_country, org_city=(data.org_city or "").strip(), description=data.description.strip(),
        contact_name=data.contact_name.strip(), contact_email=data.contact_email.strip().lower(),
        contact_phone=(data.contact_phone or "").strip(), consent_publish=bool(data.consent_publish),
        submitted_at=utcnow(), token_hash=hashed)
    db.session.add(candidate)
    db.session.flush()
    # The event names the organisation, not the contact person (personal data).
    audit.record(actor, "idea.candidate_registered", role="candidate", object_type="idea_candidate",
                 object_id=candidate.id, after={
                     "idea": idea.id, "number": number, "role": candidate.role, "organisation": candidate.org_name,
                     "country": candidate.org_country, "consent_publish": candidate.consent_publish})
    return candidate, token


def candidate_for_token(token: str) -> IdeaCandidate:
    """The candidate whose private status link this is; 404 for anything else."""
    if not token or len(token) > 100:
        raise NotFound()
    candidate = db.session.scalar(select(IdeaCandidate).where(IdeaCandidate.token_hash == token_hash(token)))
    if candidate is None:
        raise NotFound()
    return candidate


def _candidate_event(actor: Actor, candidate: IdeaCandidate, action: str, before: dict, after: dict) -> None:
    # The event names the organisation, not the contact person (personal data).
    audit.record(actor, action, role="candidate", object_type="idea_candidate", object_id=candidate.id,
                 before=before, after={"idea": candidate.idea_id, "number": candidate.number,
                                       "organisation": candidate.org_name, **after})


def withdraw_consent(actor: Actor, candidate: IdeaCandidate) -> IdeaCandidate:
    """The candidate no longer agrees to publication: the idea's public page drops it at once. The office keeps
    seeing the candidacy."""
    audit.serialise(candidate)
    if not candidate.consent_publish:
        raise DomainError(_("Your organisation is not published: you did not agree to publication, or you "
                            "already withdrew your consent."))
    was_published = candidate.published
    candidate.consent_publish, candidate.consent_withdrawn_at = False, utcnow()
    db.session.flush()
    _candidate_event(actor, candidate, "idea.candidate_consent_withdrawn",
                     {"consent_publish": True, "published": was_published},
                     {"consent_publish": False, "published": False})
    return candidate


def withdraw(actor: Actor, candidate: IdeaCandidate) -> IdeaCandidate:
    """The candidate withdraws its candidacy: the office can no longer accept it or make it a partner, and the
    public page no longer lists it. Nothing is deleted: the candidacy stays, marked withdrawn."""
    audit.serialise(candidate)
    if candidate.withdrawn:
        raise DomainError(_("You have already withdrawn this candidacy."))
    if candidate.partner_id is not None:
        raise DomainError(_("Your organisation is already a partner of the project this idea became; contact "
                            "the office to leave it."))
    if candidate.status is CandidateStatus.DECLINED:
        raise DomainError(_("The office has declined this candidacy; there is nothing to withdraw."))
    if candidate.idea.status is not IdeaStatus.OPEN:
        raise DomainError(_("This idea has become a project; its candidacies are closed."))
    was_published = candidate.published
    candidate.withdrawn_at = utcnow()
    db.session.flush()
    _candidate_event(actor, candidate, "idea.candidate_withdrawn",
                     {"status": candidate.status, "withdrawn": False, "published": was_published},
                     {"status": candidate.status, "withdrawn": True, "published": False})
    return candidate
