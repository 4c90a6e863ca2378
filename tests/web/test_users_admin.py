"""The admin's users pages: create a user with a role, reset a password (a new one at the next sign-in), all
audited; only admins, only for their projects' members."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Membership, User
from tests.conftest import Device, csrf_token, login, post_form
from tests.factories import partner, project


@pytest.fixture
def client(app):
    return Device(app)


def _actions():
    actions = [a for a in db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))]
    db.session.rollback()
    return actions


def test_an_admin_creates_a_partner_user_who_chooses_a_password_at_the_first_sign_in(app, client):
    howest, les = partner("Howest").id, project().id
    db.session.rollback()
    login(client, "admin@example.org")
    response = post_form(client, "/admin/users/new", {
        "email": "Nieuw.Howest@example.org", "full_name": "Niels Nieuw", "project_id": str(les), "role": "partner",
        "partner_id": str(howest)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "De gebruiker is aangemaakt" in html
    temporary = re.search(r'id="temporary-password">([^<]+)<', html).group(1)
    user = db.session.scalar(select(User).where(User.email == "nieuw.howest@example.org"))
    assert user.must_change_password and not user.password_hash.endswith(temporary)
    assert [(m.role.value, m.partner_id) for m in db.session.scalars(
        select(Membership).where(Membership.user_id == user.id))] == [("partner", howest)]
    db.session.rollback()
    assert {"user.created", "membership.granted"} <= set(_actions())
    newcomer = Device(app)
    assert login(newcomer, "nieuw.howest@example.org", temporary).status_code == 302
    response = newcomer.get("/projects/LES")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert newcomer.get("/").headers["Location"] == "/account/password"  # the dashboard too: nothing before it
    post_form(newcomer, "/account/password", {"current": temporary, "new": "zeven zeeën te bevaren",
                                              "repeat": "zeven zeeën te bevaren"})
    assert newcomer.get("/projects/LES").status_code == 200


def test_a_reset_password_must_be_replaced_and_ends_the_sessions(app, client):
    howest_user = Device(app)
    login(howest_user, "partner.howest@example.org")
    target = db.session.scalar(select(User.id).where(User.email == "partner.howest@example.org"))
    db.session.rollback()
    login(client, "admin@example.org")
    response = post_form(client, f"/admin/users/{target}/reset-password", {}, form_url="/admin/users")
    temporary = re.search(r'id="temporary-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert howest_user.get("/projects").status_code == 302  # signed out everywhere
    assert login(Device(app), "partner.howest@example.org").status_code == 401  # the old password is gone
    again = Device(app)
    login(again, "partner.howest@example.org", temporary)
    assert again.get("/projects").headers["Location"] == "/account/password"
    assert "user.password_reset" in _actions()


@pytest.mark.parametrize("email", ["finance@example.org", "auditor@example.org", "partner.howest@example.org"])
def test_only_admins_manage_users_and_a_refusal_is_audited(client, email):
    login(client, email)
    assert client.get("/admin/users").status_code == 403
    page = client.get("/projects").get_data(as_text=True)
    assert client.post("/admin/users/1/deactivate", data={"csrf_token": csrf_token(page)}).status_code == 403
    assert _actions().count("access.denied") == 2
