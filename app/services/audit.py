"""The one audit-event writer, and the verification of the hash chain."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import select, text

from ..extensions import db
from ..models import GENESIS_HASH, AuditEvent
from ..models.types import utcnow

PG_AUDIT_LOCK_KEY = 0x0C0F0AD1  # pg_advisory_xact_lock key that serialises appends to the chain


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
        ip=actor.ip,
        prev_hash=prev_hash,
    )
    ev.hash = compute_hash(prev_hash, ev)
    session.add(ev)
    session.flush()
    return ev


@dataclass
class ChainReport:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch: int = 1000) -> ChainReport:
    """Walk the whole chain in order and name the first broken link."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    with db.session.execute(stmt) as result:
        for ev in result.scalars():
            if ev.seq != expected_seq:
                return ChainReport(False, count, prev_hash, ev.seq,
                                   f"expected event {expected_seq}, found {ev.seq} (an event is missing)")
            if ev.prev_hash != prev_hash:
                return ChainReport(False, count, prev_hash, ev.seq,
                                   "prev_hash does not match the event before")
            if compute_hash(prev_hash, ev) != ev.hash:
                return ChainReport(False, count, prev_hash, ev.seq,
                                   "content does not match its hash (altered)")
            prev_hash, expected_seq, count = ev.hash, expected_seq + 1, count + 1
            db.session.expunge(ev)
    return ChainReport(True, count, prev_hash)


def chain_head() -> tuple[int, str]:
    row = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)
