"""Roles and partner scope: the project a user may see, the partners within it, and the checks every other
permission builds on. A partner user sees only its own partner(s); a request for anything else answers 404
(NotFound), so ids cannot be probed."""
from __future__ import annotations

from sqlalchemy import select

from ..errors import NotFound, OutOfScope, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..models import (
    Partner,
    Project,
    Role,
    User,
)

READ_ALL = {Role.ADMIN, Role.FINANCE, Role.AUDITOR}
EDIT_BUDGET = {Role.ADMIN, Role.FINANCE}


def roles(user: User | None, project: Project) -> set[Role]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return user.roles_in(project.id)


def role_label(user: User | None, project: Project | None) -> str:
    """The roles a user acts under in a project, for the audit trail."""
    if user is None or project is None:
        return ""
    return ",".join(sorted(r.value for r in roles(user, project)))


def require_project(user: User | None, project: Project | None) -> Project:
    """A project the user is a member of; otherwise 404."""
    if project is None:
        raise NotFound(_("Project not found."))
    if not roles(user, project):
        raise OutOfScope(_("Project not found."), "project", project.id, project.id)
    return project


def project_or_404(user: User | None, code: str) -> Project:
    """The project with this code, if the user is a member of it; otherwise 404."""
    return require_project(user, db.session.scalar(select(Project).where(Project.code == code)))


def visible_partner_ids(user: User, project: Project) -> set[int] | None:
    """None means every partner of the project; otherwise the ids of the user's own partners."""
    r = roles(user, project)
    if r & READ_ALL:
        return None
    return user.partner_ids_in(project.id)


def can_see_partner(user: User, partner: Partner) -> bool:
    scope = visible_partner_ids(user, partner.project)
    return bool(roles(user, partner.project)) and (scope is None or partner.id in scope)


def require_partner(user: User, partner: Partner | None, project: Project) -> Partner:
    if partner is None or partner.project_id != project.id:
        raise NotFound(_("Partner not found."))
    if not can_see_partner(user, partner):
        raise OutOfScope(_("Partner not found."), "partner", partner.id, project.id)
    return partner


def can_edit_budget(user: User, project: Project) -> bool:
    return bool(roles(user, project) & EDIT_BUDGET)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to do this."))


def sees_all_partners(user: User, project: Project) -> bool:
    """Finance officers, admins and auditors see every partner; a partner user only its own."""
    return visible_partner_ids(user, project) is None


def scoped(query, partner_column, user: User, project: Project):
    """Limit a select() to the partners the user may see (the one scope filter for list queries)."""
    scope = visible_partner_ids(user, project)
    return query if scope is None else query.where(partner_column.in_(scope))


def require_visible(user: User, obj, project: Project):
    """Any object with project_id and partner_id (expenditure, claim) the user may see; otherwise 404."""
    if obj is None or obj.project_id != project.id or not roles(user, project):
        raise NotFound(_("Not found."))
    scope = visible_partner_ids(user, project)
    if scope is not None and obj.partner_id not in scope:
        raise OutOfScope(_("Not found."), getattr(obj, "__tablename__", None), getattr(obj, "id", None), project.id)
    return obj
