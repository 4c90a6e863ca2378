"""Languages: Dutch (the default) and English, through Babel catalogues in ``translations/`` that the web
pages and the statements in ``reports/`` share. Message ids are English; ``nl`` translates every one."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, has_app_context
from flask_babel import Babel, get_locale

from reports.formatting import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
babel = Babel()


def select_language() -> str:
    """The language of the current request. Dutch for now; the user's choice and the browser's
    preference come with the English pages."""
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """'nl' or 'en': the language of this request (or of a ``force_locale`` block), else the default."""
    if has_app_context():
        locale = get_locale()
        if locale is not None and locale.language in LANGUAGES:
            return locale.language
    return DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=select_language,
                   default_timezone="Europe/Brussels")
