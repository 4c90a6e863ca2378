"""The second factor: TOTP (RFC 6238, 30-second steps, 6 digits; pyotp) and ten single-use recovery codes.

Required for finance officers, admins and auditors (User.needs_second_factor), optional for partners. A code
is accepted for the current step and one step either side (clock drift), and only for a step later than the
last one accepted for the user: the same code is never accepted twice. Recovery codes are random (80 bits),
stored as SHA-256, and marked used, never deleted. Enrolment, new recovery codes and the use of one are
audited; so is every wrong code (it counts towards the sign-in limits, app/services/login_limits.py)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import select

from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..models import RecoveryCode, User
from ..models.types import utcnow
from . import audit
from .audit import Actor

ISSUER = "Cofund"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed without mistakes


class _TOTP(pyotp.TOTP):
    # pyotp refuses secrets under 112 bits; ours are 160 bits, but the demo's published secret (and secrets of
    # many existing apps) has 80 bits, which RFC 4226 allows (at least 128 recommended).
    min_secret_length_bits = 80


def totp(secret: str) -> pyotp.TOTP:
    return _TOTP(secret)


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits


def valid_secret(secret: str | None) -> bool:
    if not secret or len(secret) > 64:
        return False
    try:
        totp(secret).at(0)
    except Exception:  # noqa: BLE001  (any decoding problem: not a secret we issued)
        return False
    return True


def provisioning_uri(email: str, secret: str) -> str:
    return totp(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of the provisioning URI, as inline SVG (no image request, no data leaving the page)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1d2733", light="#ffffff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())[:64]


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    if len(code) != 6 or not code.isdigit():
        return None
    generator = totp(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(generator.at(step * STEP_SECONDS), code):
            return step
    return None


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_codes() -> list[str]:
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _i in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    return codes


def _replace_codes(user: User) -> list[str]:
    now = utcnow()
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                             RecoveryCode.used_at.is_(None),
                                                             RecoveryCode.replaced_at.is_(None))):
        old.replaced_at = now
    codes = _new_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    db.session.flush()
    return codes


def unused_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None), RecoveryCode.replaced_at.is_(None))).all())


def enrol(actor: Actor, user: User, secret: str, code: str) -> list[str]:
    """Confirm a new secret with a first code from the app; returns the ten recovery codes (shown once)."""
    if actor.user_id != user.id:
        raise PermissionDenied(_("You are not allowed to do this."))
    if not valid_secret(secret):
        raise DomainError(_("The enrolment has expired. Start again."))
    audit.serialise(user)
    step = _matching_step(secret, _normalise(code))
    if step is None:
        raise DomainError(_("That code is not correct. Enter the six digits your app shows now."))
    again = user.has_second_factor
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = secret, utcnow(), step
    codes = _replace_codes(user)
    audit.record(actor, "user.second_factor_enrolled", role="user", object_type="user", object_id=user.id,
                 after={"method": "totp", "again": again})
    return codes


def check(actor: Actor, user: User, code: str) -> str | None:
    """The second step of signing in (or a confirmation): 'totp' or 'recovery_code' when the code is right,
    else None (audited as a failure). A code of a step already used is refused (replay)."""
    audit.serialise(user)
    value = _normalise(code)
    if user.has_second_factor:
        step = _matching_step(user.totp_secret, value)
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            db.session.flush()
            return "totp"
        if len(value) == 16:
            found = db.session.scalar(select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(value),
                RecoveryCode.used_at.is_(None), RecoveryCode.replaced_at.is_(None)))
            if found is not None:
                found.used_at = utcnow()
                db.session.flush()
                audit.record(actor, "user.recovery_code_used", role="user", object_type="user", object_id=user.id,
                             after={"left": unused_codes(user)})
                return "recovery_code"
    audit.record(Actor(user.id, user.email, actor.ip), "auth.second_factor_failed", role="anonymous",
                 object_type="user", object_id=user.id)
    return None


def new_recovery_codes(actor: Actor, user: User, code: str) -> list[str]:
    """A fresh set of ten (the old unused ones stop working); confirmed with a current code."""
    if actor.user_id != user.id or not user.has_second_factor:
        raise PermissionDenied(_("You are not allowed to do this."))
    if check(actor, user, code) != "totp":
        raise DomainError(_("That code is not correct. Enter the six digits your app shows now."))
    codes = _replace_codes(user)
    audit.record(actor, "user.recovery_codes_renewed", role="user", object_type="user", object_id=user.id)
    return codes


def enrol_known_secret(actor: Actor, user: User, secret: str) -> None:
    """Enrol with a given secret without a first code: the demo (its users share a published secret) and
    tests. Never for a real user: they confirm a secret that only their app knows."""
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = secret, utcnow(), None
    _replace_codes(user)
    audit.record(actor, "user.second_factor_enrolled", object_type="user", object_id=user.id,
                 after={"method": "totp", "demo": True})
