"""Project ideas: the rules of a registration, what the public sees of a candidate (and what it never sees),
the office's decisions, turning an idea into a project, and the audit events of each step."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import DomainError, NotFound, PermissionDenied
from app.extensions import db
from app.models import AuditEvent, CandidateStatus, IdeaStatus, Partner, Programme, ProjectIdea
from app.services import setup
from app.services.audit import Actor
from app.services.ideas import office, registration
from tests.factories import actor, user

pytestmark = pytest.mark.demo_history
VISITOR = Actor(None, "candidate", "203.0.113.7")


def limburg() -> ProjectIdea:
    return db.session.scalar(select(ProjectIdea).where(ProjectIdea.title.like("Vroegtijdige%")))


def data(**overrides) -> registration.CandidateData:
    values = dict(role="lead", org_name="Technicum Noord-Limburg", org_country="BE", org_city="Lommel",
                  description="Technische school die de trekker wil zijn.", contact_name="An Claes",
                  contact_email="An.Claes@technicum.example", contact_phone="+32 11 00 00 00", consent_publish=True)
    return registration.CandidateData(**{**values, **overrides})


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


@pytest.mark.parametrize(("overrides", "field"), [
    ({"org_name": "  "}, "org_name"), ({"description": ""}, "description"), ({"contact_name": ""}, "contact_name"),
    ({"contact_email": ""}, "contact_email"), ({"contact_email": "geen-adres"}, "contact_email"),
    ({"role": "boss"}, "role"), ({"org_country": "DE"}, "org_country"), ({"org_name": "x" * 201}, "org_name"),
    ({"description": "x" * 2001}, "description"), ({"contact_phone": "1" * 41}, "contact_phone"),
])
def test_a_registration_breaking_a_rule_is_refused_at_its_field(app, overrides, field):
    idea = limburg()
    with pytest.raises(registration.InvalidCandidacy) as refused:
        registration.register(VISITOR, idea, data(**overrides))
    assert field in [f for f, _m in refused.value.errors]
    assert registration.validate(data()) == []


def test_a_registration_is_stored_with_a_private_link_and_audited_without_the_contact_person(app):
    idea = limburg()
    candidate, token = registration.register(VISITOR, idea, data())
    db.session.commit()
    assert candidate.status is CandidateStatus.SUBMITTED and candidate.contact_email == "an.claes@technicum.example"
    assert candidate.token_hash != token and len(token) >= 40
    assert registration.candidate_for_token(token).id == candidate.id
    with pytest.raises(NotFound):
        registration.candidate_for_token(token + "x")
    ev = events("idea.candidate_registered")[-1]
    assert '"Technicum Noord-Limburg"' in ev.after and ev.role == "candidate" and ev.ip == "203.0.113.7"
    assert "claes" not in ev.after.lower() and "+32" not in ev.after


def test_the_public_sees_a_candidate_only_when_accepted_and_agreed_to_publish(app):
    idea, fin = limburg(), user("finance@example.org")
    published = [c.org_name for c in registration.published_candidates(idea)]
    assert published == ["Kenniscentrum Industrie-Onderwijs vzw", "Hasp-O Centrum"]  # the third still waits
    agreed, _t = registration.register(VISITOR, idea, data())
    private, _t = registration.register(VISITOR, idea, data(org_name="Stille Partner", consent_publish=False))
    declined, _t = registration.register(VISITOR, idea, data(org_name="Afgewezen bv", org_country="NL"))
    assert [c.org_name for c in registration.published_candidates(idea)] == published  # nothing before a decision
    office.accept(actor(fin), fin, agreed)
    office.accept(actor(fin), fin, private)
    office.decline(actor(fin), fin, declined, "Past niet bij het idee.")
    public = registration.published_candidates(idea)
    assert [c.org_name for c in public] == ["Technicum Noord-Limburg", *published]  # leads first
    assert not hasattr(public[0], "contact_email") and not hasattr(public[0], "contact_name")
    assert [e.after for e in events("idea.candidate_declined")][-1].count("Afgewezen bv") == 1


def test_only_the_office_decides_and_sees_contacts(app):
    idea = limburg()
    partner_user = user("partner.howest@example.org")
    candidate, _t = registration.register(VISITOR, idea, data())
    for attempt in (lambda: office.candidates_of(partner_user, idea),
                    lambda: office.accept(actor(partner_user), partner_user, candidate)):
        with pytest.raises(PermissionDenied):
            attempt()
    auditor = user("auditor@example.org")
    with pytest.raises(PermissionDenied):
        office.ideas_overview(auditor)
    fin = user("finance@example.org")
    assert "an.claes@technicum.example" in [c.contact_email for c in office.candidates_of(fin, idea)]
    office.accept(actor(fin), fin, candidate)
    with pytest.raises(DomainError):
        office.decline(actor(fin), fin, candidate, "te laat")  # decided once
    with pytest.raises(DomainError):
        office.decline(actor(fin), fin, registration.register(VISITOR, idea, data(org_name="Zonder reden"))[0], " ")


def conversion(idea, candidates, lead, code="VSL") -> office.Conversion:
    return office.Conversion(
        programme_id=db.session.scalar(select(Programme.id).limit(1)),
        project=setup.ProjectData(code=code, name="Vroegtijdige schoolverlating", start_date=date(2021, 1, 1),
                                  end_date=date(2022, 12, 31), eligibility_start=date(2021, 1, 1),
                                  eligibility_end=date(2022, 12, 31), cofinancing_rate=Decimal("50.00"),
                                  efro_ceiling=Decimal("250000.00")),
        candidate_ids=tuple(c.id for c in candidates), lead_candidate_id=lead.id)


def test_an_admin_turns_the_idea_into_a_project_with_the_accepted_candidates(app):
    idea, admin, fin = limburg(), user("admin@example.org"), user("finance@example.org")
    lead, _t = registration.register(VISITOR, idea, data())
    office.accept(actor(fin), fin, lead)
    accepted = [c for c in office.candidates_of(admin, idea) if c.status is CandidateStatus.ACCEPTED]
    waiting = next(c for c in office.candidates_of(admin, idea) if c.status is CandidateStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        office.convert(actor(fin), fin, idea, conversion(idea, accepted, lead))  # a finance officer may not
    with pytest.raises(DomainError):
        office.convert(actor(admin), admin, idea, conversion(idea, [*accepted, waiting], lead))  # not accepted
    project = office.convert(actor(admin), admin, idea, conversion(idea, accepted, lead))
    db.session.commit()
    assert idea.status is IdeaStatus.CONVERTED and idea.project_id == project.id
    partners = db.session.scalars(select(Partner).where(Partner.project_id == project.id)
                                  .order_by(Partner.number)).all()
    assert [(p.number, p.name, p.is_lead) for p in partners] == [
        (1, "Technicum Noord-Limburg", True), (2, "Kenniscentrum Industrie-Onderwijs vzw", False),
        (3, "Hasp-O Centrum", False)]
    assert {c.partner_id for c in accepted} == {p.id for p in partners}
    assert len(project_periods := project_period_numbers(project.id)) == 4 and project_periods == [1, 2, 3, 4]
    assert admin.roles_in(project.id)  # the administrator who did it administers the project
    ev = events("idea.converted")[-1]
    assert ev.project_id == project.id and '"VSL"' in ev.after and "claes" not in ev.after.lower()
    assert len([e for e in events("partner.created") if e.project_id == project.id]) == 3
    with pytest.raises(DomainError):
        registration.register(VISITOR, idea, data(org_name="Te laat"))
    with pytest.raises(DomainError):
        office.convert(actor(admin), admin, idea, conversion(idea, accepted, lead, code="VSL2"))


def project_period_numbers(project_id: int) -> list[int]:
    from app.models import ReportingPeriod
    return list(db.session.scalars(select(ReportingPeriod.number).where(ReportingPeriod.project_id == project_id)
                                   .order_by(ReportingPeriod.number)))


def test_a_candidate_withdraws_its_consent_to_publish_and_the_public_page_drops_it_at_once(app):
    idea, fin = limburg(), user("finance@example.org")
    candidate, token = registration.register(VISITOR, idea, data())
    office.accept(actor(fin), fin, candidate)
    assert "Technicum Noord-Limburg" in [c.org_name for c in registration.published_candidates(idea)]
    registration.withdraw_consent(VISITOR, registration.candidate_for_token(token))
    db.session.commit()
    assert "Technicum Noord-Limburg" not in [c.org_name for c in registration.published_candidates(idea)]
    assert candidate.status is CandidateStatus.ACCEPTED and not candidate.consent_publish
    assert candidate.consent_withdrawn_at is not None and not candidate.published
    assert candidate.contact_email == "an.claes@technicum.example"  # the office keeps its candidacy
    ev = events("idea.candidate_consent_withdrawn")[-1]
    assert ev.role == "candidate" and ev.ip == "203.0.113.7" and ev.object_id == str(candidate.id)
    assert '"consent_publish":true' in ev.before.replace(" ", "") and '"published":false' in ev.after.replace(" ", "")
    assert "claes" not in (ev.before + ev.after).lower()
    with pytest.raises(DomainError):  # once
        registration.withdraw_consent(VISITOR, candidate)


def test_a_candidate_withdraws_its_candidacy_and_nothing_is_deleted(app):
    idea, fin, admin = limburg(), user("finance@example.org"), user("admin@example.org")
    waiting, _t = registration.register(VISITOR, idea, data(org_name="Wacht Nog"))
    accepted, _t = registration.register(VISITOR, idea, data())
    office.accept(actor(fin), fin, accepted)
    registration.withdraw(VISITOR, waiting)
    registration.withdraw(VISITOR, accepted)
    db.session.commit()
    assert "Technicum Noord-Limburg" not in [c.org_name for c in registration.published_candidates(idea)]
    assert {c.org_name for c in office.candidates_of(fin, idea)} >= {"Wacht Nog", "Technicum Noord-Limburg"}
    assert waiting.withdrawn and waiting.status is CandidateStatus.SUBMITTED and accepted.withdrawn_at is not None
    counts = dict(office.ideas_overview(fin))[idea]
    assert counts["withdrawn"] == 2 and counts["accepted"] == 2 and counts["submitted"] == 1  # the demo's 2 + 1
    with pytest.raises(DomainError):  # the office can no longer accept it
        office.accept(actor(fin), fin, waiting)
    with pytest.raises(DomainError):  # nor make it a partner
        office.convert(actor(admin), admin, idea, conversion(idea, [accepted], accepted))
    with pytest.raises(DomainError):  # once
        registration.withdraw(VISITOR, accepted)
    ev = events("idea.candidate_withdrawn")
    assert [e.object_id for e in ev[-2:]] == [str(waiting.id), str(accepted.id)]
    before = ev[-1].before.replace(" ", "")
    assert '"withdrawn":false' in before and '"published":true' in before
    assert '"withdrawn":true' in ev[-1].after.replace(" ", "")


def test_a_declined_candidate_or_a_partner_does_not_withdraw_its_candidacy(app):
    idea, fin, admin = limburg(), user("finance@example.org"), user("admin@example.org")
    declined, _t = registration.register(VISITOR, idea, data(org_name="Afgewezen bv"))
    office.decline(actor(fin), fin, declined, "Past niet.")
    with pytest.raises(DomainError):
        registration.withdraw(VISITOR, declined)
    lead, _t = registration.register(VISITOR, idea, data())
    office.accept(actor(fin), fin, lead)
    office.convert(actor(admin), admin, idea, conversion(idea, [lead], lead))
    with pytest.raises(DomainError):
        registration.withdraw(VISITOR, lead)  # a partner of the project now
    registration.withdraw_consent(VISITOR, lead)  # but it may still leave the public page
    assert lead.partner_id is not None and not lead.published
