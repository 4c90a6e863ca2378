"""Project ideas over HTTP: a visitor registers from the idea's page (CSRF, rate limit, private status link);
the public page never shows a contact person, and shows a candidate only after the office accepted it; the
office's pages show contacts to finance officers and admins only."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import IdeaCandidate, ProjectIdea
from tests.conftest import csrf_token, login, post_form

pytestmark = pytest.mark.demo_history
FORM = {"role": "lead", "org_name": "Technicum Noord-Limburg", "org_country": "BE", "org_city": "Lommel",
        "description": "Technische school die wil trekken.", "contact_name": "An Claes",
        "contact_email": "an.claes@technicum.example", "contact_phone": "+32 11 00 00 00", "consent_publish": "y"}


def idea_id() -> int:
    return db.session.scalar(select(ProjectIdea.id).where(ProjectIdea.title.like("Vroegtijdige%")))


def register(client, **overrides):
    return post_form(client, f"/ideas/{idea_id()}/register", {**FORM, **overrides})


def test_the_start_page_links_to_the_ideas_and_an_idea_lists_its_published_candidates(client):
    start = client.get("/").get_data(as_text=True)
    assert f'href="/ideas/{idea_id()}"' in start and "Vroegtijdige schoolverlating" in start
    page = client.get(f"/ideas/{idea_id()}").get_data(as_text=True)
    assert "Kenniscentrum Industrie-Onderwijs vzw" in page and "Hasp-O Centrum" in page
    assert "Leerwerkbedrijf Maasvallei" not in page  # still waiting for the office
    assert "@" not in re.sub(r"<head>.*?</head>", "", page, flags=re.S)  # no e-mail address of anyone
    assert "Griet Vanhout" not in page and "Johan Stevens" not in page


def test_a_visitor_registers_and_follows_the_candidacy_by_its_private_link(client):
    response = register(client)
    assert response.status_code == 302 and "/ideas/status/" in response.headers["Location"]
    status = client.get(response.headers["Location"])
    assert status.status_code == 200 and status.headers["Cache-Control"].endswith("no-store")
    assert "Technicum Noord-Limburg" in status.get_data(as_text=True)
    assert "Technicum Noord-Limburg" not in client.get(f"/ideas/{idea_id()}").get_data(as_text=True)
    assert client.get("/ideas/status/" + "x" * 43).status_code == 404
    without_token = client.post(f"/ideas/{idea_id()}/register", data=FORM)
    assert without_token.status_code == 400  # no CSRF token: refused before the view
    assert db.session.scalar(select(db.func.count()).select_from(IdeaCandidate)) == 4


def test_a_refused_registration_names_its_fields_and_stores_nothing(client):
    response = register(client, org_name="", contact_email="geen adres", role="baas")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('class="error"') >= 3
    assert db.session.scalar(select(db.func.count()).select_from(IdeaCandidate)) == 3


def test_registrations_are_rate_limited_per_address(client, app):
    app.config["RATELIMIT_IDEA_REGISTER"] = "2 per hour"
    assert register(client).status_code == 302
    assert register(client, org_name="Tweede").status_code == 302
    third = register(client, org_name="Derde")
    assert third.status_code == 429 and "Retry-After" in third.headers
    assert db.session.scalar(select(db.func.count()).select_from(IdeaCandidate)) == 5


def test_the_office_sees_contacts_and_publishes_a_candidate(client):
    register(client)
    candidate = db.session.scalar(select(IdeaCandidate).where(IdeaCandidate.org_name == "Technicum Noord-Limburg"))
    login(client, "partner.howest@example.org")
    assert client.get(f"/office/ideas/{idea_id()}").status_code == 403
    assert "/office/ideas" not in client.get("/projects").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/projects").get_data(as_text=True))})
    login(client, "finance@example.org")
    office = client.get(f"/office/ideas/{idea_id()}").get_data(as_text=True)
    assert "an.claes@technicum.example" in office and "griet.vanhout@kio.example" in office
    accepted = client.post(f"/office/ideas/{idea_id()}/candidates/{candidate.id}/accept",
                           data={"csrf_token": csrf_token(office), "note": ""})
    assert accepted.status_code == 302
    page = client.get(f"/ideas/{idea_id()}").get_data(as_text=True)
    assert "Technicum Noord-Limburg" in page and "an.claes" not in page and "An Claes" not in page
    assert client.get(f"/office/ideas/{idea_id()}/convert").status_code == 403  # an administrator converts


def published_and_accepted(client) -> str:
    """Register, have the office accept it, and return the private status link."""
    status_url = register(client).headers["Location"]
    candidate = db.session.scalar(select(IdeaCandidate).where(IdeaCandidate.org_name == "Technicum Noord-Limburg"))
    login(client, "finance@example.org")
    office = client.get(f"/office/ideas/{idea_id()}").get_data(as_text=True)
    client.post(f"/office/ideas/{idea_id()}/candidates/{candidate.id}/accept",
                data={"csrf_token": csrf_token(office), "note": ""})
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/projects").get_data(as_text=True))})
    assert "Technicum Noord-Limburg" in client.get(f"/ideas/{idea_id()}").get_data(as_text=True)
    return status_url


def test_a_candidate_withdraws_its_consent_by_its_private_link_and_the_listing_drops_it(client):
    status_url = published_and_accepted(client)
    page = client.get(status_url).get_data(as_text=True)
    assert 'id="withdraw-consent"' in page and 'id="withdraw-candidacy"' in page
    done = client.post(status_url + "/consent/withdraw", data={"csrf_token": csrf_token(page)},
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert 'class="flash flash-success"' in html and 'id="withdraw-consent"' not in html
    assert "Technicum Noord-Limburg" not in client.get(f"/ideas/{idea_id()}").get_data(as_text=True)
    assert client.post(status_url + "/consent/withdraw", data={"csrf_token": csrf_token(html)},
                       follow_redirects=True).status_code == 200  # again: a message, nothing changes
    login(client, "finance@example.org")
    office = client.get(f"/office/ideas/{idea_id()}").get_data(as_text=True)
    row = re.search(r'<tr id="candidate-\d+" data-org="Technicum Noord-Limburg">.*?</tr>', office, re.S).group(0)
    assert "an.claes@technicum.example" in row and "toestemming ingetrokken" in row


def test_a_candidate_withdraws_its_candidacy_and_the_office_still_sees_it(client):
    status_url = published_and_accepted(client)
    page = client.get(status_url).get_data(as_text=True)
    assert client.post(status_url + "/candidacy/withdraw", data={}).status_code == 400  # no CSRF token
    done = client.post(status_url + "/candidacy/withdraw", data={"csrf_token": csrf_token(page)},
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert 'class="flash flash-success"' in html and 'id="withdraw-candidacy"' not in html
    assert "Technicum Noord-Limburg" not in client.get(f"/ideas/{idea_id()}").get_data(as_text=True)
    candidate = db.session.scalar(select(IdeaCandidate).where(IdeaCandidate.org_name == "Technicum Noord-Limburg"))
    db.session.refresh(candidate)
    assert candidate.withdrawn and candidate.contact_email == "an.claes@technicum.example"
    assert client.post("/ideas/status/" + "x" * 43 + "/candidacy/withdraw",
                       data={"csrf_token": csrf_token(page)}).status_code == 404
    login(client, "finance@example.org")
    office = client.get(f"/office/ideas/{idea_id()}").get_data(as_text=True)
    row = re.search(r'<tr id="candidate-\d+" data-org="Technicum Noord-Limburg">.*?</tr>', office, re.S).group(0)
    assert "an.claes@technicum.example" in row and "Aanvaarden" not in row
