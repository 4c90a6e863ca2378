"""What templates may use: the formatting filters (one module: app.formatting) and the permission
predicates of app.permissions as ``can_*(...)`` globals for the current user. Templates format and ask;
they never compute and never name roles."""
from __future__ import annotations

import functools

from flask import Flask
from flask_login import current_user

from . import formatting, permissions


def _for_current_user(predicate):
    @functools.wraps(predicate)
    def check(*args):
        return predicate(current_user, *args)
    return check


def register_template_helpers(app: Flask) -> None:
    from .navigation import breadcrumbs
    from .services.documents import allowed_label
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.globals["breadcrumbs"] = breadcrumbs
    app.jinja_env.globals["allowed_evidence_types"] = allowed_label
    for name in dir(permissions):
        if name.startswith("can_") or name == "sees_all_partners":
            app.jinja_env.globals[name] = _for_current_user(getattr(permissions, name))
