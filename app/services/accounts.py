"""Users: passwords (argon2), logins with a failed-attempt limit, and creating users."""
from __future__ import annotations

from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from sqlalchemy import func, select

from reports.formatting import LANGUAGES

from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..models import AuditEvent, Membership, Partner, Project, Role, User
from ..models.types import utcnow
from . import audit
from .audit import Actor

_hasher = PasswordHasher()  # argon2id with the library's defaults (RFC 9106 low-memory profile)


@cache
def _dummy_hash() -> str:
    """Verified when the e-mail address is unknown, so that answer takes as long as a real check."""
    return _hasher.hash("not a password of anyone")

MIN_PASSWORD_LENGTH = 12


class LoginError(DomainError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _recent_failures(email: str) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    last_success = select(func.max(AuditEvent.occurred_at)).where(
        AuditEvent.action == "auth.login", AuditEvent.actor == email).scalar_subquery()
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "auth.login_failed", AuditEvent.actor == email,
            AuditEvent.occurred_at >= utcnow() - window,
            (AuditEvent.occurred_at > last_success) | last_success.is_(None),
        )) or 0


def authenticate(email: str, password: str, ip: str | None) -> User:
    """Log in: returns the user, or audits the failure and raises LoginError.

    After LOGIN_MAX_FAILURES failures for one address within the window, further attempts are refused
    without checking the password (argon2 costs CPU; this also slows guessing across workers, since the
    count comes from the audit trail in the database)."""
    email = normalise_email(email)[:254]
    if _recent_failures(email) >= current_app.config["LOGIN_MAX_FAILURES"]:
        audit.record(Actor(None, email, ip), "auth.login_refused", role="anonymous",
                     after={"reason": "too many failed attempts"})
        raise LoginError(_("Too many failed sign-in attempts. Try again in a quarter of an hour."))
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        _hasher.verify(_dummy_hash(), "not a password of anyone")
        ok = False
    else:
        ok = check_password(user, password) and user.active
    if not ok:
        audit.record(Actor(user.id if user else None, email, ip), "auth.login_failed", role="anonymous",
                     object_type="user" if user else None, object_id=user.id if user else None)
        raise LoginError(_("Unknown e-mail address or wrong password."))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(Actor(user.id, email, ip), "auth.login", role="user", object_type="user", object_id=user.id)
    return user


def logout(actor: Actor) -> None:
    audit.record(actor, "auth.logout", role="user", object_type="user", object_id=actor.user_id)


def set_language(actor: Actor, user: User, language: str) -> User:
    """The language the user reads the pages in, kept on the user ('nl' or 'en')."""
    if language not in LANGUAGES:
        raise DomainError(_("Choose Dutch or English."))
    if actor.user_id != user.id:
        raise PermissionDenied(_("You are not allowed to do this."))
    if user.language == language:
        return user
    before = user.language
    user.language = language
    db.session.flush()
    audit.record(actor, "user.language_set", role="user", object_type="user", object_id=user.id,
                 before={"language": before}, after={"language": language})
    return user


def create_user(actor: Actor, email: str, full_name: str, password: str) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise DomainError(_("'%(email)s' is not a valid e-mail address.", email=email))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("A password has at least %(length)s characters.", length=MIN_PASSWORD_LENGTH))
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DomainError(_("A user with e-mail address %(email)s already exists.", email=email))
    user = User(email=email, full_name=full_name.strip() or email, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", object_type="user", object_id=user.id,
                 after={"email": email, "full_name": user.full_name})
    return user


def grant_membership(actor: Actor, user: User, project: Project, role: Role,
                     partner: Partner | None = None) -> Membership:
    if (role is Role.PARTNER) != (partner is not None):
        raise DomainError(_("A partner user belongs to exactly one partner; other roles to none."))
    if partner is not None and partner.project_id != project.id:
        raise DomainError(_("This partner does not belong to this project."))
    existing = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.project_id == project.id, Membership.role == role,
        Membership.revoked_at.is_(None),
        (Membership.partner_id == partner.id) if partner else Membership.partner_id.is_(None)))
    if existing:
        return existing
    membership = Membership(user_id=user.id, project_id=project.id, role=role,
                            partner_id=partner.id if partner else None)
    db.session.add(membership)
    db.session.flush()
    db.session.expire(user, ["memberships"])
    audit.record(actor, "membership.granted", object_type="membership", object_id=membership.id,
                 project_id=project.id,
                 after={"user": user.email, "role": role, "partner_id": partner.id if partner else None})
    return membership
