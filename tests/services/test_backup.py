"""flask backup and flask restore (issue 9): a backup of the whole demo (the LES Fonds included) with background
exports and a chain verification, restored onto an empty database, gives the same rows in every table, the
same audit chain head, the same evidence and the same export files; a damaged backup is refused and changes
nothing. On SQLite and on PostgreSQL (the backup made as the application's role where the suite runs
under it; the restore, like flask db upgrade, as the owner)."""
import base64
import hashlib
import io
import json
import shutil
import struct
import uuid
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import inspect, select

from app.extensions import db
from app.models import Document, ExportJob, FundAction, FundMessage
from app.services import documents
from app.services.audit import chain_head, verify_chain
from app.services.statements import jobs
from app.services.statements.produce import Spec
from tests.conftest import CHECKPOINT_KEY, make_app
from tests.factories import project, user

pytestmark = pytest.mark.demo_history


def _table_contents() -> dict[str, list[tuple]]:
    return {t.name: [tuple(row) for row in db.session.execute(select(t).order_by(*t.primary_key.columns))]
            for t in db.metadata.sorted_tables}


def _evidence_hashes() -> dict[str, str]:
    return {sha: hashlib.sha256(documents.document_path(sha).read_bytes()).hexdigest()
            for sha in db.session.scalars(select(Document.sha256))}


def _export_files(app) -> dict[str, str]:
    folder = Path(app.config["EXPORT_DIR"])
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*")} if folder.exists() else {}


@pytest.fixture
def exports(app):
    """What the demo's users did that day besides the demo: a financial report and an audit-trail extract made
    in the background (their files in EXPORT_DIR), a chain verification, and a job still queued."""
    finance, les = user("finance@example.org"), project()
    made = []
    for spec in (Spec.parse("financial-report", "xlsx", "nl", at="2020-12-31"),
                 Spec.parse("audit-extract", "pdf", "en", events={"from": "2020-01-01", "to": "2020-03-31"})):
        job = jobs.create(finance, les, spec)
        db.session.commit()
        jobs.execute(job.id)
        made.append(job.id)
    jobs.verify_now_or_queue(user("auditor@example.org"), les)
    jobs.create(finance, les, Spec.parse("financial-report", "pdf", "en"))
    db.session.commit()
    assert {j.status for j in db.session.scalars(select(ExportJob))} == {"finished", "queued"}
    return made


@pytest.fixture
def backup_file(app, tmp_path, exports):
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "out" / "cofund.backup")])
    assert result.exit_code == 0, result.output
    path = tmp_path / "out" / "cofund.backup"
    assert path.stat().st_mode & 0o777 == 0o600
    return path


@pytest.fixture
def target(app, tmp_path):
    """A second installation on an empty database (its owner's connection): the same signing key, no
    documents, no checkpoint log yet."""
    databases, _, _ = app.extensions["cofund.test_databases"]
    name = "r" + uuid.uuid4().hex[:12]
    home = tmp_path / "target"
    home.mkdir()
    shutil.copy2(tmp_path / CHECKPOINT_KEY, home / CHECKPOINT_KEY)  # the key is restored apart from the backup
    other = make_app(databases.create_empty(name), home)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    databases.drop(name)


def _restore(target, path):
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        db.session.remove()
    return result


def _nothing_in(target):
    with target.app_context():
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert not tables, tables
        assert not Path(target.config["AUDIT_CHECKPOINT_LOG"]).exists()
        for setting in ("DOCUMENT_DIR", "EXPORT_DIR"):
            folder = Path(target.config[setting])
            assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*")), setting
        db.engine.dispose()


def test_backup_then_restore_onto_an_empty_database_gives_the_same_state(app, backup_file, target, exports):
    head, contents, evidence, files = chain_head(), _table_contents(), _evidence_hashes(), _export_files(app)
    assert head[0] > 100 and len(evidence) > 10 and set(files) == set(exports)
    # the whole demo: its tables have rows (the fund's and the export jobs' too); it has no import and no
    # decision to pay an action more than approved
    # the demo has no short receipt, and its recovery is still open (to be offset against the next transfer)
    assert {name for name, rows in contents.items() if not rows} <= {"expenditure_import", "fund_overrun",
                                                                     "payment_shortfall", "recovery_settlement"}
    assert db.session.scalar(select(FundAction).where(FundAction.status == "closed")) is not None
    assert db.session.scalar(select(FundMessage).where(FundMessage.question_id.is_not(None))) is not None
    log = Path(app.config["AUDIT_CHECKPOINT_LOG"]).read_bytes()
    with zipfile.ZipFile(backup_file) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["audit_head"] == {"count": head[0], "hash": head[1]}
    assert manifest["tables"]["audit_event"]["rows"] == head[0] and manifest["documents"] == len(evidence)
    assert manifest["exports"] == 2 and manifest["exports_gone"] == []
    assert set(manifest["tables"]) == {t.name for t in db.metadata.sorted_tables}

    result = _restore(target, backup_file)
    assert result.exit_code == 0, result.output
    assert f"Audit chain: {head[0]} events, head {head[1]}" in result.output
    with target.app_context():
        assert chain_head() == head
        report = verify_chain()
        assert report.ok and report.count == head[0] and report.checkpoint.status == "matches"
        assert _table_contents() == contents
        assert _evidence_hashes() == evidence
        assert _export_files(target) == files
        restored = db.session.get(ExportJob, exports[0])
        assert jobs.result_path(restored).read_bytes() == (Path(app.config["EXPORT_DIR"]) / exports[0]).read_bytes()
        assert Path(target.config["AUDIT_CHECKPOINT_LOG"]).read_bytes() == log
        assert target.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
        if db.engine.dialect.name == "postgresql":  # the sequences go on after the restored ids
            from tests.factories import expenditure
            assert expenditure().id > max(row[0] for row in contents["expenditure"])
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def _rewrite(path: Path, change) -> Path:
    """A copy of the backup with its members passed through ``change(name, data) -> data | None``."""
    out = path.with_name("changed.backup")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = change(name, src.read(name))
            if data is not None:
                dst.writestr(name, data)
    return out


def _first_document(name):
    return name.startswith("documents/")


def _resign(manifest: dict, key) -> bytes:
    return base64.b64encode(key.sign(json.dumps(manifest, indent=1, sort_keys=True).encode()))


@pytest.mark.parametrize("damage, message", [
    ("changed byte", "does not match its hash in the manifest"),
    ("missing member", "the backup is incomplete: documents/"),
    ("missing table", "the backup is incomplete: database/audit_event.jsonl missing"),
    ("extra member", "members its manifest does not list: evil.sh"),
    ("manifest edited", "signature does not verify"),
    ("signed by another key", "signature does not verify"),
    ("no signature", "has no manifest.sig"),
    ("flipped bit in the file", "damaged"),
    ("not a zip", "cannot be read as a backup"),
])
def test_a_damaged_backup_is_refused_and_changes_nothing(backup_file, target, damage, message):
    if damage == "changed byte":
        def change(name, data):
            if name == "database/expenditure.jsonl":  # one byte of one amount
                at = data.index(b'.00"', len(data) // 2) - 1
                return data[:at] + (b"7" if data[at:at + 1] != b"7" else b"8") + data[at + 1:]
            return data
        bad = _rewrite(backup_file, change)
    elif damage == "missing member":
        first = next(n for n in zipfile.ZipFile(backup_file).namelist() if _first_document(n))
        bad = _rewrite(backup_file, lambda name, data: None if name == first else data)
    elif damage == "missing table":
        bad = _rewrite(backup_file, lambda name, data: None if name == "database/audit_event.jsonl" else data)
    elif damage == "extra member":
        bad = _rewrite(backup_file, lambda name, data: data)
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr("evil.sh", b"rm -rf /")
    elif damage in ("manifest edited", "signed by another key"):
        other = Ed25519PrivateKey.generate()

        def change(name, data):
            manifest = json.loads(zipfile.ZipFile(backup_file).read("manifest.json"))
            manifest["audit_head"]["count"] -= 1
            if name == "manifest.json":
                return json.dumps(manifest, indent=1, sort_keys=True).encode()
            if name == "manifest.sig" and damage == "signed by another key":
                return _resign(manifest, other)
            return data
        bad = _rewrite(backup_file, change)
    elif damage == "no signature":
        bad = _rewrite(backup_file, lambda name, data: None if name == "manifest.sig" else data)
    elif damage == "flipped bit in the file":
        data = bytearray(backup_file.read_bytes())
        with zipfile.ZipFile(backup_file) as zf:
            info = zf.getinfo("database/claim.jsonl")
        name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
        start = info.header_offset + 30 + name_length + extra_length  # the member's compressed data
        data[start + info.compress_size // 2] ^= 0x01
        bad = backup_file.with_name("flipped.backup")
        bad.write_bytes(bytes(data))
    else:
        bad = backup_file.with_name("plain.txt")
        bad.write_bytes(b"not a backup at all")
    result = _restore(target, bad)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Nothing was changed." in result.output, result.output
    _nothing_in(target)


def test_restore_refuses_a_database_that_is_not_empty(app, backup_file, tmp_path):
    before = chain_head()
    db.session.rollback()  # on SQLite the test's transaction would hold the lock the command needs
    result = app.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 1
    assert "already holds checkpoints" in result.output or "not empty" in result.output
    Path(app.config["AUDIT_CHECKPOINT_LOG"]).rename(tmp_path / "moved.log")
    result = app.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 1 and "the database is not empty (" in result.output
    assert chain_head() == before


def test_restore_needs_the_installations_signing_key(backup_file, target):
    Path(target.config["AUDIT_SIGNING_KEY_FILE"]).unlink()
    result = _restore(target, backup_file)
    assert result.exit_code == 1 and "restore the installation's key first" in result.output
    assert not Path(target.config["AUDIT_SIGNING_KEY_FILE"]).exists()  # none was made up
    _nothing_in(target)


def test_backup_refuses_when_evidence_is_missing_or_damaged(app, tmp_path):
    sha = db.session.scalars(select(Document.sha256)).first()
    path = documents.document_path(sha)
    original = path.read_bytes()
    path.write_bytes(b"%PDF-1.4 swapped")
    out = tmp_path / "b.backup"
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 1 and f"{sha} is damaged" in result.output and not out.exists()
    path.unlink()
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 1 and f"{sha} is missing" in result.output and not out.exists()
    assert not list(tmp_path.glob(".b.backup.*"))  # no half-written file left behind
    path.write_bytes(original)


def test_the_backup_is_a_readable_zip_with_a_manifest_of_hashes(backup_file):
    with zipfile.ZipFile(backup_file) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for name, member in manifest["members"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == member["sha256"]
        assert set(zf.namelist()) == set(manifest["members"]) | {"manifest.json", "manifest.sig"}
        first = json.loads(io.BytesIO(zf.read("database/expenditure.jsonl")).readline())
    assert manifest["format"] == "cofund-backup-1" and manifest["checkpoint_log"] is True
    columns = manifest["tables"]["expenditure"]["columns"]
    assert isinstance(first[columns.index("declared_amount")], str)  # amounts as exact strings


def test_an_export_file_already_purged_is_restored_as_gone_and_a_damaged_one_stops_the_backup(app, exports, target,
                                                                                              tmp_path):
    folder = Path(app.config["EXPORT_DIR"])
    (folder / exports[0]).unlink()  # purged after the snapshot, say: the job's row is in the backup, its file not
    out = tmp_path / "b.backup"
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0 and "1 export files" in result.output, result.output
    with zipfile.ZipFile(out) as zf:
        assert json.loads(zf.read("manifest.json"))["exports_gone"] == [exports[0]]
    contents = _table_contents()
    result = _restore(target, out)
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert _table_contents() == contents and set(_export_files(target)) == {exports[1]}
        db.session.remove()
        db.engine.dispose()

    (folder / exports[1]).write_bytes(b"changed")
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "c.backup")])
    assert result.exit_code == 1 and f"the file of export {exports[1]}" in result.output, result.output
    assert not (tmp_path / "c.backup").exists()


def test_restore_refuses_an_export_file_that_belongs_to_no_export(app, backup_file, target):
    """Even in a backup signed with the installation's key, a file under exports/ must be the file of a
    finished export of the backup, with the hash that export recorded: nothing else is written there."""
    from app.services import checkpoints
    stray, content = "exports/" + "0" * 32, b"a statement nobody made"
    manifest = json.loads(zipfile.ZipFile(backup_file).read("manifest.json"))
    manifest["members"][stray] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}

    def change(name, data):
        if name == "manifest.json":
            return json.dumps(manifest, indent=1, sort_keys=True).encode()
        if name == "manifest.sig":
            return _resign(manifest, checkpoints.signer_for(app).private_key)
        return data
    bad = _rewrite(backup_file, change)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr(stray, content)
    result = _restore(target, bad)
    assert result.exit_code == 1 and "belongs to no finished export" in result.output, result.output
    _nothing_in(target)
