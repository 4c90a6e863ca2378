"""flask audit verify: by default only what follows the newest verified checkpoint, --full the whole chain on
several processes; each finds tampering where it looks, and says where it looked."""
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import AuditEvent
from app.services import audit
from app.services.audit import Actor
from app.services.chain import mark_path, read_mark, verify_full, verify_since_mark
from app.services.checkpoints import signer_for
from tests.services.test_audit import _drop_triggers

pytestmark = pytest.mark.db_owner  # tampers as the owner would, behind the application's back


def add_events(n: int) -> int:
    for i in range(n):
        audit.record(Actor.system(), "thing.changed", object_id=i, after={"amount": f"{i}.00"})
    db.session.commit()
    return db.session.scalar(select(func.max(AuditEvent.seq)))


def tamper(seq: int) -> None:
    if not db.session.info.get("untriggered"):
        _drop_triggers()
        db.session.info["untriggered"] = True
    db.session.execute(text("UPDATE audit_event SET after = '{\"amount\":\"999.00\"}' WHERE seq = :s"), {"s": seq})
    db.session.commit()


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_the_first_run_checks_everything_and_marks_the_checkpoint(app):
    head = add_events(3)
    assert not mark_path(app).exists()
    result = verify(app)
    assert result.exit_code == 0 and f"OK: audit chain intact, {head} events" in result.output
    assert "Checked event" not in result.output  # no mark yet: the whole chain
    mark, problem = read_mark(app, signer_for(app))
    assert problem == "" and mark.checkpoint.count == head


def test_default_finds_tampering_after_the_verified_checkpoint(app):
    add_events(3)
    assert verify(app).exit_code == 0
    marked = read_mark(app, signer_for(app))[0].checkpoint.count
    head = add_events(3)
    tamper(marked + 2)
    result = verify(app)
    assert result.exit_code == 1 and f"BROKEN: audit event {marked + 2}: content does not match" in result.output
    assert read_mark(app, signer_for(app))[0].checkpoint.count == marked  # a failed run moves no mark
    assert head > marked + 2


def test_default_looks_past_tampering_before_the_checkpoint_and_full_finds_it(app):
    add_events(3)
    assert verify(app).exit_code == 0
    head = add_events(2)
    assert verify(app).exit_code == 0  # the mark moves on to the newest checkpoint
    assert read_mark(app, signer_for(app))[0].checkpoint.count == head
    tamper(2)
    result = verify(app)
    assert result.exit_code == 0 and f"Checked event {head} of the checkpoint verified at" in result.output
    result = verify(app, "--full")
    assert result.exit_code == 1 and "BROKEN: audit event 2: content does not match" in result.output


def test_default_checks_the_checkpoints_own_event_and_that_none_before_it_is_missing(app):
    head = add_events(3)
    assert verify(app).exit_code == 0
    tamper(head)  # the verified checkpoint's own event
    result = verify(app)
    assert result.exit_code == 1 and f"BROKEN: audit event {head}" in result.output
    db.session.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1 and "of the" in result.output and "are missing" in result.output


def test_a_forged_mark_is_not_trusted_and_the_whole_chain_is_checked(app):
    add_events(3)
    assert verify(app).exit_code == 0
    path = mark_path(app)
    data = json.loads(path.read_text())
    data["log_offset"] = data["log_offset"] + 1
    path.write_text(json.dumps(data))
    tamper(1)
    result = verify(app)
    assert result.exit_code == 1 and "signature of the verified mark" in result.output
    assert "BROKEN: audit event 1" in result.output


def test_a_checkpoint_log_cut_short_after_verification_is_untrusted(app):
    add_events(3)
    assert verify(app).exit_code == 0
    Path(app.config["AUDIT_CHECKPOINT_LOG"]).write_text("")
    result = verify(app)
    assert result.exit_code == 1 and "UNTRUSTED" in result.output and "lines were removed" in result.output


def test_full_check_on_two_processes_finds_the_first_broken_link(app):
    head = add_events(12)
    report = verify_full(jobs=2, chunk=4)
    assert report.ok and report.count == head
    tamper(head - 5)
    tamper_prev = head - 2
    db.session.execute(text("UPDATE audit_event SET prev_hash = :h WHERE seq = :s"),
                       {"h": "f" * 64, "s": tamper_prev})
    db.session.commit()
    seen = []
    report = verify_full(jobs=2, chunk=4, progress=seen.append)
    assert not report.ok and report.broken_seq == head - 5 and report.count == head - 6
    assert sum(seen) == head  # the progress bar reaches the end
    db.session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": head - 5})
    db.session.commit()
    report = verify_full(jobs=2, chunk=4)
    assert not report.ok and "missing" in report.reason


def test_quick_check_reads_only_the_events_after_the_mark(app):
    add_events(3)
    assert verify(app).exit_code == 0
    add_events(4)
    report = verify_since_mark()
    assert report.ok and report.checked == 5  # the checkpoint's own event and the four after it
