"""Labels for the statements from the same gettext catalogues as the web pages, without Flask.

Message ids are English; ``translations/nl/LC_MESSAGES/messages.mo`` translates them into Dutch. A builder
takes the language and asks for its :class:`Labels`; ``_ = labels(lang).gettext`` then reads as in the app
(and ``pybabel extract`` finds the ``_("...")`` calls, as it does in app/).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from .formatting import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class Labels:
    """gettext and ngettext of one language, with named placeholders as in Flask-Babel:
    ``_("Page %(page)s of %(pages)s", page=1, pages=3)``."""

    def __init__(self, lang: str, translations: NullTranslations):
        self.lang = lang
        self._translations = translations

    def gettext(self, message: str, **values) -> str:
        text = self._translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str:
        text = self._translations.ngettext(singular, plural, num)
        return text % {"num": num, **values}


@lru_cache(maxsize=len(LANGUAGES))
def labels(lang: str | None) -> Labels:
    """The labels of ``lang`` ('nl' or 'en'; anything else is the default language). English needs no
    catalogue: the message ids are English."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if lang == "en":
        return Labels(lang, NullTranslations())
    translations = Translations.load(str(TRANSLATIONS_DIR), [lang])
    if not isinstance(translations, Translations):
        raise RuntimeError(f"no compiled {lang} catalogue in {TRANSLATIONS_DIR}: run `pybabel compile -d translations`")
    return Labels(lang, translations)
