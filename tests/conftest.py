"""Test fixtures.

Each test gets its own database, cloned from a template that was built once per run by the real
migrations (``flask db upgrade``) and, for most tests, the demo seed. SQLite by default; set
TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run everything on PostgreSQL.
"""
from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.config import normalise_database_url
from app.extensions import db

DEMO_PASSWORD = "cofund-demo-2026"
CHECKPOINT_KEY, CHECKPOINT_LOG = "audit-signing-key.pem", "audit-checkpoints.log"
PG_URL = os.environ.get("TEST_DATABASE_URL")
APP_ROLE = os.environ.get("TEST_DATABASE_ROLE") == "app"


def pytest_report_header(config):
    role = " (the app under its production role)" if PG_URL and APP_ROLE else ""
    return f"database: {'PostgreSQL ' + PG_URL + role if PG_URL else 'SQLite'}"


class SQLiteDatabases:
    app_role = None  # SQLite has no roles

    def __init__(self, root: Path):
        self.root = root

    def url(self, name: str) -> str:
        return f"sqlite:///{self.root / (name + '.sqlite3')}"

    def create_empty(self, name: str) -> str:
        return self.url(name)

    def clone(self, template: str, name: str) -> str:
        shutil.copyfile(self.root / f"{template}.sqlite3", self.root / f"{name}.sqlite3")
        return self.url(name)

    def close(self) -> None:
        pass

    def drop(self, name: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            (self.root / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)


class PostgresDatabases:
    """Databases on a PostgreSQL server, owned by the admin role of TEST_DATABASE_URL. The run also has an
    application role (``app_role``) as production has (app/services/db_roles.py): each template is granted
    to it by `flask db grant-app-role`; with TEST_DATABASE_ROLE=app the tests connect as it."""

    def __init__(self, admin_url: str):
        self.admin_url = make_url(normalise_database_url(admin_url))
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"cofund_t{os.getpid()}_"
        self.app_role = f"{self.prefix}app"
        self._exec(f'DROP ROLE IF EXISTS "{self.app_role}"')
        self._exec(f'CREATE ROLE "{self.app_role}" LOGIN')

    def as_app_role(self, url: str) -> str:
        return make_url(url).set(username=self.app_role, password=None).render_as_string(hide_password=False)

    def url(self, name: str) -> str:
        return self.admin_url.set(database=self.prefix + name).render_as_string(hide_password=False)

    def _exec(self, sql: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(sql))

    def create_empty(self, name: str) -> str:
        self._exec(f'DROP DATABASE IF EXISTS "{self.prefix}{name}" WITH (FORCE)')
        self._exec(f'CREATE DATABASE "{self.prefix}{name}"')
        return self.url(name)

    def clone(self, template: str, name: str) -> str:
        self._exec(f'CREATE DATABASE "{self.prefix}{name}" TEMPLATE "{self.prefix}{template}"')
        return self.url(name)

    def close(self) -> None:
        # A database that a crashed test left behind still has grants for the role: then keep the role.
        with suppress(DBAPIError):
            self._exec(f'DROP ROLE IF EXISTS "{self.app_role}"')
        self.engine.dispose()

    def drop(self, name: str) -> None:
        self._exec(f'DROP DATABASE IF EXISTS "{self.prefix}{name}" WITH (FORCE)')


def make_app(url: str, tmp_path: Path, **overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DOCUMENT_DIR": str(tmp_path / "documents"),
        "EXPORT_DIR": str(tmp_path / "exports"),  # the files of background exports, each app its own
        # The audit chain's signed checkpoints: each app its own log and key, never the environment's.
        "AUDIT_SIGNING_KEY": None,
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / CHECKPOINT_KEY),
        "AUDIT_CHECKPOINT_LOG": str(tmp_path / CHECKPOINT_LOG),
        **overrides,
    }
    return create_app(config)


# name, demo seeded, demo history (claims and payments) seeded
TEMPLATES = [("tpl_empty", False, False), ("tpl_demo", True, False), ("tpl_history", True, True)]


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = PostgresDatabases(PG_URL) if PG_URL else SQLiteDatabases(tmp_path_factory.mktemp("db"))
    tmp = tmp_path_factory.mktemp("tpl")
    from flask_migrate import upgrade

    from app.demo import seed_demo

    for name, seed, history in TEMPLATES:
        app = make_app(dbs.create_empty(name), tmp / name)
        with app.app_context():
            upgrade()
            if seed:
                seed_demo(history=history)
                db.session.commit()
            if dbs.app_role:  # as production does after every upgrade
                result = app.test_cli_runner().invoke(args=["db", "grant-app-role", "--role", dbs.app_role])
                assert result.exit_code == 0, result.output
            db.session.remove()
            db.engine.dispose()
    dbs.document_templates = tmp
    yield dbs
    for name, _, _ in TEMPLATES:
        dbs.drop(name)
    dbs.close()


@pytest.fixture
def app(request, databases, tmp_path):
    """The application on a fresh database: the LES demo budget and users; marked ``empty_db`` only the
    schema; marked ``demo_history`` the whole demo, with claims and payments."""
    template = ("tpl_empty" if request.node.get_closest_marker("empty_db") else
                "tpl_history" if request.node.get_closest_marker("demo_history") else "tpl_demo")
    name = "t" + uuid.uuid4().hex[:12]
    # The demo's evidence files, and the checkpoints of its audit chain with their key, belong with its
    # database: a clone without them would be a database whose signed history was lost.
    template_files = databases.document_templates / template
    if (template_files / "documents").exists():
        shutil.copytree(template_files / "documents", tmp_path / "documents")
    for file_name in (CHECKPOINT_KEY, CHECKPOINT_LOG):
        if (template_files / file_name).exists():
            shutil.copy2(template_files / file_name, tmp_path / file_name)
    url = databases.clone(template, name)
    # TEST_DATABASE_ROLE=app (.ci/run): the app runs under the production role, not as the tables' owner;
    # tests marked db_owner (tampering behind the app's back, migrations, restore) keep the owner.
    if databases.app_role and APP_ROLE and not request.node.get_closest_marker("db_owner"):
        url = databases.as_app_role(url)
    app = make_app(url, tmp_path)
    app.extensions["cofund.test_databases"] = (databases, template, name)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    db.engine.dispose()
    ctx.pop()
    databases.drop(name)


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'type="hidden" name="csrf_token" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return next(g for g in match.groups() if g)


def login(client, email: str, password: str = DEMO_PASSWORD, query_string=None):
    """Sign in as a user would: the password, then (for a user with a second factor: the demo's finance
    officer, auditor and admin, and users the factories make) a TOTP code computed from the demo secret.
    Returns the last response: the redirect after signing in, or the refusal."""
    page = client.get("/login")
    response = client.post("/login", query_string=query_string, data={
        "email": email, "password": password, "csrf_token": csrf_token(page.get_data(as_text=True))})
    if response.status_code == 302 and response.headers["Location"].endswith("/login/second-factor"):
        response = second_factor(client, email)
    return response


def totp_code(key, email: str) -> str:
    """A code of the demo secret for a step not yet used by this user in this database: the current step, else
    the next (the server accepts one step either side but never the same step twice); when both are used, wait
    for the next step. ``key`` names the database (each test has its own)."""
    from app.demo import DEMO_TOTP_SECRET
    from app.services.two_factor import totp as make_totp
    totp = make_totp(DEMO_TOTP_SECRET)
    while True:
        now = time.time()
        step = int(now // 30)
        last = _USED_STEPS.get((key, email), -1)
        for candidate in (step, step + 1):
            if candidate > last:
                _USED_STEPS[(key, email)] = candidate
                return totp.at(candidate * 30)
        time.sleep(30 - now % 30 + 0.05)


_USED_STEPS: dict[tuple, int] = {}


def second_factor(client, email: str):
    page = client.get("/login/second-factor")
    key = client.application.config["SQLALCHEMY_DATABASE_URI"]
    return client.post("/login/second-factor", data={"code": totp_code(key, email),
                                                     "csrf_token": csrf_token(page.get_data(as_text=True))})


def post_form(client, url: str, data: dict, **kwargs):
    """GET the form page for its CSRF token, then POST the data to it (as a browser would)."""
    page = client.get(kwargs.pop("form_url", url))
    assert page.status_code == 200, page.status_code
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))}, **kwargs)


@pytest.fixture
def as_user(client):
    def _as(email: str):
        response = login(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return _as


class Device:
    """A browser of its own: each request in its own app context, as in production (the test's app context,
    where Flask-Login caches the signed-in user in ``g``, is not shared)."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()
        self.application = app

    def get(self, *args, **kwargs):
        with self.app.app_context():
            return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with self.app.app_context():
            return self.client.post(*args, **kwargs)

    def get_cookie(self, name):
        return self.client.get_cookie(name)

    def session_transaction(self):
        return self.client.session_transaction()


@contextmanager
def count_queries(as_new_request: bool = False):
    """Count the SQL statements run inside the block. ``as_new_request``: start from an empty session, as
    a real request does (the test client shares the test's session, whose identity map would otherwise
    hide lazy loads)."""
    if as_new_request:
        db.session.expunge_all()
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def before_les_start():
    """The demo clock on a day before LES started (1 October 2019): its budget lines still change directly;
    after the start a change is a project modification (app/services/admin/modifications.py)."""
    from datetime import UTC, datetime

    from app.models.types import clock_at
    with clock_at(datetime(2019, 9, 16, 9, 0, tzinfo=UTC)):
        yield
