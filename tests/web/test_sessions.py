"""Sessions that end: a copied cookie stops working after logout, a password change or a deactivation; idle
and absolute time-outs; no-store and HSTS headers; secure cookies by default outside development."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app import sessions
from app.config import Config
from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import Device, csrf_token, login, make_app, post_form

FIN = "finance@example.org"


@pytest.fixture
def client(app):  # noqa: F811  (every test here uses devices of their own)
    return Device(app)


def _copy(app, client):
    """A second browser holding a copy of the first one's session cookie (as a thief would)."""
    thief = Device(app)
    thief.client.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/projects").status_code == 200


def _logout(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client.get("/projects").get_data(as_text=True))})


def test_a_copied_cookie_stops_working_after_logout(app, client):
    login(client, FIN)
    thief = _copy(app, client)
    assert _signed_in(thief)  # the copy works while the session lives
    assert _logout(client).status_code == 302
    response = thief.get("/projects")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(client)


def test_logout_ends_the_users_sessions_on_other_devices_too(app, client):
    login(client, FIN)
    other = Device(app)
    login(other, FIN)
    _logout(client)
    assert not _signed_in(other)


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(app, client):
    login(client, "partner.howest@example.org")
    other = Device(app)
    login(other, "partner.howest@example.org")
    response = post_form(client, "/account/password", {"current": "cofund-demo-2026", "new": "drie bomen in de wind",
                                                       "repeat": "drie bomen in de wind"})
    assert response.status_code == 302
    assert _signed_in(client) and not _signed_in(other)
    assert login(other, "partner.howest@example.org", "drie bomen in de wind").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_changed")) is not None


@pytest.mark.parametrize("new, message", [
    ("aaaaaaaaaaaa", "te vaak gebruikt"), ("password1234", "te vaak gebruikt"), ("Welkom2024!!", "te vaak gebruikt"),
    ("kort", "minstens 12 tekens"), ("partner.howest-2026", "e-mailadres"),
])
def test_a_weak_new_password_is_refused(client, new, message):
    login(client, "partner.howest@example.org")
    response = post_form(client, "/account/password", {"current": "cofund-demo-2026", "new": new, "repeat": new},
                         follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert login(Device(client.app), "partner.howest@example.org").status_code == 302  # unchanged


def test_the_current_password_is_required(client):
    login(client, "partner.howest@example.org")
    response = post_form(client, "/account/password", {"current": "not my password", "new": "drie bomen in de wind",
                                                       "repeat": "drie bomen in de wind"}, follow_redirects=True)
    assert "Uw huidige wachtwoord klopt niet" in response.get_data(as_text=True)


@pytest.mark.parametrize("key, age", [(sessions.SEEN_AT, 31 * 60), (sessions.SIGNED_IN_AT, 12 * 3600 + 1)])
def test_idle_and_absolute_timeouts(client, key, age):
    login(client, "partner.howest@example.org")
    assert _signed_in(client)
    with client.session_transaction() as session:
        session[key] = int(time.time()) - age
    response = client.get("/projects")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Uw sessie is beëindigd" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_timeouts_are_configurable(app, client):
    app.config["SESSION_IDLE_MINUTES"] = 1
    login(client, "partner.howest@example.org")
    with client.session_transaction() as session:
        session[sessions.SEEN_AT] = int(time.time()) - 90
    assert not _signed_in(client)


def test_a_session_without_its_version_is_not_accepted(client):
    """A cookie from before sessions had versions (or a forged one without) signs nobody in."""
    login(client, "partner.howest@example.org")
    with client.session_transaction() as session:
        del session[sessions.VERSION]
    assert not _signed_in(client)


def test_signed_in_pages_are_not_cached(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, FIN)
    for url in ("/projects", "/projects/LES", "/account"):
        assert "no-store" in client.get(url).headers["Cache-Control"], url


def test_hsts_where_https_is_configured(app, client, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "https", PREFERRED_URL_SCHEME="https")
    with secure.app_context():
        header = secure.test_client().get("/login").headers["Strict-Transport-Security"]
        db.engine.dispose()
    assert header.startswith("max-age=31536000")


def test_session_cookies_are_secure_by_default_outside_development(monkeypatch, tmp_path):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("COFUND_ENV", raising=False)
    assert Config(str(tmp_path)).SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("COFUND_ENV", "development")
    assert Config(str(tmp_path)).SESSION_COOKIE_SECURE is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert Config(str(tmp_path)).SESSION_COOKIE_SECURE is True


def test_an_admins_deactivation_ends_the_users_sessions(app, client):
    partner = Device(app)
    login(partner, "partner.odisee@example.org")
    assert _signed_in(partner)
    login(client, "admin@example.org")
    odisee = db.session.scalar(select(User.id).where(User.email == "partner.odisee@example.org"))
    db.session.rollback()  # on SQLite an open transaction holds the write lock the devices need
    response = post_form(client, f"/admin/users/{odisee}/deactivate", {}, form_url="/admin/users")
    assert response.status_code == 302
    assert not _signed_in(partner)
    assert login(Device(app), "partner.odisee@example.org").status_code == 401
