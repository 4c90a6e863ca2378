"""Languages: Dutch (the default) and English, through Babel catalogues in ``translations/`` that the web
pages and the files of ``reports/`` share. Message ids are English; ``nl`` translates every one.

The language of a request is Dutch for now; outside a request (command line, background work) it is
Dutch as well.

``gettext``, ``ngettext`` and ``lazy_gettext`` here are Flask-Babel's, with one difference: outside an app
context (a unit test of a model or of money parsing) they still translate, into the default language,
instead of falling back to the English message ids.
"""
from __future__ import annotations

import flask_babel
from flask import Flask, has_app_context
from flask_babel import Babel, LazyString, get_locale

from reports import i18n as catalogues
from reports.formatting import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = catalogues.TRANSLATIONS_DIR
babel = Babel()


def select_language() -> str:
    """The language of the current request. Dutch for now; the user's choice and the browser's
    preference come with the language switcher."""
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """'nl' or 'en': the language of this request (or of a ``force_locale`` block), else the default."""
    if has_app_context():
        locale = get_locale()
        if locale is not None and locale.language in LANGUAGES:
            return locale.language
    return DEFAULT_LANGUAGE


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


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=select_language,
                   default_timezone="Europe/Brussels")
    app.jinja_env.globals.update(current_language=current_language)

