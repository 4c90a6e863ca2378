"""`flask audit verify` in seconds: from the newest *verified* checkpoint by default, the whole chain on every
core with ``--full``.

Each link can be checked on its own: an event's hash is sha256(prev_hash + its canonical JSON), and its
prev_hash must be the hash of the event before it. So ``--full`` cuts the chain into ranges of sequence numbers
and checks them in parallel, each range reading the row before it for its first link.

A run that finds the chain intact and matching the newest signed checkpoint records that checkpoint as
*verified*: a small file next to the checkpoint log (``<log>.verified``), signed with the checkpoint key, that
holds the checkpoint's own line and how far the log was read. The default run then checks only what follows:
the verified checkpoint's event (its content still gives its hash, and the hash is the one signed), every
event after it link by link, that no event up to it is missing, the log lines appended since, and the chain
against the newest checkpoint. What precedes the verified checkpoint was checked by an earlier run;
``--full`` checks it again (a database restored from elsewhere, a periodic full check).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from flask import current_app
from sqlalchemy import create_engine, func, select

from ..extensions import db
from ..models import GENESIS_HASH, AuditEvent
from . import checkpoints
from .audit import ChainReport, _compare_with_checkpoint, canonical_json
from .checkpoints import Checkpoint, LogReading, Note, Signer, utc_timestamp

VERIFIED_TITLE = "cofund audit verified v1"
COLUMNS = (AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.user_id, AuditEvent.actor, AuditEvent.role,
           AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.project_id,
           AuditEvent.before, AuditEvent.after, AuditEvent.ip, AuditEvent.prev_hash, AuditEvent.hash)
CHUNK = 50_000  # events per range of a full check
BATCH = 5_000


def row_hash(prev_hash: str, row) -> str:
    """The hash of an event row (COLUMNS), as app/services/audit.py computes it for the ORM object."""
    payload = canonical_json({
        "seq": row[0], "occurred_at": row[1].isoformat(), "user_id": row[2], "actor": row[3], "role": row[4],
        "action": row[5], "object_type": row[6], "object_id": row[7], "project_id": row[8], "before": row[9],
        "after": row[10], "ip": row[11]})
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


@dataclass
class RangeResult:
    first: int
    last: int
    checked: int  # events of the range that verify, from its first
    head: str  # hash of the last event that verifies
    problem: tuple[int, str, str] | None = None  # (seq, kind, text)
    hash_at: dict | None = None  # seq -> hash, for the seqs asked for


def check_rows(rows: Iterable, first: int, prev_hash: str, wanted: set[int] | None = None) -> RangeResult:
    """Check consecutive event rows from sequence number ``first``, the first one linking to ``prev_hash``."""
    result = RangeResult(first, first - 1, 0, prev_hash, None, {})
    expected = first
    for row in rows:
        seq = row[0]
        if seq != expected:
            result.problem = (seq, "missing_event",
                              f"expected event {expected}, found {seq} (an event is missing)")
            return result
        if row[12] != prev_hash:
            result.problem = (seq, "prev_hash", "prev_hash does not match the event before")
            return result
        if row_hash(prev_hash, row) != row[13]:
            result.problem = (seq, "altered", "content does not match its hash (altered)")
            return result
        prev_hash = row[13]
        if wanted and seq in wanted:
            result.hash_at[seq] = prev_hash
        result.checked += 1
        result.last = seq
        result.head = prev_hash
        expected += 1
    return result


def _stream(connection, first: int, last: int | None):
    """Event rows with ``first <= seq <= last`` in order, in batches (memory stays flat)."""
    low = first
    while True:
        query = select(*COLUMNS).where(AuditEvent.seq >= low).order_by(AuditEvent.seq).limit(BATCH)
        if last is not None:
            query = query.where(AuditEvent.seq <= last)
        rows = connection.execute(query).all()
        yield from rows
        if len(rows) < BATCH:
            return
        low = rows[-1][0] + 1


_ENGINES: dict[str, object] = {}


def _check_range(url: str, first: int, last: int, wanted: frozenset[int]) -> RangeResult:
    """One range of a full check, in a worker process with its own connection."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = create_engine(url)
    with engine.connect() as connection:
        if first == 1:
            prev_hash = GENESIS_HASH
        else:
            prev_hash = connection.execute(select(AuditEvent.hash).where(AuditEvent.seq == first - 1)).scalar()
            if prev_hash is None:
                return RangeResult(first, first - 1, 0, "", (first - 1, "missing_event",
                                                             f"expected event {first - 1}, found none (an event is "
                                                             "missing)"), {})
        return check_rows(_stream(connection, first, last), first, prev_hash, set(wanted))


def _merge(results: list[RangeResult], total: int) -> tuple[int, str, int | None, str, dict]:
    """The ranges in order: (events that verify from the first, head, first broken seq, reason, hashes)."""
    count, head, hashes = 0, GENESIS_HASH, {}
    for r in sorted(results, key=lambda r: r.first):
        hashes.update(r.hash_at or {})
        count += r.checked
        if r.checked:
            head = r.head
        if r.problem:
            seq, kind, text = r.problem
            return count, head, seq, Note(text, kind), hashes
    if count < total:
        return count, head, count + 1, Note(f"expected event {count + 1}, found none (an event is missing)",
                                            "missing_event", expected=count + 1), hashes
    return count, head, None, "", hashes


def verify_full(jobs: int | None = None, chunk: int = CHUNK,
                progress: Callable[[int], None] | None = None) -> ChainReport:
    """The whole chain, ranges checked on ``jobs`` processes (all cores by default), then compared with the
    newest signed checkpoint; writes the verified mark when all is well."""
    app = current_app._get_current_object()
    signer = checkpoints.signer_for(app)
    reading = checkpoints.read_log(app.config["AUDIT_CHECKPOINT_LOG"], signer)
    total = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    target = reading.newest.count if reading.newest else None
    wanted = frozenset({target} if target else ())
    jobs = jobs or os.cpu_count() or 1
    ranges = [(first, min(first + chunk - 1, total)) for first in range(1, total + 1, chunk)]
    url = db.engine.url.render_as_string(hide_password=False)
    results: list[RangeResult] = []
    if jobs == 1 or len(ranges) <= 1 or url.startswith("sqlite://") and ":memory:" in url:
        for first, last in ranges:
            result = _check_range_here(first, last, wanted)
            results.append(result)
            if progress:
                progress(result.last - first + 1 if not result.problem else last - first + 1)
    else:
        db.session.commit()  # the workers read what is committed
        import multiprocessing
        with ProcessPoolExecutor(max_workers=min(jobs, len(ranges)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_check_range, url, first, last, wanted) for first, last in ranges]
            for (first, last), future in zip(ranges, futures, strict=True):
                result = future.result()
                results.append(result)
                if progress:
                    progress(last - first + 1)
    count, head, broken, reason, hashes = _merge(results, total)
    check = _compare_with_checkpoint(reading, count, hashes.get(target), chain_ok=broken is None)
    report = ChainReport(broken is None, count, head, broken, reason, check)
    if report.ok and reading.newest is not None:
        write_mark(app, signer, reading.newest, _log_size(reading))
    return report


def _check_range_here(first: int, last: int, wanted: frozenset[int]) -> RangeResult:
    connection = db.session.connection()
    prev_hash = GENESIS_HASH if first == 1 else connection.execute(
        select(AuditEvent.hash).where(AuditEvent.seq == first - 1)).scalar()
    return check_rows(_stream(connection, first, last), first, prev_hash or "", set(wanted))


def _log_size(reading: LogReading) -> int:
    return getattr(reading, "size", 0)


# --- the verified mark ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """The newest checkpoint a verification found the chain to match, and how far the log was read then."""

    checkpoint: Checkpoint
    log_offset: int
    time: str
    signature: str = ""

    def signed_text(self) -> bytes:
        return (f"{VERIFIED_TITLE}\n{self.checkpoint.to_line()}\nlog_offset {self.log_offset}\n"
                f"time {self.time}\n").encode()


def mark_path(app) -> Path:
    return Path(app.config.get("AUDIT_VERIFIED_MARK") or app.config["AUDIT_CHECKPOINT_LOG"] + ".verified")


def write_mark(app, signer: Signer, checkpoint: Checkpoint, log_offset: int) -> None:
    unsigned = Mark(checkpoint, log_offset, utc_timestamp())
    signature = base64.b64encode(signer.private_key.sign(unsigned.signed_text())).decode("ascii")
    data = json.dumps({"checkpoint": checkpoint.to_line(), "log_offset": log_offset, "time": unsigned.time,
                       "signature": signature})
    path = mark_path(app)
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(data + "\n", encoding="ascii")
        os.replace(temporary, path)
    except OSError:
        current_app.logger.exception("verified mark not written to %s", path)


def read_mark(app, signer: Signer) -> tuple[Mark | None, str]:
    """The verified mark, or None and why not ("" when there is none)."""
    path = mark_path(app)
    try:
        data = json.loads(path.read_text(encoding="ascii"))
        mark = Mark(Checkpoint.from_line(data["checkpoint"]), int(data["log_offset"]), str(data["time"]),
                    str(data["signature"]))
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        return None, f"the verified mark {path} does not read ({error})"
    if signer.problem_with(mark.checkpoint):
        return None, f"the verified mark {path} holds a checkpoint whose signature does not verify"
    try:
        signer.public_key.verify(base64.b64decode(mark.signature, validate=True), mark.signed_text())
    except (binascii.Error, InvalidSignature):
        return None, f"the signature of the verified mark {path} does not verify"
    return mark, ""


# --- the default: what follows the verified checkpoint --------------------------------------------------------

@dataclass
class QuickReport(ChainReport):
    since: Mark | None = None  # None: no usable mark, the whole chain was checked
    mark_problem: str = ""
    checked: int = 0  # events checked in this run


def verify_since_mark(jobs: int | None = None, progress: Callable[[int], None] | None = None) -> QuickReport:
    """Check what follows the newest verified checkpoint (see the module's text); without a usable mark,
    the whole chain (and then the mark is written)."""
    app = current_app._get_current_object()
    signer = checkpoints.signer_for(app)
    mark, mark_problem = read_mark(app, signer)
    if mark is None:
        full = verify_full(jobs, progress=progress)
        return QuickReport(full.chain_ok, full.count, full.head, full.broken_seq, full.reason, full.checkpoint,
                           None, mark_problem, full.count)
    reading = checkpoints.read_log(app.config["AUDIT_CHECKPOINT_LOG"], signer, start=mark.log_offset)
    if not reading.exists:
        reading.exists = True
        reading.problems.append(Note(f"the checkpoint log {reading.path} is gone, though it was verified up to "
                                     f"byte {mark.log_offset}", "gone", path=reading.path))
    if reading.exists and reading.newest is None or (reading.newest and reading.newest.count < mark.checkpoint.count):
        reading.newest = mark.checkpoint
    base = mark.checkpoint
    connection = db.session.connection()
    before = connection.execute(select(func.count()).where(AuditEvent.seq <= base.count)).scalar() or 0
    anchor = connection.execute(select(*COLUMNS).where(AuditEvent.seq == base.count)).first()
    problem = None
    if before != base.count:
        problem = (before + 1 if before < base.count else base.count, Note(
            f"{base.count - before} of the {base.count} events up to the verified checkpoint are missing",
            "missing_event", expected=base.count, found=before))
    elif anchor is None or anchor[13] != base.head or row_hash(anchor[12], anchor) != anchor[13]:
        problem = (base.count, Note("content does not match its hash (altered)", "altered")
                   if anchor is not None and row_hash(anchor[12], anchor) != anchor[13]
                   else Note(f"event {base.count} differs from the verified checkpoint of {base.time}", "rewritten"))
    if problem:
        check = _compare_with_checkpoint(reading, 0, None, chain_ok=False)
        return QuickReport(False, 0, "", problem[0], problem[1], check, mark, "", 1)
    target = reading.newest.count if reading.newest else None
    result = check_rows(_stream(connection, base.count + 1, None), base.count + 1, base.head,
                        {target} if target else None)
    hashes = {base.count: base.head, **(result.hash_at or {})}
    broken, reason = (result.problem[0], Note(result.problem[2], result.problem[1])) if result.problem else (None, "")
    count = base.count + result.checked
    check = _compare_with_checkpoint(reading, count, hashes.get(target), chain_ok=broken is None)
    report = QuickReport(broken is None, count, result.head, broken, reason, check, mark, "", result.checked + 1)
    if report.ok and reading.newest is not None and reading.newest.count > base.count:
        write_mark(app, signer, reading.newest, mark.log_offset + _log_size(reading))
    return report
