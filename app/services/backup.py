"""Backup: one file that holds a consistent snapshot of the database, the evidence files, the checkpoint log
of the audit trail, and a manifest of SHA-256 hashes signed with the audit signing key (flask backup).

The file is a zip:

- ``manifest.json``: format, time, database, Alembic revision, the head of the audit chain, the columns and
  row count of every table, and the SHA-256 and size of every other member;
- ``manifest.sig``: base64 of the Ed25519 signature of manifest.json by the audit signing key, so a backup
  that was changed and re-hashed is refused as well (the key itself is never in a backup: keep it apart);
- ``database/<table>.jsonl``: the rows of each table, one JSON array per line in the manifest's column
  order, in primary-key order; amounts as strings, times in ISO 8601 UTC (portable between SQLite and
  PostgreSQL);
- ``documents/<sha256>``: every evidence file the snapshot refers to;
- ``exports/<job id>``: the file of every finished background export the snapshot holds (a statement or an
  extract its user may still download that day), checked against the SHA-256 its job recorded; one already
  purged with its job after the snapshot is listed in the manifest as gone, so the restore is that state;
- ``audit-checkpoints.log``: the checkpoint log, read *before* the snapshot, so that every checkpoint in it
  covers events that the snapshot holds.

Consistency: on SQLite the database is first copied with SQLite's online backup API and the copy is read; on
PostgreSQL everything is read in one REPEATABLE READ, READ ONLY transaction. Evidence files never change
(they are stored by content address), so reading them after the snapshot gives exactly the ones it names;
an export's file is written before its job is marked finished and never changes after.
Restoring: :mod:`app.services.restore`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, create_engine, select, text

from ..extensions import db
from ..models import GENESIS_HASH, AuditEvent, Document, ExportJob
from ..models.types import utcnow
from . import checkpoints, documents

FORMAT = "cofund-backup-1"
MANIFEST, SIGNATURE, LOG = "manifest.json", "manifest.sig", "audit-checkpoints.log"
TABLE_DIR, DOCUMENT_DIR, EXPORT_DIR = "database/", "documents/", "exports/"
_CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """The backup could not be made (nothing was written); the message says why."""


@dataclass
class BackupResult:
    path: Path
    rows: int
    tables: int
    documents: int
    audit_count: int
    audit_head: str
    exports: int = 0


def _plain(value):
    """A column value as JSON: amounts as strings, times and dates in ISO 8601, enums by value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | str):
        return value
    raise BackupError(f"a value of type {type(value).__name__} cannot be written to a backup")


@contextmanager
def _snapshot() -> Iterator[Connection]:
    """A connection that reads one consistent state of the database."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="cofund-backup-") as tmp:
            copy = Path(tmp) / "snapshot.sqlite3"
            source = engine.raw_connection()
            try:
                target = sqlite3.connect(copy)
                try:
                    source.driver_connection.backup(target)  # SQLite's online backup API: one consistent copy
                finally:
                    target.close()
            finally:
                source.close()
            snapshot = create_engine(f"sqlite:///{copy}")
            try:
                with snapshot.connect() as conn:
                    yield conn
            finally:
                snapshot.dispose()
        return
    with engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True) as conn:
        with conn.begin():
            yield conn


class _Writer:
    """Members of the zip, each hashed as it is written."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.members: dict[str, dict] = {}

    @contextmanager
    def member(self, name: str):
        digest, size = hashlib.sha256(), 0
        with self.zf.open(name, "w", force_zip64=True) as raw:
            def write(data: bytes) -> None:
                nonlocal size
                digest.update(data)
                size += len(data)
                raw.write(data)
            yield write
        self.members[name] = {"sha256": digest.hexdigest(), "size": size}


def _tables(conn: Connection, writer: _Writer) -> tuple[dict, dict]:
    columns, counts = {}, {}
    for table in db.metadata.sorted_tables:
        names = [c.name for c in table.columns]
        count = 0
        query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=1000)
        with writer.member(f"{TABLE_DIR}{table.name}.jsonl") as write:
            lines = []
            for row in conn.execute(query):
                lines.append(json.dumps([_plain(v) for v in row], ensure_ascii=False, separators=(",", ":")))
                count += 1
                if len(lines) >= 1000:
                    write(("\n".join(lines) + "\n").encode())
                    lines = []
            if lines:
                write(("\n".join(lines) + "\n").encode())
        columns[table.name], counts[table.name] = names, count
    return columns, counts


def _documents(conn: Connection, writer: _Writer) -> int:
    """Every evidence file the snapshot refers to, checked against its hash on the way in."""
    problems, count = [], 0
    for (sha256,) in conn.execute(select(Document.sha256).order_by(Document.id)):
        path = documents.document_path(sha256)
        try:
            with open(path, "rb") as source, writer.member(f"{DOCUMENT_DIR}{sha256}") as write:
                digest = hashlib.sha256()
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    write(chunk)
        except FileNotFoundError:
            problems.append(f"{sha256} is missing from {documents.document_dir()}")
            continue
        if digest.hexdigest() != sha256:
            problems.append(f"{sha256} is damaged (its content has another hash)")
        count += 1
    if problems:
        raise BackupError("evidence files cannot be backed up as they are: " + "; ".join(problems)
                          + ". Restore them from an earlier backup first.")
    return count


def _exports(conn: Connection, writer: _Writer) -> tuple[int, list[str]]:
    """The files of the finished background exports in the snapshot, each checked against the hash its job
    recorded; and the jobs whose file is gone (purged after the snapshot, with its job)."""
    folder = Path(current_app.config["EXPORT_DIR"])
    problems, gone, count = [], [], 0
    query = (select(ExportJob.id, ExportJob.sha256).where(ExportJob.status == "finished", ExportJob.sha256.is_not(None))
             .order_by(ExportJob.id))
    for job_id, sha256 in conn.execute(query):
        try:
            with open(folder / job_id, "rb") as source, writer.member(f"{EXPORT_DIR}{job_id}") as write:
                digest = hashlib.sha256()
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    write(chunk)
        except FileNotFoundError:
            gone.append(job_id)
            continue
        if digest.hexdigest() != sha256:
            problems.append(f"the file of export {job_id} in {folder} is damaged (its content has another hash)")
        count += 1
    if problems:
        raise BackupError("; ".join(problems) + ". Delete the damaged file (its user can make the export again).")
    return count, gone


def make_backup(out: str | os.PathLike) -> BackupResult:
    """Write the backup to ``out`` (atomically: a temporary file next to it is renamed at the end; mode
    0600, since it holds personal data and password hashes)."""
    out = Path(out)
    signer = checkpoints.signer_for(current_app)
    log_path = Path(current_app.config["AUDIT_CHECKPOINT_LOG"])
    log = log_path.read_bytes() if log_path.exists() else None  # before the snapshot (see the docstring)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            writer = _Writer(zf)
            with _snapshot() as conn:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                head = conn.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())
                                    .limit(1)).first()
                columns, counts = _tables(conn, writer)
                document_count = _documents(conn, writer)
                export_count, exports_gone = _exports(conn, writer)
            if log is not None:
                with writer.member(LOG) as write:
                    write(log)
            manifest = {
                "format": FORMAT, "created_at": utcnow().isoformat(), "database": db.engine.dialect.name,
                "revision": revision, "key_id": signer.key_id,
                "audit_head": {"count": head.seq if head else 0, "hash": head.hash if head else GENESIS_HASH},
                "tables": {name: {"columns": columns[name], "rows": counts[name]} for name in columns},
                "documents": document_count, "exports": export_count, "exports_gone": exports_gone,
                "checkpoint_log": log is not None, "members": writer.members,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            zf.writestr(MANIFEST, data)
            zf.writestr(SIGNATURE, base64.b64encode(signer.private_key.sign(data)) + b"\n")
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return BackupResult(out, sum(counts.values()), len(counts), document_count, manifest["audit_head"]["count"],
                        manifest["audit_head"]["hash"], export_count)
