"""Sessions that end. A signed-in session holds the user's session version, when it signed in and when it was
last used; every request checks them (Flask-Login's user loader):

- the version must equal the user's (logout, one's own password change and an admin's deactivation or
  password reset raise it, so every copy of every cookie of that user stops working at once);
- at most SESSION_IDLE_MINUTES since the last request and SESSION_MAX_HOURS since signing in.

Between the password and the second factor the session holds a *pending* sign-in (user, version, time,
where to go next), valid for five minutes, which opens only the second-factor pages."""
from __future__ import annotations

import time

from flask import current_app, flash, session
from flask_login import login_user

from .extensions import db
from .i18n import gettext as _
from .models import User

VERSION, SIGNED_IN_AT, SEEN_AT, PENDING = "cofund_sv", "cofund_signed_in", "cofund_seen", "cofund_pending"
PENDING_SECONDS = 300
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", VERSION, SIGNED_IN_AT, SEEN_AT)


def now() -> int:
    return int(time.time())


def start(user: User) -> None:
    """Sign the user in, in this session (after the password and, where needed, the second factor)."""
    session.pop(PENDING, None)
    login_user(user)
    session[VERSION] = user.session_version
    session[SIGNED_IN_AT] = session[SEEN_AT] = now()


def renew(user: User) -> None:
    """Keep this session after the user's version changed on purpose (their own password change)."""
    session[VERSION] = user.session_version


def forget() -> None:
    for key in (*_LOGIN_KEYS, PENDING):
        session.pop(key, None)


def _int(key: str) -> int | None:
    value = session.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def load(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of this session while the session is valid, else None (and the
    session forgets the sign-in)."""
    try:
        user = db.session.get(User, int(user_id)) if str(user_id).isdigit() and len(str(user_id)) < 10 else None
    except ValueError:
        user = None
    signed_in, seen, t = _int(SIGNED_IN_AT), _int(SEEN_AT), now()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_MAX_HOURS"] * 3600
    valid = (user is not None and user.active and _int(VERSION) == user.session_version
             and signed_in is not None and seen is not None and t - seen <= idle and t - signed_in <= absolute)
    if not valid:
        forget()
        flash(_("Your session has ended. Sign in again."), "info")
        return None
    if t - seen >= 30:  # rewrite the cookie at most twice a minute
        session[SEEN_AT] = t
    return user


def begin_pending(user: User, next_url: str | None) -> None:
    forget()
    session[PENDING] = {"user": user.id, "version": user.session_version, "at": now(), "next": next_url,
                        "tries": 0}


def pending_user() -> tuple[User | None, dict]:
    """The user who gave a right password in this session in the last five minutes, and the pending state."""
    state = session.get(PENDING)
    if not isinstance(state, dict) or not isinstance(state.get("user"), int):
        return None, {}
    if not isinstance(state.get("at"), int) or now() - state["at"] > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None, {}
    user = db.session.get(User, state["user"])
    if user is None or not user.active or user.session_version != state.get("version"):
        session.pop(PENDING, None)
        return None, {}
    return user, state


def count_pending_try() -> int:
    state = dict(session.get(PENDING) or {})
    state["tries"] = int(state.get("tries") or 0) + 1
    session[PENDING] = state
    return state["tries"]
