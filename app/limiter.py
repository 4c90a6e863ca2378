"""Rate limits (Flask-Limiter): one limiter for the app, counted in Redis when ``REDIS_URL`` is set (shared by
every worker), in memory otherwise (per process: enough for one server and for tests).

Limits are set per view with ``@limiter.limit(rate("SETTING"))``, where SETTING is a config key holding a
limit such as ``"5 per hour"`` (configurable per deployment, low in tests). A refused request answers 429
with a Retry-After header and a page that says when to try again. Add further limits (sign-in, downloads)
here or at their views."""
from __future__ import annotations

import math
import os
import time

from flask import Flask, current_app, render_template
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

from .i18n import gettext as _
from .i18n import ngettext

limiter = Limiter(key_func=get_remote_address, headers_enabled=True, strategy="fixed-window")

DEFAULTS = {
    "RATELIMIT_FUND_APPLY": "10 per hour; 30 per day",  # submitting a proposal from one address
    "RATELIMIT_FUND_STATUS": "120 per minute",  # the private status link's pages and forms
    # every sign-in request (password or second factor) from one address; failed attempts have their own,
    # lower limits counted in the database (app/services/login_limits.py)
    "RATELIMIT_LOGIN": "60 per minute; 600 per hour",
    "RATELIMIT_IDEA_REGISTER": "10 per hour; 30 per day",  # registering as candidate partner from one address
}


def rate(setting: str):
    """A limit read from the app's config when the request comes (so tests and deployments can set it)."""
    return lambda: current_app.config[setting]


def count_request(setting: str, scope: str) -> int:
    """Count this request of the client address against the limits of ``setting`` (in the limiter's storage:
    Redis or memory) and return the seconds to wait, 0 when within them. For views whose own answer carries the
    Retry-After (sign-in), so the limiter's headers do not overwrite it."""
    from limits import parse_many
    address = get_remote_address() or "unknown"
    for item in parse_many(current_app.config[setting]):
        if not limiter.limiter.hit(item, scope, address):
            reset_at, _remaining = limiter.limiter.get_window_stats(item, scope, address)
            return max(1, math.ceil(reset_at - time.time()))
    return 0


def retry_after(limit: RequestLimit | None) -> int:
    """Seconds until the limit's window resets (at least 1)."""
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, os.environ.get(key) or value)
    redis_url = app.config.get("REDIS_URL") or os.environ.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    limiter.init_app(app)

    @app.errorhandler(429)
    def too_many_requests(error):
        from .extensions import db
        db.session.rollback()
        return too_many(retry_after(getattr(error, "limit", None) and limiter.current_limit))


def too_many(seconds: int, reason: str | None = None):
    """The 429 page with its Retry-After: why (by default: too many requests from the address) and when."""
    minutes = math.ceil(seconds / 60)
    when = (ngettext("%(num)d second", "%(num)d seconds", seconds) if seconds < 120
            else ngettext("%(num)d minute", "%(num)d minutes", minutes))
    message = _("Too many requests from your address in a short time. Nothing was saved. Please try again "
                "in %(when)s.", when=when) if reason is None else f"{reason} ({when})"
    response = current_app.make_response((render_template("too_many_requests.html", message=message), 429))
    response.headers["Retry-After"] = str(seconds)
    return response
