"""Failed authorisations in the audit trail: a 403, and a 404 for an object that exists but is out of the
user's scope (another partner's expenditure, a project the user has no role in), as ``access.denied``.

Written by the error handlers after the request's own work was rolled back, in a transaction of its own, so a
read-only request stays read-only in everything but this event. The event names no claim or expenditure
action, so reading never counts as changing in the four-eyes rules (permissions.CHANGING_EXPENDITURE_ACTIONS).
A failure to write it is logged, never turned into an error page."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from ..extensions import db
from . import audit
from .audit import Actor


def record_denied(status: int, error=None) -> None:
    if not getattr(current_user, "is_authenticated", False):
        return  # anonymous visitors are sent to the sign-in page; probing without an account is not a user's act
    try:
        db.session.rollback()
        audit.record(Actor(current_user.id, current_user.email, request.remote_addr), "access.denied",
                     role="user", object_type=getattr(error, "object_type", None),
                     object_id=getattr(error, "object_id", None), project_id=getattr(error, "project_id", None),
                     after={"status": status, "method": request.method, "path": request.path[:300]})
        db.session.commit()
    except Exception:  # noqa: BLE001  (the answer stays a 403/404, whatever happened to the event)
        db.session.rollback()
        current_app.logger.exception("access.denied not written to the audit trail")
