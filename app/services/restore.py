"""Restore a backup (:mod:`app.services.backup`) onto an empty database: flask restore FILE.

Everything is checked before anything changes: the manifest's signature (with this installation's audit
signing key: restore the key first), the format, that every member the manifest lists is there with its
SHA-256 and size and that there is no other, that the migrations know the backup's revision, that the
database holds no rows and the checkpoint log is empty or absent. Then, in one transaction: the schema is
built up to the backup's revision when the database has none, every table is filled, PostgreSQL's sequences
are set past the highest ids, and the audit chain is verified against the backup's signed checkpoints; its
head must equal the manifest's. Only then are the evidence files and the files of finished exports written
(each checked against its hash), the transaction committed, and the checkpoint log put in place. Run it as
the owner of the tables, as ``flask db upgrade`` is run.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from flask import current_app
from sqlalchemy import Boolean, Date, Enum, func, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models.types import UTCDateTime
from ..money import Money, Percentage
from . import audit, checkpoints, documents
from .backup import DOCUMENT_DIR, EXPORT_DIR, FORMAT, LOG, MANIFEST, SIGNATURE, TABLE_DIR

_BATCH = 1000
_JOB_ID = re.compile(r"[0-9a-f]{32}")  # ExportJob.id: uuid4().hex


class RestoreRefused(RuntimeError):
    """The backup was not restored and nothing changed; the message says why."""


@dataclass
class RestoreResult:
    rows: int
    tables: int
    documents: int
    audit_count: int
    audit_head: str
    verify_message: str
    exports: int = 0


def _signer() -> checkpoints.Signer:
    """This installation's key, without creating one: a new key could not check the backup."""
    config = current_app.config
    if not config.get("AUDIT_SIGNING_KEY") and not Path(config["AUDIT_SIGNING_KEY_FILE"]).exists():
        raise RestoreRefused(f"no audit signing key ({config['AUDIT_SIGNING_KEY_FILE']} does not exist and "
                             "AUDIT_SIGNING_KEY is not set): restore the installation's key first; the backup "
                             "is signed with it and its checkpoints are checked with it")
    try:
        return checkpoints.signer_for(current_app)
    except checkpoints.SigningKeyError as error:
        raise RestoreRefused(str(error)) from None


def _manifest(zf: zipfile.ZipFile, signer: checkpoints.Signer) -> dict:
    names = set(zf.namelist())
    for name in (MANIFEST, SIGNATURE):
        if name not in names:
            raise RestoreRefused(f"the backup has no {name}: it is not a Cofund backup, or it is incomplete")
    data = zf.read(MANIFEST)
    try:
        signature = base64.b64decode(zf.read(SIGNATURE).strip(), validate=True)
        signer.public_key.verify(signature, data)
    except (binascii.Error, ValueError, InvalidSignature):
        raise RestoreRefused("the manifest's signature does not verify with this installation's audit key "
                             f"({signer.key_id}): the backup was changed, or made by another installation") from None
    manifest = json.loads(data)
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"unknown backup format {manifest.get('format')!r} (this version reads {FORMAT})")
    return manifest


def _check_members(zf: zipfile.ZipFile, manifest: dict) -> None:
    """Every member listed, with its hash and size, and nothing else; the zip's own CRCs are checked too."""
    listed = manifest["members"]
    present = set(zf.namelist()) - {MANIFEST, SIGNATURE}
    missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
    if missing:
        raise RestoreRefused(f"the backup is incomplete: {', '.join(missing[:5])} missing"
                             + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    if extra:
        raise RestoreRefused(f"the backup holds members its manifest does not list: {', '.join(extra[:5])}")
    for name, expected in listed.items():
        digest, size = hashlib.sha256(), 0
        with zf.open(name) as member:
            while chunk := member.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
            raise RestoreRefused(f"{name} in the backup does not match its hash in the manifest: the backup is "
                                 "damaged")


def _check_target(manifest: dict) -> bool:
    """Whether the schema must still be built (an empty database); refuse a database with rows, another
    revision, or a checkpoint log that already holds checkpoints."""
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    revision = manifest["revision"]
    try:
        script.get_revision(revision)
    except Exception:
        raise RestoreRefused(f"the backup was made at database revision {revision}, which this version of Cofund "
                             "does not know: restore it with the version that made it") from None
    log = Path(current_app.config["AUDIT_CHECKPOINT_LOG"])
    if log.exists() and log.stat().st_size > 0:
        raise RestoreRefused(f"the checkpoint log {log} already holds checkpoints: restore onto a fresh "
                             "installation (move that log away if it belongs to nothing)")
    existing = set(inspect(db.engine).get_table_names())
    if not existing - {"alembic_version"}:
        return True
    with db.engine.connect() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            if "alembic_version" in existing else None
        with_rows = [t.name for t in db.metadata.sorted_tables if t.name in existing
                     and conn.execute(select(func.count()).select_from(t)).scalar()]
    if with_rows:
        raise RestoreRefused(f"the database is not empty ({', '.join(with_rows[:5])} hold rows): restore onto "
                             "an empty database")
    if current != revision:
        raise RestoreRefused(f"the database is at revision {current}, the backup at {revision}: restore onto an "
                             "empty database, or one migrated to the backup's revision")
    return False


def _decoder(column):
    kind = column.type
    if isinstance(kind, Money | Percentage):
        return lambda v: None if v is None else Decimal(v)
    if isinstance(kind, UTCDateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return lambda v: None if v is None else kind.enum_class(v)
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    return lambda v: v


def _fill_tables(zf: zipfile.ZipFile, manifest: dict) -> int:
    tables = manifest["tables"]
    unknown = set(tables) - {t.name for t in db.metadata.sorted_tables}
    if unknown:
        raise RestoreRefused(f"the backup has tables this version does not know: {', '.join(sorted(unknown))}")
    total = 0
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            continue
        names = tables[table.name]["columns"]
        columns = [table.columns[name] for name in names]
        decoders = [_decoder(c) for c in columns]
        batch, count = [], 0
        with zf.open(f"{TABLE_DIR}{table.name}.jsonl") as member:
            for line in member:
                values = json.loads(line)
                batch.append({c.key: decode(v) for c, decode, v in zip(columns, decoders, values, strict=True)})
                if len(batch) >= _BATCH:
                    db.session.execute(insert(table), batch)
                    count, batch = count + len(batch), []
        if batch:
            db.session.execute(insert(table), batch)
            count += len(batch)
        if count != tables[table.name]["rows"]:
            raise RestoreRefused(f"{table.name}: {count} rows in the backup, the manifest says "
                                 f"{tables[table.name]['rows']}")
        total += count
        _reset_sequence(table)
    return total


def _reset_sequence(table) -> None:
    """PostgreSQL hands out ids from a sequence that the inserted rows did not advance."""
    if db.engine.dialect.name != "postgresql" or len(table.primary_key.columns) != 1:
        return
    (pk,) = table.primary_key.columns
    if not pk.autoincrement or pk.type.python_type is not int:
        return
    highest = func.max(pk)
    db.session.execute(select(func.setval(func.pg_get_serial_sequence(table.name, pk.name),
                                          func.coalesce(highest, 1), highest.is_not(None))).select_from(table))


def _verify_chain(zf: zipfile.ZipFile, manifest: dict, log_copy: Path) -> str:
    report = audit.verify_chain(log_path=str(log_copy) if manifest.get("checkpoint_log") else None)
    head = manifest["audit_head"]
    if not report.chain_ok:
        raise RestoreRefused(f"the audit chain in the backup is broken at event {report.broken_seq}: "
                             f"{report.reason}")
    if (report.count, report.head) != (head["count"], head["hash"]):
        raise RestoreRefused(f"the restored audit chain ends at event {report.count} ({report.head}), the manifest "
                             f"says {head['count']} ({head['hash']})")
    check = report.checkpoint
    if manifest.get("checkpoint_log") and not check.ok:
        raise RestoreRefused(f"the audit chain does not match the backup's signed checkpoints: {check.message}"
                             + "".join(f"; {p}" for p in check.problems))
    return check.message


def _write_documents(zf: zipfile.ZipFile) -> int:
    count = 0
    for name in zf.namelist():
        if name.startswith(DOCUMENT_DIR):
            sha256 = name[len(DOCUMENT_DIR):]
            data = zf.read(name)
            if hashlib.sha256(data).hexdigest() != sha256:
                raise RestoreRefused(f"evidence file {sha256} in the backup does not match its name")
            documents._store(sha256, data)
            count += 1
    return count


def _check_exports(zf: zipfile.ZipFile, manifest: dict) -> list[str]:
    """The members that are files of finished exports, checked before anything changes: each is the file of a
    finished export job in the backup's export_job table, with the hash that job recorded (the member's own
    hash was checked against the signed manifest)."""
    names = [name for name in zf.namelist() if name.startswith(EXPORT_DIR)]
    if not names:
        return names
    table = manifest["tables"].get("export_job")
    finished = {}
    if table is not None:
        columns = table["columns"]
        at = {name: columns.index(name) for name in ("id", "status", "sha256")}
        with zf.open(f"{TABLE_DIR}export_job.jsonl") as member:
            for line in member:
                row = json.loads(line)
                if row[at["status"]] == "finished":
                    finished[row[at["id"]]] = row[at["sha256"]]
    for name in names:
        job_id = name[len(EXPORT_DIR):]
        if not _JOB_ID.fullmatch(job_id) or finished.get(job_id) != manifest["members"][name]["sha256"]:
            raise RestoreRefused(f"{name} in the backup belongs to no finished export, or not with that content")
    return names


def _write_exports(zf: zipfile.ZipFile, names: list[str]) -> int:
    """Each export's file where its restored job expects it."""
    folder = Path(current_app.config["EXPORT_DIR"])
    for name in names:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".restore-")
        with os.fdopen(fd, "wb") as fh, zf.open(name) as member:
            shutil.copyfileobj(member, fh, 1024 * 1024)
        os.replace(tmp, folder / name[len(EXPORT_DIR):])
    return len(names)


def restore_backup(path: str | os.PathLike) -> RestoreResult:
    signer = _signer()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise RestoreRefused(f"{path} cannot be read as a backup: {error}") from None
    with zf, tempfile.TemporaryDirectory(prefix="cofund-restore-") as tmp:
        try:
            manifest = _manifest(zf, signer)
            _check_members(zf, manifest)
            export_files = _check_exports(zf, manifest)
        except (zipfile.BadZipFile, EOFError, KeyError, ValueError) as error:
            raise RestoreRefused(f"the backup is damaged: {error}") from None
        build_schema = _check_target(manifest)
        log_copy = Path(tmp) / LOG
        if manifest.get("checkpoint_log"):
            log_copy.write_bytes(zf.read(LOG))
        if build_schema:
            from flask_migrate import upgrade
            upgrade(revision=manifest["revision"])
        try:
            rows = _fill_tables(zf, manifest)
            message = _verify_chain(zf, manifest, log_copy)
            count = _write_documents(zf)
            exports = _write_exports(zf, export_files)
            db.session.commit()
        except (RestoreRefused, SQLAlchemyError):
            db.session.rollback()
            raise
        if manifest.get("checkpoint_log"):
            target = Path(current_app.config["AUDIT_CHECKPOINT_LOG"])
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_log = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(log_copy.read_bytes())
            os.chmod(tmp_log, 0o640)
            os.replace(tmp_log, target)
    head = manifest["audit_head"]
    return RestoreResult(rows, len(manifest["tables"]), count, head["count"], head["hash"], message, exports)
