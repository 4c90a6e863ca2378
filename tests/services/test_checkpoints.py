"""The signing key, the signed text and the checkpoint log (app/services/checkpoints.py), without a database."""
import base64
import json
import multiprocessing
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.services import checkpoints
from app.services.checkpoints import Checkpoint, Signer, SigningKeyError, load_signer, read_log

HEAD = "ab" * 32


def test_the_key_file_is_created_private_on_first_use_and_kept(tmp_path):
    path = tmp_path / "keys" / "audit-signing-key.pem"
    config = {"AUDIT_SIGNING_KEY": None, "AUDIT_SIGNING_KEY_FILE": str(path)}
    first = load_signer(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert load_signer(config).key_id == first.key_id
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_the_key_from_the_environment_as_pem_or_base64():
    key = Ed25519PrivateKey.generate()
    expected = Signer.from_private_key(key).key_id
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    for value in (pem, base64.b64encode(raw).decode(), base64.b64encode(der).decode() + "\n"):
        signer = load_signer({"AUDIT_SIGNING_KEY": value, "AUDIT_SIGNING_KEY_FILE": "/nonexistent/key.pem"})
        assert signer.key_id == expected


@pytest.mark.parametrize("value, message", [
    ("not a key", "not a usable private key"),
    (base64.b64encode(b"short").decode(), "not a usable private key"),
    (ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode(),
     "not an Ed25519 key"),
])
def test_an_unusable_key_is_refused_with_the_reason(value, message):
    with pytest.raises(SigningKeyError, match=message):
        load_signer({"AUDIT_SIGNING_KEY": value, "AUDIT_SIGNING_KEY_FILE": "/nonexistent/key.pem"})


def test_key_id_is_the_start_of_the_sha256_of_the_raw_public_key():
    import hashlib
    signer = Signer.from_private_key(Ed25519PrivateKey.generate())
    raw = signer.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert signer.key_id == hashlib.sha256(raw).hexdigest()[:16]


def test_a_checkpoint_line_round_trips_and_any_change_breaks_the_signature():
    signer = Signer.from_private_key(Ed25519PrivateKey.generate())
    checkpoint = signer.sign(115, HEAD)
    parsed = Checkpoint.from_line(checkpoint.to_line())
    assert parsed == checkpoint and signer.problem_with(parsed) is None
    for change in ({"count": 116}, {"head": "cd" * 32}, {"time": "2020-01-01T00:00:00.000000Z"}):
        forged = Checkpoint(**{**checkpoint.__dict__, **change})
        assert signer.problem_with(forged) == "the signature does not verify"


GOOD = {"count": 1, "head": HEAD, "time": "2026-01-01T00:00:00.000000Z", "key_id": "0" * 16, "signature": ""}


@pytest.mark.parametrize("line, message", [
    ("[]", "not a checkpoint"),
    ('{"count":1}', "not a checkpoint"),
    (json.dumps({**GOOD, "extra": 1}), "not a checkpoint"),
    (json.dumps({**GOOD, "count": True}), "count"),
    (json.dumps({**GOOD, "count": 0}), "count"),
    (json.dumps({**GOOD, "head": "xyz"}), "head"),
    (json.dumps({**GOOD, "time": "2026-01-01T00:00:00Z\nkey x"}), "time"),
    (json.dumps({**GOOD, "key_id": "K"}), "key_id"),
])
def test_a_malformed_line_is_refused(line, message):
    assert Checkpoint.from_line(json.dumps(GOOD)).count == 1
    with pytest.raises(ValueError, match=message):
        Checkpoint.from_line(line)


def test_the_newest_checkpoint_is_the_highest_count_and_a_cut_line_is_reported(tmp_path):
    signer = Signer.from_private_key(Ed25519PrivateKey.generate())
    log = tmp_path / "audit-checkpoints.log"
    assert not read_log(log, signer).exists
    for count in (1, 3, 2):  # two transactions' hooks may append out of order
        checkpoints.append(log, signer.sign(count, f"{count:064x}"))
    reading = read_log(log, signer)
    assert reading.exists and reading.lines == 3 and reading.problems == []
    assert reading.newest.count == 3
    with open(log, "ab") as f:
        f.write(signer.sign(4, HEAD).to_line().encode()[:40])  # a write cut off in the middle
    reading = read_log(log, signer)
    assert reading.newest.count == 3 and reading.problems == ["line 4 is incomplete (no end of line)"]


def _append_many(path, private_bytes, first, n, start):
    signer = Signer.from_private_key(Ed25519PrivateKey.from_private_bytes(private_bytes))
    start.wait(60)  # all four at once, so that the appends race
    for count in range(first, first + n):
        checkpoints.append(path, signer.sign(count, f"{count:064x}"))


def test_several_processes_append_whole_lines(tmp_path):
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    log = tmp_path / "audit-checkpoints.log"
    context = multiprocessing.get_context("spawn")  # not fork: the test process may have threads
    start = context.Barrier(4)
    workers = [context.Process(target=_append_many, args=(log, raw, 1 + 200 * i, 200, start)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    reading = read_log(log, Signer.from_private_key(key))
    assert reading.problems == [] and reading.lines == 800 and reading.newest.count == 800
