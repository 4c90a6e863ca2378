"""Users: passwords (argon2), signing in (with the limits of login_limits) and out, sessions that end, one's own
password, and creating users."""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from reports.formatting import LANGUAGES

from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..models import Membership, Partner, Project, Role, User
from ..models.types import utcnow
from . import audit, login_limits, passwords
from .audit import Actor

_hasher = PasswordHasher()  # argon2id with the library's defaults (RFC 9106 low-memory profile)


@cache
def _dummy_hash() -> str:
    """Verified when the e-mail address is unknown, so that answer takes as long as a real check."""
    return _hasher.hash("not a password of anyone")


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


class LoginThrottled(LoginError):
    """Too many failed attempts from this address, or for this account: wait ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def throttle(email: str, ip: str | None) -> None:
    """Refuse (before any password is checked: argon2 costs CPU) while the address or the account must wait."""
    by_address, by_account = login_limits.address_wait(ip), login_limits.account_wait(email)
    if by_address:
        raise LoginThrottled(_("Too many failed sign-in attempts from your address. Nothing was checked. Try "
                               "again later."), by_address)
    if by_account:
        raise LoginThrottled(_("Too many failed sign-in attempts for this account: each one makes the next wait "
                               "longer. Try again in a moment."), by_account)


def authenticate(email: str, password: str, ip: str | None) -> User:
    """The first step of signing in: returns the user whose password this is, or audits the failure and
    raises LoginError (LoginThrottled while the address or account must wait; see login_limits). Success is
    audited by :func:`record_login` once the second factor, where there is one, is done too."""
    email = normalise_email(email)[:254]
    throttle(email, ip)
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
    return user


def record_login(user: User, ip: str | None, second_factor: str | None = None) -> None:
    """The sign-in is complete (password, and the second factor where the user has one)."""
    audit.record(Actor(user.id, user.email, ip), "auth.login", role="user", object_type="user", object_id=user.id,
                 after={"second_factor": second_factor} if second_factor else None)


def end_sessions(user: User) -> None:
    """Every session of this user, on every device, ends at its next request (sessions carry the version)."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


def logout(actor: Actor, user: User | None = None) -> None:
    """Sign out: ends this session and every other session of the user (a copied cookie stops working)."""
    if user is not None:
        end_sessions(user)
    audit.record(actor, "auth.logout", role="user", object_type="user", object_id=actor.user_id)


def change_password(actor: Actor, user: User, current: str, new: str) -> User:
    """The user's own new password: needs the current one; ends the user's other sessions (the caller renews
    this session with the new session version)."""
    if actor.user_id != user.id:
        raise PermissionDenied(_("You are not allowed to do this."))
    if not check_password(user, current):
        raise DomainError(_("Your current password is not correct."))
    passwords.check(new, user.email)
    if check_password(user, new):
        raise DomainError(_("Choose a password other than your current one."))
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    forced = user.must_change_password
    user.must_change_password = False
    end_sessions(user)
    audit.record(actor, "user.password_changed", role="user", object_type="user", object_id=user.id,
                 after={"after_reset": True} if forced else None)
    return user


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
    passwords.check(password, email)
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
