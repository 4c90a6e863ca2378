"""The Babel catalogues in ``translations/``, for the builders of files without Flask (the import template,
the statements), the same catalogues the web pages read.

Message ids are English, so English needs no catalogue; Dutch comes from ``translations/nl``. A builder
asks for the ``_`` of its language and writes ``_("Text with %(name)s", name=value)``, as the web pages do
(named placeholders, filled only when values are given); ``pybabel extract`` finds those calls as it does
in app/.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from .formatting import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


@cache
def translations(lang: str | None) -> NullTranslations:
    """The compiled catalogue of a language ('nl' or 'en'; anything else is the default language). English
    needs none: its texts are the message ids. A missing Dutch catalogue is an error, not English text."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if lang == "en":
        return NullTranslations()
    catalogue = Translations.load(str(TRANSLATIONS_DIR), [lang], "messages")
    if not isinstance(catalogue, Translations):
        raise RuntimeError(f"no compiled {lang} catalogue in {TRANSLATIONS_DIR}: run `pybabel compile -d translations`")
    return catalogue


def gettext(lang: str | None, message: str, **variables) -> str:
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def ngettext(lang: str | None, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations(lang).ngettext(singular, plural, num) % variables


def translator(lang: str | None) -> Callable[..., str]:
    """``_`` for one language: ``_ = translator("en"); _("Period")``."""
    def _(message: str, **variables) -> str:
        return gettext(lang, message, **variables)
    return _
