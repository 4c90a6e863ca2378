"""How often one may try to sign in, counted from the audit trail, so that every gunicorn worker (and every
server on the same database) sees the same count without Redis.

Two limits, both answered with 429 and a Retry-After:

- per client address: at most LOGIN_ADDRESS_MAX_FAILURES failed attempts (wrong password, unknown e-mail,
  wrong second-factor code) within LOGIN_ADDRESS_WINDOW_MINUTES; the address then waits until the oldest of
  them leaves the window. This stops spraying many accounts from one address.
- per account: after LOGIN_ACCOUNT_FREE_FAILURES failures since the account's last sign-in, each further
  attempt waits a delay that doubles with every failure (1 s, 2 s, 4 s, ...) up to LOGIN_ACCOUNT_MAX_DELAY_SECONDS
  after the last failure. There is no hard lock: an attacker can slow the owner down by at most that delay,
  never lock them out for a quarter of an hour.

The failures are the ``auth.login_failed`` and ``auth.second_factor_failed`` events that the sign-in writes
anyway (indexes on action, actor or address, and time). Flask-Limiter adds a coarse per-address limit on
every sign-in request (app/limiter.py: Redis when REDIS_URL is set)."""
from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent
from ..models.types import utcnow
from .audit import _address

FAILURES = ("auth.login_failed", "auth.second_factor_failed")

DEFAULTS = {
    "LOGIN_ADDRESS_MAX_FAILURES": 20,
    "LOGIN_ADDRESS_WINDOW_MINUTES": 15,
    "LOGIN_ACCOUNT_FREE_FAILURES": 3,
    "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": 120,
}


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def address_wait(ip: str | None) -> int:
    """Seconds this address must wait before it may try again (0: it may)."""
    address = _address(ip)
    limit = setting("LOGIN_ADDRESS_MAX_FAILURES")
    if address is None or limit <= 0:
        return 0
    window = timedelta(minutes=setting("LOGIN_ADDRESS_WINDOW_MINUTES"))
    now = utcnow()
    # the limit-th most recent failure: while it is inside the window, the address has used its attempts
    oldest_counted = db.session.scalar(
        select(AuditEvent.occurred_at).where(AuditEvent.action.in_(FAILURES), AuditEvent.ip == address,
                                             AuditEvent.occurred_at >= now - window)
        .order_by(AuditEvent.occurred_at.desc()).offset(limit - 1).limit(1))
    if oldest_counted is None:
        return 0
    return max(1, math.ceil((oldest_counted + window - now).total_seconds()))


def account_wait(email: str) -> int:
    """Seconds before this account may be tried again: a delay growing with the failures since its last
    successful sign-in (0: no delay)."""
    last_success = db.session.scalar(select(func.max(AuditEvent.occurred_at)).where(
        AuditEvent.action == "auth.login", AuditEvent.actor == email))
    failures = select(AuditEvent.occurred_at).where(AuditEvent.action.in_(FAILURES), AuditEvent.actor == email)
    if last_success is not None:
        failures = failures.where(AuditEvent.occurred_at > last_success)
    # only the recent past matters: the delay never exceeds the maximum, so older failures cannot count
    recent = failures.where(AuditEvent.occurred_at >= utcnow() - timedelta(days=1))
    count = db.session.scalar(select(func.count()).select_from(recent.subquery())) or 0
    free = setting("LOGIN_ACCOUNT_FREE_FAILURES")
    if count < free:
        return 0
    delay = min(2 ** min(count - free, 30), setting("LOGIN_ACCOUNT_MAX_DELAY_SECONDS"))
    last_failure = db.session.scalar(select(func.max(AuditEvent.occurred_at)).where(
        AuditEvent.action.in_(FAILURES), AuditEvent.actor == email))
    remaining = (last_failure + timedelta(seconds=delay) - utcnow()).total_seconds()
    return max(0, math.ceil(remaining))
