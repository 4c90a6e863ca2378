"""The command line: flask create-user, flask seed-demo and flask audit."""
import base64
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Membership, Role, User
from app.services.audit import chain_head
from app.services.checkpoints import Checkpoint


def test_create_user_with_a_partner_role(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Nieuw@Howest.be", "--name", "Nele Nieuw", "--password", "lang-genoeg-wachtwoord",
        "--project", "LES", "--role", "partner", "--partner", "3"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nieuw@howest.be"))
    [membership] = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    assert membership.role is Role.PARTNER and membership.partner_id is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "create-user")
                                 .order_by(AuditEvent.seq)).all()
    assert actions == ["user.created", "membership.granted"]


def test_create_user_refuses_bad_input_and_changes_nothing(app):
    runner = app.test_cli_runner()
    before = db.session.scalar(select(db.func.count()).select_from(User))
    checkpoints_before = Path(app.config["AUDIT_CHECKPOINT_LOG"]).read_text()
    for args, message in [
        (["--email", "kort@x.be", "--name", "K", "--password", "kort"], "minstens 12 tekens"),
        (["--email", "zwak@x.be", "--name", "Z", "--password", "password1234"], "te vaak gebruikt"),
        (["--email", "zwak@x.be", "--name", "Z", "--password", "aaaaaaaaaaaa"], "te vaak gebruikt"),
        (["--email", "finance@example.org", "--name", "F", "--password", "lang-genoeg-wachtwoord"], "bestaat al"),
        (["--email", "p@x.be", "--name", "P", "--password", "lang-genoeg-wachtwoord", "--project", "LES",
          "--role", "partner"], "precies één partner"),
        (["--email", "q@x.be", "--name", "Q", "--password", "lang-genoeg-wachtwoord", "--project", "NOPE",
          "--role", "auditor"], "bestaat niet"),
    ]:
        result = runner.invoke(args=["create-user", *args])
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == before
    assert Path(app.config["AUDIT_CHECKPOINT_LOG"]).read_text() == checkpoints_before  # rolled back: none


def test_audit_verify_passes_on_the_demo_with_its_checkpoints(app):
    """The demo database carries its checkpoint log and key along (tests/conftest.py)."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: audit chain intact" in result.output and "OK: matches the signed checkpoint" in result.output


@pytest.mark.demo_history
def test_audit_verify_passes_on_the_demo_history(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK: matches the signed checkpoint" in result.output, result.output


def test_a_cli_command_that_writes_events_writes_a_checkpoint(app):
    log = Path(app.config["AUDIT_CHECKPOINT_LOG"])
    lines = log.read_text().splitlines()
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "c@x.be", "--name", "C", "--password", "lang-genoeg-wachtwoord"])
    assert result.exit_code == 0, result.output
    [new_line] = log.read_text().splitlines()[len(lines):]
    assert Checkpoint.from_line(new_line).count == chain_head()[0]


def test_audit_head_prints_the_head_and_the_newest_checkpoint(app):
    runner = app.test_cli_runner()
    count, head = chain_head()
    newest = Path(app.config["AUDIT_CHECKPOINT_LOG"]).read_text().splitlines()[-1]
    result = runner.invoke(args=["audit", "head"])
    assert result.exit_code == 0, result.output
    assert result.output == f"head: {count} events, hash {head}\ncheckpoint: {newest}\n"
    assert Checkpoint.from_line(newest).count == count

    Path(app.config["AUDIT_CHECKPOINT_LOG"]).unlink()
    result = runner.invoke(args=["audit", "head"])
    assert result.exit_code == 0 and "checkpoint: none (no checkpoint log at" in result.output


def test_audit_public_key_prints_the_key_id_and_the_pem(app):
    result = app.test_cli_runner().invoke(args=["audit", "public-key"])
    assert result.exit_code == 0, result.output
    first_line, pem = result.output.split("\n", 1)
    public_key = serialization.load_pem_public_key(pem.encode())
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert first_line == f"key id: {hashlib.sha256(raw).hexdigest()[:16]}"
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n") and pem.endswith("-----END PUBLIC KEY-----\n")
    # it verifies the checkpoints in the log
    newest = Checkpoint.from_line(Path(app.config["AUDIT_CHECKPOINT_LOG"]).read_text().splitlines()[-1])
    public_key.verify(base64.b64decode(newest.signature), newest.signed_text())
