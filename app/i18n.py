"""Languages: Dutch (the default) and English, through Babel catalogues in ``translations/`` that the web
pages and the files of ``reports/`` share. Message ids are English; ``nl`` translates every one.

The language of a request: the signed-in user's choice (``User.language``), else the choice an anonymous
visitor made (kept in the session), else the browser's preference (``Accept-Language``: nl or en), else
Dutch. Outside a request (command line, background work) it is Dutch.

``gettext``, ``ngettext`` and ``lazy_gettext`` here are Flask-Babel's, with one difference: outside an app
context (a unit test of a model or of money parsing) they still translate, into the default language,
instead of falling back to the English message ids.
"""
from __future__ import annotations

import flask_babel
from flask import Flask, has_app_context, has_request_context, request, session, url_for
from flask_babel import Babel, LazyString, get_locale
from flask_login import current_user

from reports import i18n as catalogues
from reports.formatting import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = catalogues.TRANSLATIONS_DIR
SESSION_KEY = "language"
# Each language named in itself, as a language switcher shows them.
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
babel = Babel()


def select_language() -> str:
    """The language of the current request (see the module's docstring)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """'nl' or 'en': the language of this request (or of a ``force_locale`` block), else the default."""
    if has_app_context():
        locale = get_locale()
        if locale is not None and locale.language in LANGUAGES:
            return locale.language
    return DEFAULT_LANGUAGE


def language_label(code: str | None) -> str:
    """A language named in the request's language ('Dutch', 'Engels'); the switcher names each in itself."""
    return {"nl": gettext("Dutch"), "en": gettext("English")}.get(code or "", code or "")


def gettext(message: str, **variables) -> str:
    if has_app_context():
        return flask_babel.gettext(message, **variables)
    return catalogues.gettext(DEFAULT_LANGUAGE, message, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    if has_app_context():
        return flask_babel.ngettext(singular, plural, num, **variables)
    return catalogues.ngettext(DEFAULT_LANGUAGE, singular, plural, num, **variables)


def lazy_gettext(message: str, **variables) -> LazyString:
    """Translated when shown (form labels and other texts defined when a module is imported)."""
    return LazyString(gettext, message, **variables)


def language_return_path() -> str:
    """Where the language switcher returns to: this page, or (for a page that answered a POST) the page
    of its form, else the start page."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return request.path
    return url_for("index")


def _refresh_language() -> None:
    """Choose the language anew for each request. Flask-Babel keeps the choice on ``g``, which lives as
    long as the app context: a request inside an app context that is already pushed (the command line,
    the tests) would otherwise keep the language of an earlier request."""
    flask_babel.refresh()


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=select_language,
                   default_timezone="Europe/Brussels")
    app.before_request(_refresh_language)
    app.teardown_request(lambda _error: _refresh_language())
    app.jinja_env.globals.update(current_language=current_language, language_names=LANGUAGE_NAMES,
                                 language_label=language_label, language_return_path=language_return_path)

    @app.after_request
    def vary_on_language(response):
        response.vary.add("Accept-Language")  # an anonymous visitor's page follows the browser's language
        return response
