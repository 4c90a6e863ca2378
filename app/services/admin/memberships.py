"""The roles of users in a project: given by an administrator, removed without deleting (the membership is
marked revoked, with when and by whom; the audit trail keeps both events)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import Membership, Partner, Project, Role, User
from ...models.types import utcnow
from ..accounts import grant_membership, normalise_email
from ..audit import Actor
from .common import record, require_admin


def grant_role(actor: Actor, user: User, project: Project, email: str, role: Role,
               partner: Partner | None) -> Membership:
    """Give an existing user (by e-mail address) a role in the project; a partner role names the partner."""
    require_admin(user, project)
    target = db.session.scalar(select(User).where(User.email == normalise_email(email)[:254]))
    if target is None:
        raise DomainError(_("No user has the e-mail address %(email)s; create the user first.",
                            email=normalise_email(email)[:254]))
    if not target.active:
        raise DomainError(_("%(email)s is deactivated.", email=target.email))
    existing = db.session.scalar(select(Membership.id).where(
        Membership.user_id == target.id, Membership.project_id == project.id, Membership.role == role,
        Membership.revoked_at.is_(None),
        (Membership.partner_id == partner.id) if partner else Membership.partner_id.is_(None)))
    if existing is not None:
        raise DomainError(_("%(email)s already has this role.", email=target.email))
    return grant_membership(actor, target, project, role, partner)


def revoke_role(actor: Actor, user: User, project: Project, membership_id: int) -> Membership:
    """Remove a role: the membership stays, marked revoked. The project keeps at least one administrator."""
    require_admin(user, project)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.project_id != project.id:
        raise NotFound(_("Not found."))
    if membership.revoked_at is not None:
        raise DomainError(_("This role has already been removed."))
    if membership.role is Role.ADMIN and (db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.project_id == project.id, Membership.role == Role.ADMIN,
            Membership.revoked_at.is_(None))) or 0) <= 1:
        raise DomainError(_("A project keeps at least one administrator."))
    membership.revoked_at, membership.revoked_by_id = utcnow(), user.id
    db.session.flush()
    db.session.expire(membership.user, ["memberships"])
    record(actor, user, project, "membership.revoked", "membership", membership.id,
           before={"user": membership.user.email, "role": membership.role, "partner_id": membership.partner_id},
           after={"revoked": True})
    return membership


@dataclass
class RoleRow:
    membership: Membership
    user: User
    partner: Partner | None


def roles_of(project: Project, include_revoked: bool = True) -> list[RoleRow]:
    """The project's memberships, current ones first, by user."""
    query = (select(Membership, User, Partner).join(User, Membership.user_id == User.id)
             .outerjoin(Partner, Membership.partner_id == Partner.id).where(Membership.project_id == project.id)
             .order_by(Membership.revoked_at.is_not(None), User.email, Membership.role))
    if not include_revoked:
        query = query.where(Membership.revoked_at.is_(None))
    return [RoleRow(m, u, p) for m, u, p in db.session.execute(query)]
