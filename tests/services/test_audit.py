import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import GENESIS_HASH, AuditEvent
from app.services import audit
from app.services.audit import Actor, compute_hash, verify_chain

pytestmark = pytest.mark.empty_db


def _events():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()


def test_events_append_to_a_hash_chain(app):
    actor = Actor(None, "tester", "127.0.0.1")
    audit.record(actor, "thing.created", object_type="thing", object_id=1, after={"amount": "1.00"})
    audit.record(actor, "thing.changed", object_type="thing", object_id=1,
                 before={"amount": "1.00"}, after={"amount": "2.00"})
    db.session.commit()
    first, second = _events()
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.hash == compute_hash(first.hash, second)
    assert second.before == '{"amount":"1.00"}' and second.ip == "127.0.0.1"
    assert second.occurred_at.tzinfo is not None
    report = verify_chain()
    assert report.ok and report.count == 2 and report.head == second.hash


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'x'",
    "DELETE FROM audit_event",
])
def test_database_refuses_update_and_delete(app, statement):
    audit.record(Actor.system(), "thing.created")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert len(_events()) == 1


def _drop_triggers():
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    else:
        db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        db.session.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_tampering_behind_the_applications_back_is_detected(app):
    for i in range(5):
        audit.record(Actor.system(), "thing.changed", object_id=i, after={"amount": f"{i}.00"})
    db.session.commit()
    assert verify_chain().ok
    _drop_triggers()
    db.session.execute(text("UPDATE audit_event SET after = '{\"amount\":\"999.00\"}' WHERE seq = 3"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.broken_seq == 3 and report.count == 2
    assert "altered" in report.reason


def test_deleted_event_is_detected(app):
    for i in range(4):
        audit.record(Actor.system(), "thing.changed", object_id=i)
    db.session.commit()
    _drop_triggers()
    db.session.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.broken_seq == 3 and "missing" in report.reason


def test_cli_verify_reports_ok_and_broken(app):
    runner = app.test_cli_runner()
    audit.record(Actor.system(), "thing.created")
    audit.record(Actor.system(), "thing.changed")
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK: audit chain intact, 2 events" in result.output
    _drop_triggers()
    db.session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 1"))
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN: audit event 1" in result.output


def test_concurrent_writers_never_fork_the_chain(app):
    """Eight threads append at once, each in its own transaction; the chain stays one line."""
    errors = []

    def writer(n):
        with app.app_context():
            try:
                for i in range(5):
                    audit.record(Actor(None, f"writer{n}"), "thing.changed", object_id=i)
                    db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain()
    assert report.ok and report.count == 40
