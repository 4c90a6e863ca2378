"""Which language a page is in: the user's choice (kept on the user), an anonymous visitor's choice (kept in
the session), else the browser's Accept-Language, else Dutch."""
import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import DEMO_PASSWORD, csrf_token, login

FIN = "finance@example.org"


def lang_of(html: str) -> str:
    return re.search(r'<html lang="(\w+)">', html).group(1)


class Browser:
    """A test client whose every request runs in its own app context, as in production: the tests' app
    context (and its ``g``, where Flask-Login keeps the signed-in user) is not shared with another client."""

    def __init__(self, app, **headers):
        self.app, self.client, self.headers = app, app.test_client(), headers
        self.application = app

    def get(self, url, **kwargs):
        with self.app.app_context():
            return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url, data, **kwargs):
        with self.app.app_context():
            return self.client.post(url, data=data, headers=self.headers, **kwargs)

    def page(self, url):
        return self.get(url).get_data(as_text=True)

    def sign_in(self, email):
        return login(self, email, DEMO_PASSWORD)  # with the second factor where the user has one

    def choose(self, language, page):
        return self.post("/language", {"language": language, "next": page, "csrf_token": csrf_token(self.page(page))})


def stored_language(email=FIN):
    """Read, then end the test's transaction: on SQLite it holds the write lock the Browser's requests need."""
    language = db.session.scalar(select(User.language).where(User.email == email))
    db.session.rollback()
    return language


def language_events():
    events = [(e.actor, json.loads(e.after)) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.language_set"))]
    db.session.rollback()
    return events


@pytest.mark.parametrize("header, language, heading", [
    (None, "nl", "Aanmelden"),
    ("nl-BE,nl;q=0.9,en;q=0.8", "nl", "Aanmelden"),
    ("en-GB,en;q=0.9", "en", "Sign in"),
    ("en-US", "en", "Sign in"),
    ("fr-BE,fr;q=0.9,en;q=0.5", "en", "Sign in"),  # English is the best the visitor accepts
    ("fr-BE,de;q=0.5", "nl", "Aanmelden"),  # neither: Dutch
    ("*", "nl", "Aanmelden"),
    ("x" * 300 + ";q=abc,,;", "nl", "Aanmelden"),  # nonsense is no reason to fail
])
def test_an_anonymous_visitor_gets_the_browsers_language(client, header, language, heading):
    response = client.get("/login", headers={"Accept-Language": header} if header else {})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert lang_of(html) == language and f"<h1>{heading}</h1>" in html
    assert "Accept-Language" in response.headers["Vary"]


def test_the_switcher_is_on_the_sign_in_page_and_names_each_language_in_itself(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'action="/language"' in html
    assert re.search(r'<button[^>]*value="nl" lang="nl"[^>]*aria-pressed="true"[^>]*>Nederlands</button>', html)
    assert re.search(r'<button[^>]*value="en" lang="en"[^>]*aria-pressed="false"[^>]*>English</button>', html)


def test_an_anonymous_choice_is_kept_in_the_session_and_beats_the_browser(app):
    english, other = Browser(app, **{"Accept-Language": "en"}), Browser(app, **{"Accept-Language": "en"})
    response = english.choose("nl", "/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = english.page("/login")
    assert lang_of(html) == "nl" and "<h1>Aanmelden</h1>" in html
    assert lang_of(other.page("/login")) == "en"  # another browser: its own session, its own preference
    assert language_events() == []


def test_a_signed_in_users_choice_is_kept_on_the_user_and_follows_them(app):
    english, dutch = Browser(app, **{"Accept-Language": "nl-BE"}), Browser(app, **{"Accept-Language": "nl-BE"})
    english.sign_in(FIN)
    assert stored_language() is None  # not chosen: the browser's language
    assert lang_of(english.page("/projects")) == "nl"
    response = english.choose("en", "/projects/LES")
    assert response.status_code == 302 and response.headers["Location"] == "/projects/LES"
    assert stored_language() == "en"
    assert language_events() == [(FIN, {"language": "en"})]
    html = english.page("/projects/LES")
    assert lang_of(html) == "en" and "Budget overview" in html and "€2,763,165.00" in html
    # Another browser, Dutch by preference: once the user signs in there, their choice holds.
    assert lang_of(dutch.page("/login")) == "nl"
    dutch.sign_in(FIN)
    html = dutch.page("/projects/LES")
    assert lang_of(html) == "en" and "€2,763,165.00" in html
    dutch.choose("nl", "/projects")
    assert stored_language() == "nl"
    assert lang_of(english.page("/projects")) == "nl"


def test_a_choice_made_before_signing_in_becomes_the_users(app):
    browser = Browser(app)
    browser.choose("en", "/login")
    assert browser.sign_in(FIN).status_code == 302
    assert stored_language() == "en"
    assert lang_of(browser.page("/projects")) == "en"
    browser.post("/logout", {"csrf_token": csrf_token(browser.page("/projects"))})
    # Signing out does not hand the choice to whoever signs in next on this computer.
    browser.sign_in("auditor@example.org")
    assert stored_language("auditor@example.org") is None
    assert lang_of(browser.page("/projects")) == "nl"


@pytest.mark.parametrize("data", [{"language": "fr"}, {"language": ""}, {}, {"language": "en" * 100}])
def test_a_bad_choice_changes_nothing_and_says_why(client, data):
    login(client, FIN)
    html = client.get("/projects").get_data(as_text=True)
    response = client.post("/language", data={**data, "next": "/projects", "csrf_token": csrf_token(html)})
    assert response.status_code == 302 and response.headers["Location"] == "/projects"
    assert stored_language() is None
    assert 'class="flash flash-error"' in client.get("/projects").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil", "javascript:alert(1)"])
def test_the_switcher_returns_only_to_this_site(client, target):
    html = client.get("/login").get_data(as_text=True)
    response = client.post("/language", data={"language": "en", "next": target, "csrf_token": csrf_token(html)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_switcher_needs_the_csrf_token(client):
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 400
    assert lang_of(client.get("/login").get_data(as_text=True)) == "nl"


def test_a_page_that_answered_a_form_returns_to_that_form(client):
    """A form shown again with its errors (a POST): the switcher goes back to the form (GET)."""
    login(client, FIN)
    html = client.get("/projects/LES/expenditures/new").get_data(as_text=True)
    page = client.post("/projects/LES/expenditures/new", data={"csrf_token": csrf_token(html)})
    assert page.status_code == 422
    assert 'name="next" value="/projects/LES/expenditures/new"' in page.get_data(as_text=True)
