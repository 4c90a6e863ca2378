"""Hostile input, answered before it reaches a view: every request passes these guards.

- Database ids: ``<int:...>`` in every route is a :class:`DatabaseIdConverter` (at most 2^31 - 1, the
  largest INTEGER on PostgreSQL), so ``/projects/LES/claims/99999999999999999999`` is a 404, not a query
  that overflows. Ids from query strings and forms go through :func:`db_id` / :func:`db_ids`.
- NUL characters: PostgreSQL cannot store or even compare text with a NUL (0x00) in it. A request that
  carries one in its query, form fields or file names is refused as a whole (400, with a message that says
  what to do), on both databases alike, before any view or form sees it; in its path, it is a 404. The
  spreadsheet import refuses NUL in its cells the same way (app/services/imports).
- What is left over is a 500 page of our own, in the site's look, without a traceback; the error is
  logged with a reference that the page shows.
"""
from __future__ import annotations

import secrets

from flask import Flask, current_app, render_template, request
from flask_babel import force_locale
from werkzeug.exceptions import BadRequest, InternalServerError, NotFound
from werkzeug.routing import IntegerConverter

from reports.formatting import DEFAULT_LANGUAGE

from .extensions import db
from .i18n import gettext as _

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite would take 2^63 - 1, but ids never get near either
MAX_PAGE = 1_000_000


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>``: digits up to MAX_ID; a larger number does not match the route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def db_id(value) -> int:
    """A database id from a query string or form value: ASCII digits, 1 to MAX_ID. Anything else raises
    ValueError, so ``request.args.get("partner", type=db_id)`` gives None for it."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        raise ValueError(f"not a database id: {value!r}")
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"not a database id: {value!r}")
    return number


def db_id_or_none(value) -> int | None:
    """A database id, or None for anything else (a SelectField's ``coerce``: the service then names the
    field, instead of a query with a number past the database's INTEGER)."""
    try:
        return db_id(value)
    except ValueError:
        return None


def db_ids(values) -> list[int]:
    """The database ids among ``values`` (e.g. ``request.form.getlist("claim_ids")``), in order, once each;
    what is not an id is left out."""
    ids: list[int] = []
    for value in values:
        try:
            number = db_id(value)
        except ValueError:
            continue
        if number not in ids:
            ids.append(number)
    return ids


def page_number(value) -> int:
    """A page number from a query string: 1 to MAX_PAGE, else ValueError (the caller's default applies)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_PAGE)) or not 1 <= int(text) <= MAX_PAGE:
        raise ValueError(f"not a page number: {value!r}")
    return int(text)


def _has_nul() -> bool:
    for multi in (request.args, request.form):
        for key, value in multi.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return True
    return any("\x00" in key or "\x00" in (upload.filename or "") for key, upload in request.files.items(multi=True))


class NulCharacter(BadRequest):
    """A NUL character in the request (see the module's docstring)."""


def refuse_nul_characters() -> None:
    if "\x00" in request.path:  # no page has such an address
        raise NotFound()
    if _has_nul():
        raise NulCharacter()


def _error_page(code: int, message: str):
    return render_template("error.html", code=code, message=message), code


def nul_character(error):
    db.session.rollback()
    return _error_page(400, _(
        "What you sent contains an invisible NUL character (code 0), which cannot be stored. Nothing was "
        "saved. Go back, type the text again instead of pasting it, and send it again."))


def _server_error_message(reference: str) -> str:
    return _("Something went wrong on our side. What you were doing may not have been completed: check it "
             "before you try again. If it happens again, tell the programme office the error reference "
             "%(reference)s.", reference=reference)


def server_error(error):
    """The last resort: our own page, no traceback. Flask has logged the exception already; the reference
    on the page finds it in the log."""
    reference = secrets.token_hex(4)
    original = getattr(error, "original_exception", None)
    current_app.logger.error("error reference %s: %s %s answered 500 (%s)", reference, request.method,
                             request.path, type(original).__name__ if original else "abort")
    try:
        db.session.rollback()
    except Exception:  # the database may be what failed
        current_app.logger.exception("error reference %s: rollback failed", reference)
    try:  # in the request's language, which may need the database (the signed-in user's choice)
        message = _server_error_message(reference)
    except Exception:
        current_app.logger.exception("error reference %s: the request's language could not be chosen", reference)
        with force_locale(DEFAULT_LANGUAGE):
            message = _server_error_message(reference)
    try:
        return _error_page(500, message)
    except Exception:  # the page itself needs the database (the user's name): answer without it
        current_app.logger.exception("error reference %s: the error page could not be shown", reference)
        return (f"<!doctype html><title>Cofund</title><h1>500</h1><p>{message}</p>", 500,
                {"Content-Type": "text/html; charset=utf-8"})


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered: the id converter must be in place when their routes are."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_nul_characters)
    app.register_error_handler(NulCharacter, nul_character)
    app.register_error_handler(InternalServerError, server_error)
