"""The audit trail against whoever can write the database (issue 9): on SQLite INSERT OR REPLACE cannot
replace an event; on PostgreSQL the application's role (app/services/db_roles.py) cannot change, delete,
truncate or un-trigger it, nor skip the triggers; a recomputed chain fails verify (test_audit.py,
test_a_recomputed_chain_is_detected_by_the_checkpoint)."""
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import AuditEvent
from app.services import audit
from app.services.audit import Actor, verify_chain

pytestmark = pytest.mark.empty_db

COLUMNS = "id, seq, occurred_at, actor, role, action, prev_hash, hash"


def _two_events():
    first = audit.record(Actor.system(), "thing.created")
    second = audit.record(Actor.system(), "thing.changed")
    db.session.commit()
    return first, second


def _values(ev, **changes) -> dict:
    values = {"id": ev.id, "seq": ev.seq, "occurred_at": ev.occurred_at.replace(tzinfo=None).isoformat(" "),
              "actor": "mallory", "role": "system", "action": "thing.forged", "prev_hash": ev.prev_hash,
              "hash": ev.hash}
    return {**values, **changes}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("verb, changes", [
    ("INSERT OR REPLACE", {}),  # the same event, forged
    ("REPLACE", {}),
    ("INSERT OR REPLACE", {"id": 999}),  # another id, the same seq
    ("INSERT OR REPLACE", {"id": 999, "seq": 999}),  # only the prev_hash is the same
    ("INSERT OR REPLACE", {"id": 999, "seq": 999, "prev_hash": "f" * 64}),  # only the hash is the same
])
def test_sqlite_refuses_to_replace_an_event(app, verb, changes):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    first, _ = _two_events()
    with pytest.raises(DatabaseError, match="append-only: replacing an existing event refused"):
        db.session.execute(text(f"{verb} INTO audit_event ({COLUMNS}) VALUES "
                                "(:id, :seq, :occurred_at, :actor, :role, :action, :prev_hash, :hash)"),
                           _values(first, **changes))
    db.session.rollback()
    assert _count() == 2 and verify_chain().ok
    audit.record(Actor.system(), "thing.changed")  # appending goes on as before
    db.session.commit()
    assert verify_chain().ok and verify_chain().count == 3


def test_an_upsert_is_an_update_and_refused(app):
    first, _ = _two_events()
    with pytest.raises(DatabaseError, match="append-only|permission denied for table audit_event"):
        db.session.execute(text(f"INSERT INTO audit_event ({COLUMNS}) VALUES "
                                "(:id, :seq, :occurred_at, :actor, :role, :action, :prev_hash, :hash) "
                                "ON CONFLICT (seq) DO UPDATE SET actor = 'mallory'"), _values(first, id=999))
    db.session.rollback()
    assert db.session.get(AuditEvent, first.id).actor == "system" and verify_chain().ok


def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("database roles are PostgreSQL's")


@pytest.fixture
def app_role_engine(app):
    """A connection as the application's production role, to the test's database."""
    _postgres_only()
    databases, _, _ = app.extensions["cofund.test_databases"]
    engine = create_engine(databases.as_app_role(db.engine.url.render_as_string(hide_password=False)))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("statement, refusal", [
    ("UPDATE audit_event SET actor = 'mallory'", "permission denied for table audit_event"),
    ("DELETE FROM audit_event", "permission denied for table audit_event"),
    ("TRUNCATE audit_event", "permission denied for table audit_event"),
    ("ALTER TABLE audit_event DISABLE TRIGGER USER", "must be owner of table audit_event"),
    ("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete", "must be owner of table audit_event"),
    ("DROP TRIGGER audit_event_no_update_delete ON audit_event", "must be owner of relation audit_event"),
    ("SET session_replication_role = replica", 'permission denied to set parameter "session_replication_role"'),
    ("DROP TABLE audit_event", "must be owner of table audit_event"),
    ("ALTER TABLE audit_event RENAME TO audit_event_old", "must be owner of table audit_event"),
    ("CREATE TABLE audit_event_copy (id integer)", "permission denied for schema public"),
    ("CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
     "$$ BEGIN RETURN NEW; END $$", "permission denied for schema public"),
    ("SET ROLE postgres", "permission denied to set role"),
])
def test_the_application_role_cannot_rewrite_the_audit_trail(app, app_role_engine, statement, refusal):
    _two_events()
    with app_role_engine.connect() as conn:
        with pytest.raises(DatabaseError, match=refusal):
            conn.execute(text(statement))
    assert _count() == 2 and verify_chain().ok


def test_the_application_role_cannot_grant_itself_more(app, app_role_engine):
    with app_role_engine.begin() as conn:
        conn.execute(text("GRANT UPDATE, DELETE, TRUNCATE ON audit_event TO PUBLIC"))  # a warning, no error
        for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"):
            assert not conn.execute(text("SELECT has_table_privilege(current_user, 'audit_event', :p)"),
                                    {"p": privilege}).scalar(), privilege
        for privilege in ("SELECT", "INSERT"):
            assert conn.execute(text("SELECT has_table_privilege(current_user, 'audit_event', :p)"),
                                {"p": privilege}).scalar(), privilege


def test_the_application_role_appends_and_reads_events_and_works_on_business_tables(app, app_role_engine):
    _two_events()
    with app_role_engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() == 2
        conn.execute(text("SELECT pg_advisory_xact_lock(1)"))
        conn.execute(text("INSERT INTO programme (code, name) VALUES ('T', 'Test')"))
        conn.execute(text("UPDATE programme SET name = 'Test 2' WHERE code = 'T'"))
        conn.execute(text("DELETE FROM programme WHERE code = 'T'"))
        with pytest.raises(DatabaseError, match="permission denied for table alembic_version"):
            conn.execute(text("UPDATE alembic_version SET version_num = 'x'"))


@pytest.mark.db_owner
def test_grant_app_role_refuses_a_role_that_could_rewrite_the_trail(app):
    _postgres_only()
    runner = app.test_cli_runner()
    owner = db.engine.url.username
    result = runner.invoke(args=["db", "grant-app-role", "--role", owner])
    assert result.exit_code == 1
    assert f"Refused: {owner} is a superuser" in result.output and "owns the tables" in result.output
    result = runner.invoke(args=["db", "grant-app-role", "--role", "no_such_role_here"])
    assert result.exit_code == 1 and "does not exist: create it first" in result.output
    result = runner.invoke(args=["db", "grant-app-role", "--role", "Robert'); DROP TABLE audit_event;--"])
    assert result.exit_code == 1 and "not a plain role name" in result.output or "does not exist" in result.output


def test_grant_app_role_is_run_by_the_owner(app, app_role_engine):
    from app.services import db_roles
    databases, _, _ = app.extensions["cofund.test_databases"]
    with app_role_engine.begin() as conn, pytest.raises(db_roles.RoleError, match="does not own the tables"):
        db_roles.grant_app_role(conn, databases.app_role)


def test_grant_app_role_prints_the_sql_for_a_dba(app):
    _postgres_only()
    databases, _, _ = app.extensions["cofund.test_databases"]
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", "--role", databases.app_role,
                                                "--print-sql"])
    assert result.exit_code == 0, result.output
    role = f'"{databases.app_role}"' if not databases.app_role.islower() else databases.app_role
    assert f"GRANT SELECT, INSERT ON TABLE public.audit_event TO {role};" in result.output
    assert f"GRANT SELECT ON TABLE public.alembic_version TO {role};" in result.output
    assert f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.expenditure TO {role};" in result.output
    assert "TRUNCATE" not in result.output and "TRIGGER" not in result.output


def test_grant_app_role_is_for_postgresql(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite answer")
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", "--role", "cofund_app"])
    assert result.exit_code == 1 and "PostgreSQL only" in result.output


def test_every_table_is_granted_to_the_application_role_and_no_more(app, app_role_engine):
    """Tables come with upgrades (the fund's, export_job): grant-app-role, run after each one, grants every
    table of the models: the business tables in full, audit_event only SELECT and INSERT; TRUNCATE and
    TRIGGER on none."""
    names = [t.name for t in db.metadata.sorted_tables]
    assert {"export_job", "fund", "fund_action", "fund_message"} <= set(names)
    with app_role_engine.connect() as conn:
        for table in names:
            expected = {"SELECT", "INSERT"} if table == "audit_event" else {"SELECT", "INSERT", "UPDATE", "DELETE"}
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"):
                has = conn.execute(text("SELECT has_table_privilege(current_user, :t, :p)"),
                                   {"t": f"public.{table}", "p": privilege}).scalar()
                assert has == (privilege in expected), (table, privilege)


def test_the_audit_trail_triggers_are_in_place_after_every_migration(app):
    """The last migration leaves audit_event with its guards (a later batch-mode rebuild of the table would
    drop them on SQLite)."""
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        expected = {"audit_event_no_update", "audit_event_no_delete", "audit_event_no_replace"}
    else:
        query = ("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal "
                 "AND tgenabled = 'O'")
        expected = {"audit_event_no_update_delete", "audit_event_no_truncate"}
    assert set(db.session.scalars(text(query))) == expected
