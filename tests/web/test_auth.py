import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from tests.conftest import DEMO_PASSWORD, csrf_token, login


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_login_page_has_email_password_and_csrf(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html and 'name="csrf_token"' in html


def test_pages_need_login(client):
    response = client.get("/projects/LES")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_successful_login_is_audited_and_opens_the_dashboard(client):
    response = login(client, "finance@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "LES" in client.get("/projects").get_data(as_text=True)
    [event] = _events("auth.login")
    assert event.actor == "finance@example.org" and event.user_id is not None and event.ip == "127.0.0.1"


def test_email_is_case_insensitive(client):
    assert login(client, "  Finance@Example.ORG ").status_code == 302


@pytest.mark.parametrize("email, password", [
    ("finance@example.org", "wrong password"),
    ("nobody@example.org", DEMO_PASSWORD),
])
def test_failed_login_is_refused_and_audited(client, email, password):
    response = login(client, email, password)
    assert response.status_code == 401
    assert "Onbekend e-mailadres of verkeerd wachtwoord" in response.get_data(as_text=True)
    [event] = _events("auth.login_failed")
    assert event.actor == email
    assert client.get("/projects").status_code == 302  # still not logged in


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"email": "finance@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert _events("auth.login") == []


def test_failures_slow_an_account_down_but_never_lock_its_owner_out(client):
    """No hard lock: after three failures each attempt waits a growing delay (429 with Retry-After); once it
    has passed, the owner signs in with the right password."""
    from datetime import UTC, datetime, timedelta

    from app.models.types import clock_at
    for _ in range(3):
        assert login(client, "finance@example.org", "guess").status_code == 401
    refused = login(client, "finance@example.org", DEMO_PASSWORD)  # even the right password must wait a moment
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 2
    assert "Te veel mislukte aanmeldpogingen voor dit account" in refused.get_data(as_text=True)
    assert len(_events("auth.login_failed")) == 3  # the refusal checked no password and is no failure
    assert login(client, "auditor@example.org").status_code == 302  # other accounts unaffected
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/projects").get_data(as_text=True))})
    with clock_at(datetime.now(UTC) + timedelta(seconds=5)):
        assert login(client, "finance@example.org").status_code == 302


def test_logout_needs_post_with_csrf_and_is_audited(client):
    login(client, "finance@example.org")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    page = client.get("/projects").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/projects").status_code == 302
    assert len(_events("auth.logout")) == 1


@pytest.mark.parametrize("next_url, expected", [
    ("/projects/LES", "/projects/LES"),
    ("https://evil.example/", "/"),  # elsewhere: the dashboard
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirect_stays_on_this_site(client, next_url, expected):
    """Also across the second factor: the finance officer gives a code before going on."""
    response = login(client, "finance@example.org", query_string={"next": next_url})
    assert response.headers["Location"] == expected


def test_inactive_user_cannot_log_in(client):
    from app.models import User
    user = db.session.scalar(select(User).where(User.email == "auditor@example.org"))
    user.active = False
    db.session.commit()
    assert login(client, "auditor@example.org").status_code == 401


def test_passwords_are_argon2_hashes(app):
    from app.models import User
    hashes = db.session.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    # the six LES users and one partner user each of LLL, ICT and OOST (app/demo.py PORTFOLIO_PARTNER_USERS)
    assert db.session.scalar(select(func.count()).select_from(User)) == 9


def test_refusal_redirect_never_leaves_the_site(client, app):
    """A refused action goes back to the referring page, but only to a page of this site."""
    from app.errors import DomainError

    @app.get("/_refuse")
    def _refuse():
        raise DomainError("Geweigerd.")

    response = client.get("/_refuse", headers={"Referer": "https://evil.example/phish"})
    assert response.headers["Location"] == "/"
    response = client.get("/_refuse", headers={"Referer": "http://localhost/projects/LES?x=1"})
    assert response.headers["Location"] == "/projects/LES?x=1"


def test_too_large_request_gets_a_dutch_message(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert "Het verzoek is te groot" in response.get_data(as_text=True)
