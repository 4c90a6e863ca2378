"""The Babel catalogues in ``translations/``, for the builders of files without Flask.

Message ids are English, so English needs no catalogue; Dutch comes from ``translations/nl``. A builder
asks for a ``gettext`` of its language and writes ``_("Text with %(name)s", name=value)``, as the web
pages do (named placeholders, filled only when values are given).
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
    """The compiled catalogue of a language (none for English, whose texts are the message ids)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang], "messages")


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
