"""The one audit-event writer, the signed checkpoint after every transaction that wrote events, and the
verification of the hash chain against the newest checkpoint."""
from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import current_app
from sqlalchemy import event, select, text

from ..extensions import db
from ..models import GENESIS_HASH, AuditEvent
from ..models.types import utcnow
from . import checkpoints
from .checkpoints import Checkpoint, Note

PG_AUDIT_LOCK_KEY = 0x0C0F0AD1  # pg_advisory_xact_lock key that serialises appends to the chain
_HEAD = "cofund.audit.head"  # session.info: (seq, hash) of the newest event recorded in this transaction
_SAVEPOINT_HEADS = "cofund.audit.savepoint_heads"  # session.info: that head when each open savepoint began


@dataclass(frozen=True)
class Actor:
    """Who does something, and from where: a logged-in user or a command-line operator."""

    user_id: int | None
    email: str
    ip: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(None, name, None)


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"not serialisable in the audit trail: {type(value).__name__}")


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def event_payload(ev: AuditEvent) -> str:
    return canonical_json({
        "seq": ev.seq,
        "occurred_at": ev.occurred_at.isoformat(),
        "user_id": ev.user_id,
        "actor": ev.actor,
        "role": ev.role,
        "action": ev.action,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "project_id": ev.project_id,
        "before": ev.before,
        "after": ev.after,
        "ip": ev.ip,
    })


def compute_hash(prev_hash: str, ev: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + event_payload(ev)).encode("utf-8")).hexdigest()


def _lock_chain(session) -> None:
    """Serialise appends. PostgreSQL: a transaction-scoped advisory lock. SQLite: every transaction
    starts with BEGIN IMMEDIATE (see app/__init__.py), so writers are already serialised. Either way
    the UNIQUE constraint on prev_hash makes a fork impossible."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_AUDIT_LOCK_KEY})


def serialise(*objects) -> None:
    """Called first by every service that checks state and then changes it: takes the write lock (the
    same one the audit chain uses, held until commit) and reloads the given objects, so that the checks
    see what concurrent transactions committed. Two finance officers clicking 'pay' at once cannot both
    pass the 'not yet paid' check. On SQLite the transaction already holds the write lock."""
    _lock_chain(db.session)
    for obj in objects:
        if obj is not None and obj in db.session and db.session.get_bind().dialect.name == "postgresql":
            db.session.refresh(obj)


def _address(ip: str | None) -> str | None:
    """The client address as the trail keeps it: an IP address as such; anything else (a forged
    X-Forwarded-For behind PROXY_FIX, say) cut to the column's 45 characters, without NUL, not refused."""
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip.replace("\x00", "")[:45] or None


def record(actor: Actor, action: str, *, role: str = "", object_type: str | None = None,
           object_id=None, project_id: int | None = None, before: dict | None = None,
           after: dict | None = None) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    session = db.session
    _lock_chain(session)
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
    ev = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        user_id=actor.user_id,
        actor=actor.email[:254],
        role=role or ("system" if actor.user_id is None else ""),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        project_id=project_id,
        before=None if before is None else canonical_json(before),
        after=None if after is None else canonical_json(after),
        ip=_address(actor.ip),
        prev_hash=prev_hash,
    )
    ev.hash = compute_hash(prev_hash, ev)
    session.add(ev)
    session.flush()
    session.info[_HEAD] = (ev.seq, ev.hash)
    return ev


# Checkpoints: the session remembers the head that record() wrote in the current transaction; once the
# transaction is committed, that head is signed and appended to the checkpoint log (no query on commit).
# A rollback forgets it; a rolled-back savepoint restores the head from before the savepoint. Listening
# on db.session listens on its Session class, once, for every app: requests and CLI commands alike.

@event.listens_for(db.session, "after_transaction_create")
def _savepoint_began(session, transaction):
    if transaction.nested:
        session.info.setdefault(_SAVEPOINT_HEADS, {})[transaction] = session.info.get(_HEAD)


@event.listens_for(db.session, "after_soft_rollback")
def _rolled_back(session, previous_transaction):
    if previous_transaction.nested:
        saved = session.info.get(_SAVEPOINT_HEADS, {})
        if previous_transaction in saved:
            session.info[_HEAD] = saved.pop(previous_transaction)
    elif previous_transaction.parent is None:
        _forget_head(session)


@event.listens_for(db.session, "after_transaction_end")
def _transaction_ended(session, transaction):
    if transaction.parent is None:  # committed, rolled back or closed: nothing is pending any more
        _forget_head(session)


def _forget_head(session) -> None:
    session.info.pop(_HEAD, None)
    session.info.pop(_SAVEPOINT_HEADS, None)


@event.listens_for(db.session, "before_commit")
def _load_signing_key(session):
    """A signing key that cannot be loaded refuses the commit before it happens (the key is loaded once
    per app; after that this costs nothing)."""
    if session.info.get(_HEAD) is not None:
        checkpoints.signer_for(current_app)


@event.listens_for(db.session, "after_commit")
def _write_checkpoint(session):
    if session.in_nested_transaction():  # a savepoint was released, the transaction goes on
        return
    head = session.info.pop(_HEAD, None)
    if head is None:
        return
    try:
        checkpoints.write_checkpoint(current_app, *head)
    except Exception:
        # The transaction is committed: raising now would report a change that was made as failed. The
        # next checkpoint covers these events too; until then verify reports them as not yet covered.
        current_app.logger.exception("audit checkpoint for %s events not written to %s",
                                     head[0], current_app.config["AUDIT_CHECKPOINT_LOG"])


MATCHES, NO_LOG, NO_CHECKPOINT, MISSING, REWRITTEN, NOT_COMPARED = (
    "matches", "no_log", "no_checkpoint", "missing", "rewritten", "not_compared")


@dataclass
class CheckpointCheck:
    """The chain compared with the newest signed checkpoint in the checkpoint log."""

    status: str
    message: str
    log_path: str
    checkpoint: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)  # log lines that cannot be trusted
    uncovered: int = 0  # events after the checkpoint (its write failed, or it is being written)

    @property
    def ok(self) -> bool:
        return self.status in (MATCHES, NO_LOG) and not self.problems

    @property
    def warning(self) -> bool:
        """Acceptable, but not the full guarantee: no log yet, or events not yet covered."""
        return self.status == NO_LOG or self.uncovered > 0


@dataclass
class ChainReport:
    chain_ok: bool  # every link verifies
    count: int  # events that verify, in order from the first
    head: str
    broken_seq: int | None = None
    reason: str = ""
    checkpoint: CheckpointCheck | None = None

    @property
    def ok(self) -> bool:
        return self.chain_ok and (self.checkpoint is None or self.checkpoint.ok)


def _link_problem(ev: AuditEvent, expected_seq: int, prev_hash: str) -> Note | None:
    if ev.seq != expected_seq:
        return Note(f"expected event {expected_seq}, found {ev.seq} (an event is missing)", "missing_event",
                    expected=expected_seq, found=ev.seq)
    if ev.prev_hash != prev_hash:
        return Note("prev_hash does not match the event before", "prev_hash")
    if compute_hash(prev_hash, ev) != ev.hash:
        return Note("content does not match its hash (altered)", "altered")
    return None


def verify_chain(batch: int = 1000, log_path: str | None = None) -> ChainReport:
    """Walk the whole chain in order, name the first broken link, and compare the chain with the newest
    signed checkpoint (of the configured log, or of ``log_path``: a restore checks the backup's). The log is
    read first: every checkpoint in it was written after its transaction committed, so the walk that follows
    sees at least the events it covers."""
    reading = checkpoints.read_log(log_path or current_app.config["AUDIT_CHECKPOINT_LOG"],
                                   checkpoints.signer_for(current_app))
    target = reading.newest.count if reading.newest else None
    prev_hash, count, broken_seq, reason, hash_at_target = GENESIS_HASH, 0, None, "", None
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    with db.session.execute(stmt) as result:
        for ev in result.scalars():
            problem = _link_problem(ev, count + 1, prev_hash)
            if problem:
                broken_seq, reason = ev.seq, problem
                break
            prev_hash, count = ev.hash, count + 1
            if ev.seq == target:
                hash_at_target = ev.hash
            db.session.expunge(ev)
    check = _compare_with_checkpoint(reading, count, hash_at_target, chain_ok=broken_seq is None)
    return ChainReport(broken_seq is None, count, prev_hash, broken_seq, reason, check)


def _compare_with_checkpoint(reading, count: int, hash_at_checkpoint: str | None,
                             chain_ok: bool) -> CheckpointCheck:
    cp = reading.newest
    if not reading.exists:
        return CheckpointCheck(NO_LOG, Note(f"no signed checkpoint to compare against (no checkpoint log at "
                                            f"{reading.path})", NO_LOG, path=reading.path), reading.path)
    if cp is None:
        return CheckpointCheck(NO_CHECKPOINT, Note(f"the checkpoint log {reading.path} holds no valid checkpoint",
                                                   NO_CHECKPOINT, path=reading.path),
                               reading.path, None, reading.problems)
    at = {"count": cp.count, "time": cp.time}
    if hash_at_checkpoint is not None and hash_at_checkpoint != cp.head:
        return CheckpointCheck(REWRITTEN, Note(f"event {cp.count} differs from the signed checkpoint of {cp.time}: "
                                               "the chain was rewritten", REWRITTEN, **at),
                               reading.path, cp, reading.problems)
    if hash_at_checkpoint is None and not chain_ok:
        return CheckpointCheck(NOT_COMPARED, Note(f"the chain breaks before the signed checkpoint of {cp.time} "
                                                  f"({cp.count} events), so it was not compared with it",
                                                  NOT_COMPARED, **at), reading.path, cp, reading.problems)
    if hash_at_checkpoint is None:
        missing = f"event {cp.count} is" if count + 1 == cp.count else f"events {count + 1} to {cp.count} are"
        return CheckpointCheck(MISSING, Note(f"{missing} missing: the checkpoint of {cp.time} covers {cp.count} "
                                             f"events, the database holds {count}", MISSING, held=count, **at),
                               reading.path, cp, reading.problems)
    uncovered = count - cp.count if chain_ok else 0
    message = f"matches the signed checkpoint of {cp.time} ({cp.count} events, key {cp.key_id})"
    if uncovered:
        later = "the event after it is" if uncovered == 1 else f"the {uncovered} events after it are"
        message += f"; {later} not yet covered by a checkpoint"
    return CheckpointCheck(MATCHES, Note(message, MATCHES, key=cp.key_id, uncovered=uncovered, **at), reading.path,
                           cp, reading.problems, uncovered)


def chain_head() -> tuple[int, str]:
    row = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)
