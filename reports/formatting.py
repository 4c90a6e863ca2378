"""How amounts, percentages, counts, dates and times are written for people, per language.

The one formatting module: the web pages register these as template filters, the statements call them
directly. Every function takes the language (``"nl"`` or ``"en"``); display rounds only for display
(half-up to the cent), the figures themselves are never changed.

nl: ``€ 2.763.165,00``, ``15,5%``, ``22-11-2026``, ``22-11-2026 14:05``
en: ``€2,763,165.00``, ``15.5%``, ``22/11/2026``, ``22/11/2026 14:05``
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, format_decimal

LOCAL_TZ = ZoneInfo("Europe/Brussels")  # the projects' time zone (Flanders and the Netherlands)
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
_BABEL_LOCALE = {"nl": "nl_BE", "en": "en_GB"}
_DATE = {"nl": "%d-%m-%Y", "en": "%d/%m/%Y"}
CENT = Decimal("0.01")


def _locale(lang: str | None) -> str:
    return _BABEL_LOCALE.get(lang or DEFAULT_LANGUAGE, _BABEL_LOCALE[DEFAULT_LANGUAGE])


def _cents(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@cache
def _shape(lang: str | None) -> tuple[dict, str, str]:
    """The language's way of writing numbers and euro amounts, read once from Babel's locale data: the
    separators (as a table for ``str.translate`` from Python's ``1,234.56``) and the positive and negative
    currency patterns around the digits. Formatting through it gives Babel's text at a fraction of the
    cost (a claim page writes hundreds of amounts)."""
    sample = Decimal("1234567.89")
    digits = format_decimal(sample, format="#,##0.00", locale=_locale(lang))
    table = str.maketrans({",": digits[1], ".": digits[-3]})
    positive = format_currency(sample, "EUR", locale=_locale(lang)).replace(digits, "{}")
    negative = format_currency(-sample, "EUR", locale=_locale(lang)).replace(digits, "{}")
    if "{}" not in positive or "{}" not in negative:  # a locale whose currency pattern rounds or regroups
        raise RuntimeError(f"cannot read the currency pattern of {lang}: {positive!r}, {negative!r}")
    return table, positive, negative


def _digits(value: Decimal, decimals: int, lang: str | None) -> str:
    return f"{abs(value):,.{decimals}f}".translate(_shape(lang)[0])


def money(value, lang: str | None = None, *, blank_zero: bool = False, sign: bool = True) -> str:
    """An amount in euro: ``€ 1.234,56`` (nl) or ``€1,234.56`` (en); '' for None (and for zero with
    ``blank_zero``). ``sign=False`` leaves the euro sign out (for columns headed 'EUR')."""
    if value is None:
        return ""
    amount = _cents(value)
    if blank_zero and amount == 0:
        return ""
    digits = _digits(amount, 2, lang)
    if not sign:
        return "-" + digits if amount < 0 else digits
    _table, positive, negative = _shape(lang)
    return (negative if amount < 0 else positive).format(digits)


def number(value, lang: str | None = None, decimals: int = 0) -> str:
    """A count or other number with the language's grouping: ``1.234`` (nl), ``1,234`` (en)."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return ("-" if value < 0 else "") + _digits(value, decimals, lang)


def percent(value, lang: str | None = None) -> str:
    """A rate given in percent (``Decimal('15.00')``): ``15%``, ``12,5%`` (nl), ``12.5%`` (en)."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return (text.replace(".", ",") if (lang or DEFAULT_LANGUAGE) == "nl" else text) + "%"


def share(part, whole, lang: str | None = None) -> str:
    """``part`` as a percentage of ``whole``, one decimal, half-up: ``44,3%``; '' when whole is zero."""
    if not whole:
        return ""
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format_decimal(pct, format="#,##0.0", locale=_locale(lang)) + "%"


def local_time(moment: datetime | None) -> datetime | None:
    """A UTC timestamp in the projects' local time (Europe/Brussels)."""
    return moment.astimezone(LOCAL_TZ) if moment else None


def day(value: date | datetime | None, lang: str | None = None) -> str:
    """A date: ``22-11-2026`` (nl), ``22/11/2026`` (en). A timestamp is first put in local time, so the
    date of an event is the local date on which it happened."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return value.strftime(_DATE.get(lang or DEFAULT_LANGUAGE, _DATE[DEFAULT_LANGUAGE]))


def moment(value: datetime | None, lang: str | None = None, *, seconds: bool = False) -> str:
    """A timestamp in local time: ``22-11-2026 14:05`` (nl), ``22/11/2026 14:05`` (en)."""
    if value is None:
        return ""
    local = local_time(value)
    return f"{day(local, lang)} {local.strftime('%H:%M:%S' if seconds else '%H:%M')}"


def date_range(start: date | None, end: date | None, lang: str | None = None) -> str:
    return f"{day(start, lang)} – {day(end, lang)}"
