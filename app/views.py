"""What every view that changes data does: run one service call as the request's transaction."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash

from .errors import DomainError, NotFound, PermissionDenied
from .extensions import db
from .i18n import gettext as _
from .money import MoneyError


def commit_or_explain[T](action: Callable[[], T], success: str | Callable[[T], str]) -> tuple[bool, T | None]:
    """Run the action: commit and flash ``success`` (or what ``success`` says of the action's result), or roll
    back and flash why it was refused (nothing changed). Not permitted (403) and not found (404) are not
    messages: they propagate to their pages."""
    try:
        result = action()
    except (PermissionDenied, NotFound):
        raise
    except (DomainError, MoneyError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return False, None
    db.session.commit()
    flash(success if isinstance(success, str) else success(result), "success")
    return True, result



def form_problem(form) -> bool:
    """False when the form is valid; otherwise each of its errors is flashed (a CSRF failure as "expired")."""
    if form.validate_on_submit():
        return False
    for errors in form.errors.values():
        for error in errors:
            flash(error if isinstance(error, str) else _("The form had expired; please try again."), "error")
    return True


def position_args(prefix: str = "") -> dict:
    """A keyset position from the query string (app/services/paging.py): ``after``, ``before`` or
    ``at=last``; ``prefix`` names a second list on the same page (e.g. ``lines_``)."""
    from flask import request
    args = request.args
    return {"after": args.get(prefix + "after") or None, "before": args.get(prefix + "before") or None,
            "position": "last" if args.get(prefix + "at") == "last" else None}
