import base64
import json
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import GENESIS_HASH, AuditEvent
from app.services import audit, checkpoints
from app.services.audit import Actor, compute_hash, verify_chain
from app.services.checkpoints import Checkpoint

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


@pytest.mark.db_owner  # tampers as the owner would, behind the application's back
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


@pytest.mark.db_owner  # tampers as the owner would, behind the application's back
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


@pytest.mark.db_owner  # tampers as the owner would, behind the application's back
def test_deleted_event_is_detected(app):
    for i in range(4):
        audit.record(Actor.system(), "thing.changed", object_id=i)
    db.session.commit()
    _drop_triggers()
    db.session.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.broken_seq == 3 and "missing" in report.reason


@pytest.mark.db_owner  # tampers as the owner would, behind the application's back
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
    result = runner.invoke(args=["audit", "verify"])  # by default: what follows the verified checkpoint only
    assert result.exit_code == 0 and "Checked event 2 of the checkpoint verified at" in result.output
    result = runner.invoke(args=["audit", "verify", "--full"])
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
    # one checkpoint per transaction, whole lines although the writers raced to append them
    assert sorted(cp.count for cp in _checkpoints(app)) == list(range(1, 41))
    assert report.checkpoint.checkpoint.count == 40 and report.checkpoint.uncovered == 0


# Signed checkpoints (app/services/checkpoints.py): the chain anchored outside the database.

def _log_lines(app):
    path = Path(app.config["AUDIT_CHECKPOINT_LOG"])
    return path.read_text().splitlines() if path.exists() else []


def _checkpoints(app):
    return [Checkpoint.from_line(line) for line in _log_lines(app)]


def test_one_checkpoint_per_committed_transaction_that_wrote_events(app):
    audit.record(Actor.system(), "thing.created")
    audit.record(Actor.system(), "thing.changed")
    db.session.commit()
    audit.record(Actor.system(), "thing.changed")
    db.session.commit()
    db.session.scalars(select(AuditEvent)).all()  # a read-only transaction
    db.session.commit()
    audit.record(Actor.system(), "thing.changed")  # rolled back: no checkpoint, now or at the next commit
    db.session.rollback()
    db.session.commit()
    first, second = _checkpoints(app)
    assert (first.count, second.count) == (2, 3)
    assert second.head == _events()[-1].hash and len(_events()) == 3
    assert second.time.endswith("Z") and second.key_id == checkpoints.signer_for(app).key_id

    # Anyone with the public key checks a checkpoint from the documented text, without this program.
    public_key = serialization.load_pem_public_key(checkpoints.signer_for(app).public_pem().encode())
    signed_text = (f"cofund audit checkpoint v1\ncount 3\nhead {second.head}\ntime {second.time}\n"
                   f"key {second.key_id}\n").encode()
    public_key.verify(base64.b64decode(second.signature), signed_text)

    report = verify_chain()
    assert report.ok and report.checkpoint.status == "matches" and report.checkpoint.checkpoint == second


def test_a_rolled_back_savepoint_takes_its_events_out_of_the_checkpoint(app):
    audit.record(Actor.system(), "thing.created")
    with db.session.begin_nested():  # a released savepoint is not a commit: no checkpoint yet
        kept = audit.record(Actor.system(), "thing.changed")
    assert _log_lines(app) == []
    try:
        with db.session.begin_nested():
            audit.record(Actor.system(), "thing.changed")
            raise RuntimeError("undo the savepoint")
    except RuntimeError:
        pass
    db.session.commit()
    [checkpoint] = _checkpoints(app)
    assert (checkpoint.count, checkpoint.head) == (2, kept.hash) and len(_events()) == 2
    assert verify_chain().ok


@pytest.mark.db_owner  # tampers as the owner would, behind the application's back
def test_deleting_the_newest_events_is_detected_by_the_checkpoint(app):
    for i in range(5):
        audit.record(Actor.system(), "thing.changed", object_id=i)
        db.session.commit()
    _drop_triggers()
    db.session.execute(text("DELETE FROM audit_event WHERE seq >= 3"))
    db.session.commit()
    report = verify_chain()
    assert report.chain_ok and report.count == 2  # the chain alone cannot tell
    assert not report.ok and report.checkpoint.status == "missing"
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    checkpoint_time = _checkpoints(app)[-1].time
    assert (f"BROKEN: events 3 to 5 are missing: the checkpoint of {checkpoint_time} covers 5 events, "
            "the database holds 2") in result.output


@pytest.mark.db_owner  # tampers as the owner would, behind the application's back
def test_a_recomputed_chain_is_detected_by_the_checkpoint(app):
    for i in range(5):
        audit.record(Actor.system(), "thing.changed", object_id=i, after={"amount": f"{i}.00"})
    db.session.commit()
    _drop_triggers()
    prev_hash = None
    for ev in _events():  # change event 3, then recompute every later hash: the chain is consistent again
        if ev.seq == 3:
            ev.after = '{"amount":"999.00"}'
        if prev_hash is not None:
            ev.prev_hash = prev_hash
            ev.hash = compute_hash(prev_hash, ev)
            db.session.flush()
        prev_hash = ev.hash
    db.session.commit()
    report = verify_chain()
    assert report.chain_ok and not report.ok and report.checkpoint.status == "rewritten"
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert (f"BROKEN: event 5 differs from the signed checkpoint of {_checkpoints(app)[-1].time}: "
            "the chain was rewritten") in result.output


def test_a_tampered_checkpoint_log_is_reported(app):
    for _ in range(2):
        audit.record(Actor.system(), "thing.changed")
        db.session.commit()
    path = Path(app.config["AUDIT_CHECKPOINT_LOG"])
    first, second = path.read_text().splitlines()
    forged = json.loads(second)
    forged["count"] = 7  # claims more events than there are, with the old signature
    other_key = checkpoints.Signer.from_private_key(Ed25519PrivateKey.generate())
    path.write_text("\n".join([first, json.dumps(forged), "not a checkpoint",
                               other_key.sign(2, _events()[-1].hash).to_line()]) + "\n")
    report = verify_chain()
    assert not report.ok and report.chain_ok
    assert report.checkpoint.checkpoint.count == 1  # the newest checkpoint whose signature verifies
    assert report.checkpoint.problems == [
        "line 2: the signature does not verify",
        "line 3 does not parse: not JSON (Expecting value)",
        f"line 4: signed by key {other_key.key_id}, not by this installation's key "
        f"{checkpoints.signer_for(app).key_id}",
    ]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"UNTRUSTED: checkpoint log {path}, line 2: the signature does not verify" in result.output
    assert "UNTRUSTED" in result.output and "line 3 does not parse" in result.output


def test_without_a_checkpoint_log_verify_warns_but_passes(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])  # a fresh install: no events, no log
    assert result.exit_code == 0, result.output
    assert "OK: audit chain intact, 0 events" in result.output
    assert "WARNING: no signed checkpoint to compare against" in result.output
    audit.record(Actor.system(), "thing.created")
    db.session.commit()
    Path(app.config["AUDIT_CHECKPOINT_LOG"]).unlink()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "WARNING: no signed checkpoint to compare against" in result.output
    Path(app.config["AUDIT_CHECKPOINT_LOG"]).write_text("")  # but a log that lost its lines fails
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "holds no valid checkpoint" in result.output


def test_a_checkpoint_that_cannot_be_written_does_not_undo_the_commit(app, tmp_path, caplog):
    audit.record(Actor.system(), "thing.created")
    db.session.commit()
    good_log = app.config["AUDIT_CHECKPOINT_LOG"]
    app.config["AUDIT_CHECKPOINT_LOG"] = str(tmp_path)  # a directory: the append fails
    audit.record(Actor.system(), "thing.changed")
    db.session.commit()
    assert len(_events()) == 2 and "audit checkpoint for 2 events not written" in caplog.text
    app.config["AUDIT_CHECKPOINT_LOG"] = good_log
    report = verify_chain()
    assert report.ok and report.checkpoint.uncovered == 1 and report.checkpoint.warning
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "WARNING: matches the signed checkpoint" in result.output
    assert "the event after it is not yet covered by a checkpoint" in result.output


def test_an_unusable_signing_key_refuses_the_commit(app):
    app.config["AUDIT_SIGNING_KEY"] = "not a key"
    app.extensions.pop("cofund.audit_signer", None)
    audit.record(Actor.system(), "thing.created")
    with pytest.raises(checkpoints.SigningKeyError, match="AUDIT_SIGNING_KEY"):
        db.session.commit()
    db.session.rollback()
    assert _events() == [] and _log_lines(app) == []
