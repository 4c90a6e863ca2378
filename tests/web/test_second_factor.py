"""The second factor: finance officers, admins and auditors cannot use the app without it; partners may
choose it; a code is accepted once; recovery codes work once each; sign-in limits per address."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_TOTP_SECRET
from app.extensions import db
from app.models import AuditEvent, RecoveryCode, Role, User
from app.models.types import clock_at
from app.services import two_factor
from app.services.accounts import create_user, grant_membership
from app.services.audit import Actor
from tests.conftest import DEMO_PASSWORD, Device, csrf_token, login
from tests.factories import project

FIN = "finance@example.org"


@pytest.fixture
def client(app):
    """Browsers of their own (several devices sign in here); the test reads the database between requests."""
    return Device(app)


def _password_only(client, email, password=DEMO_PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(page.get_data(as_text=True))})


def _code(client, code):
    page = client.get("/login/second-factor")
    return client.post("/login/second-factor",
                       data={"code": code, "csrf_token": csrf_token(page.get_data(as_text=True))})


def _events(action):
    """(actor, after) of the events, read in a transaction that ends at once (on SQLite it holds the write
    lock that the devices' requests need)."""
    events = [(e.actor, e.after) for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]
    db.session.rollback()
    return events


@pytest.mark.parametrize("email", [FIN, "auditor@example.org", "admin@example.org"])
def test_without_the_second_factor_the_app_stays_closed(client, email):
    response = _password_only(client, email)
    assert response.status_code == 302 and response.headers["Location"] == "/login/second-factor"
    for url in ("/projects", "/projects/LES", "/projects/LES/claims", "/account", "/admin/users"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], url
    assert _events("auth.login") == []  # the password alone is no sign-in


def test_a_wrong_code_is_refused_and_audited(client):
    _password_only(client, FIN)
    response = _code(client, "000000" if two_factor.totp(DEMO_TOTP_SECRET).now() != "000000" else "111111")
    assert response.status_code == 401 and "Die code klopt niet" in response.get_data(as_text=True)
    assert len(_events("auth.second_factor_failed")) == 1
    assert client.get("/projects").status_code == 302


def test_five_wrong_codes_send_back_to_the_password(client):
    _password_only(client, FIN)
    for _ in range(5):
        response = _code(client, "12345a")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/login/second-factor").headers["Location"] == "/login"


def test_the_same_code_is_not_accepted_twice(app, client):
    code = two_factor.totp(DEMO_TOTP_SECRET).now()
    _password_only(client, FIN)
    assert _code(client, code).status_code == 302
    assert client.get("/projects").status_code == 200
    other = Device(app)  # someone who saw the code over the shoulder, with the password
    _password_only(other, FIN)
    assert _code(other, code).status_code == 401
    assert other.get("/projects").status_code == 302


def test_a_recovery_code_works_once(app, client):
    fin = db.session.scalar(select(User).where(User.email == FIN))
    codes, fin_id = two_factor._replace_codes(fin), fin.id
    db.session.commit()
    _password_only(client, FIN)
    assert _code(client, codes[3].upper().replace("-", " ")).status_code == 302  # typed loosely
    assert [after for _actor, after in _events("user.recovery_code_used")] == ['{"left":9}']
    other = Device(app)
    _password_only(other, FIN)
    assert _code(other, codes[3]).status_code == 401
    hashes = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == fin_id)).all()
    assert codes[3] not in " ".join(hashes)  # only hashes are stored


def _new_finance_officer(email="nieuw.financien@example.org"):
    system = Actor.system("test")
    user = create_user(system, email, "Nina Nieuw", "lang-genoeg-wachtwoord")
    grant_membership(system, user, project(), Role.FINANCE)
    db.session.commit()
    return email


def test_a_finance_officer_without_a_second_factor_sets_it_up_before_anything_else(client):
    email = _new_finance_officer()
    response = _password_only(client, email, "lang-genoeg-wachtwoord")
    assert response.headers["Location"] == "/login/enrol"
    assert client.get("/projects").status_code == 302  # not signed in yet
    page = client.get("/login/enrol").get_data(as_text=True)
    assert '<svg' in page and 'id="totp-qr"' in page
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post("/login/enrol", data={"code": "000000", "csrf_token": csrf_token(page)})
    assert "Die code klopt niet" in response.get_data(as_text=True)
    response = client.post("/login/enrol", data={"code": two_factor.totp(secret).now(), "csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(re.findall(r"<li><code>[a-z0-9-]{19}</code></li>", html)) == 10
    assert client.get("/projects").status_code == 200
    user = db.session.scalar(select(User).where(User.email == email))
    assert user.has_second_factor
    codes = select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)
    assert db.session.scalar(codes) == 10
    assert [a for a, _after in _events("user.second_factor_enrolled") if a != "seed-demo"] == [email]
    # from now on the code is asked at every sign-in
    assert _password_only(Device(client.application), email,
                          "lang-genoeg-wachtwoord").headers["Location"] == "/login/second-factor"


def test_a_role_granted_while_signed_in_asks_for_the_second_factor_first(client):
    login(client, "partner.howest@example.org")
    assert client.get("/projects").status_code == 200
    howest = db.session.scalar(select(User).where(User.email == "partner.howest@example.org"))
    grant_membership(Actor.system("test"), howest, project("LLL"), Role.AUDITOR)
    db.session.commit()
    response = client.get("/projects")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"


def test_a_partner_may_choose_a_second_factor(app, client):
    assert login(client, "partner.howest@example.org").headers["Location"] == "/"  # optional: no code
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post("/account/two-factor", data={"code": two_factor.totp(secret).now(),
                                                         "csrf_token": csrf_token(page)})
    assert "Uw herstelcodes" in response.get_data(as_text=True)
    other = Device(app)
    assert _password_only(other, "partner.howest@example.org").headers["Location"] == "/login/second-factor"
    code = two_factor.totp(secret).at(datetime.now(UTC) + timedelta(seconds=30))
    assert _code(other, code).status_code == 302


def test_forty_wrong_passwords_from_one_address_end_in_429(client):
    """Spraying: many accounts, one address. The limit holds across workers: it counts the failed sign-ins
    in the audit trail (the database), not in a worker's memory."""
    answers = []
    for n in range(40):
        email = f"gok{n}@example.org" if n % 2 else FIN
        answers.append(_password_only(client, email, f"geraden-{n}").status_code)
    assert set(answers[:3]) == {401}
    assert answers[-1] == 429 and answers.count(429) >= 19
    last = _password_only(client, "auditor@example.org")  # even a right password, from this address
    assert last.status_code == 429 and int(last.headers["Retry-After"]) > 60
    assert "Te veel mislukte aanmeldpogingen vanaf uw adres" in last.get_data(as_text=True)
    assert len(_events("auth.login_failed")) == 20  # the refused ones checked nothing
    # another address is not affected, and once the window has passed this one may try again
    other = Device(client.application)
    page = other.get("/login", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    ok = other.post("/login", environ_base={"REMOTE_ADDR": "198.51.100.7"}, data={
        "email": "partner.howest@example.org", "password": DEMO_PASSWORD,
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert ok.status_code == 302
    with clock_at(datetime.now(UTC) + timedelta(minutes=16)):
        assert _password_only(client, "partner.odisee@example.org").status_code == 302


def test_the_address_limit_is_shared_by_every_worker(app, tmp_path):
    """Two apps on one database (two gunicorn workers): failures through one count in the other."""
    from tests.conftest import make_app
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 4
    second = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "second", LOGIN_ADDRESS_MAX_FAILURES=4)
    first_worker, second_worker = Device(app), Device(second)
    for n in range(4):
        assert _password_only(first_worker, f"gok{n}@example.org", "fout-wachtwoord").status_code == 401
    db.session.remove()
    assert _password_only(second_worker, "partner.howest@example.org").status_code == 429
    with second.app_context():
        db.engine.dispose()


def test_flask_limiter_caps_every_sign_in_request(app, client):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    for n in range(3):
        assert _password_only(client, f"gok{n}@example.org", "verkeerd-wachtwoord").status_code == 401
    response = _password_only(client, "partner.howest@example.org")  # neither the address nor the account limit
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "Te veel verzoeken van uw adres" in response.get_data(as_text=True)
