"""What the administration services share: the permission check and the audit event of a change."""
from __future__ import annotations

from ...i18n import gettext as _
from ...models import Project, User
from ...permissions import can_administer, require, role_label
from .. import audit
from ..audit import Actor


def require_admin(user: User, project: Project) -> None:
    require(can_administer(user, project), _("Only an administrator of the project changes its set-up."))
    audit.serialise()


def changed_fields(obj, values: dict) -> tuple[dict, dict]:
    """Set the attributes that differ; returns (before, after) of those only."""
    before, after = {}, {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            before[name], after[name] = old, value
            setattr(obj, name, value)
    return before, after


def record(actor: Actor, user: User, project: Project, action: str, object_type: str, object_id, *,
           before: dict | None = None, after: dict | None = None) -> None:
    audit.record(actor, action, role=role_label(user, project), object_type=object_type, object_id=object_id,
                 project_id=project.id, before=before, after=after)
