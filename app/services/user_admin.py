"""What an admin does with users' accounts: create one with a role in a project, deactivate it, reset its
password (a temporary one, shown once; the user chooses a new one at the next sign-in). Every action is
audited; deactivation and reset end the user's sessions everywhere."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from ..errors import DomainError, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..models import Membership, Partner, Project, Role, User
from ..permissions import administered_project_ids, can_manage_account, can_manage_users, require
from . import accounts, audit
from .audit import Actor

_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """18 random characters (about 100 bits) in groups, to read out or send; valid until the first sign-in."""
    raw = "".join(secrets.choice(_ALPHABET) for _i in range(18))
    return "-".join(raw[i:i + 6] for i in range(0, 18, 6))


def managed_users(admin: User) -> list[User]:
    require(can_manage_users(admin))
    projects = administered_project_ids(admin)
    members = select(Membership.user_id).where(Membership.project_id.in_(projects))
    no_role = select(User.id).where(~User.id.in_(select(Membership.user_id)))
    return list(db.session.scalars(select(User).where(User.id.in_(members) | User.id.in_(no_role))
                                   .order_by(User.email)))


def administered_projects(admin: User) -> list[Project]:
    return list(db.session.scalars(select(Project).where(Project.id.in_(administered_project_ids(admin)))
                                   .order_by(Project.code)))


def partners_of(projects: list[Project]) -> list[Partner]:
    from ..models import Organisation
    return list(db.session.scalars(select(Partner).join(Organisation).join(Project, Partner.project_id == Project.id)
                                   .where(Partner.project_id.in_([p.id for p in projects]))
                                   .order_by(Project.code, Organisation.name)))


def project_codes() -> dict[int, str]:
    return dict(db.session.execute(select(Project.id, Project.code)).tuples().all())


def account_or_404(admin: User, user_id: int) -> User:
    require(can_manage_users(admin))
    user = db.session.get(User, user_id)
    if user is None or (not can_manage_account(admin, user) and user.id != admin.id):
        raise NotFound(_("User not found."))
    return user


def create(actor: Actor, admin: User, email: str, full_name: str, project_id: int, role: str,
           partner_id: int | None) -> tuple[User, str]:
    """A new user with one role in one of the admin's projects, and a temporary password (returned, shown
    once) to be replaced at the first sign-in."""
    require(can_manage_users(admin))
    if project_id not in administered_project_ids(admin):
        raise PermissionDenied(_("You are not an admin of this project."))
    try:
        role_value = Role(role)
    except ValueError:
        raise DomainError(_("Choose a role.")) from None
    project = db.session.get(Project, project_id)
    partner = db.session.get(Partner, partner_id) if partner_id else None
    if role_value is Role.PARTNER and (partner is None or partner.project_id != project.id):
        raise DomainError(_("A partner user belongs to exactly one partner of the project: choose it."))
    if role_value is not Role.PARTNER:
        partner = None
    password = temporary_password()
    user = accounts.create_user(actor, email, full_name, password)
    user.must_change_password = True
    accounts.grant_membership(actor, user, project, role_value, partner)
    return user, password


def deactivate(actor: Actor, admin: User, user: User) -> User:
    require(can_manage_account(admin, user), _("You cannot deactivate this account."))
    if not user.active:
        raise DomainError(_("This account is already deactivated."))
    audit.serialise(user)
    user.active = False
    accounts.end_sessions(user)
    audit.record(actor, "user.deactivated", role="admin", object_type="user", object_id=user.id,
                 before={"active": True}, after={"active": False})
    return user


def reactivate(actor: Actor, admin: User, user: User) -> User:
    require(can_manage_account(admin, user), _("You are not allowed to do this."))
    if user.active:
        raise DomainError(_("This account is active."))
    user.active = True
    audit.record(actor, "user.reactivated", role="admin", object_type="user", object_id=user.id,
                 before={"active": False}, after={"active": True})
    return user


def reset_password(actor: Actor, admin: User, user: User) -> str:
    """A temporary password (returned, shown once to the admin); the user must choose a new one at the next
    sign-in; every session of the user ends."""
    require(can_manage_account(admin, user), _("You cannot reset this account's password."))
    audit.serialise(user)
    password = temporary_password()
    user.password_hash = accounts.hash_password(password)
    user.must_change_password = True
    accounts.end_sessions(user)
    audit.record(actor, "user.password_reset", role="admin", object_type="user", object_id=user.id,
                 after={"must_change_password": True})  # nosec B105  # a flag, not a password
    return password
