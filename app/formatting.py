"""The formatting of :mod:`reports.formatting` in the language of the current request: what templates use
as filters and services use in messages. Templates format, they never compute."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from reports import formatting as fmt

from .i18n import current_language, gettext


def money(value, blank_zero: bool = False, sign: bool = True) -> str:
    return fmt.money(value, current_language(), blank_zero=blank_zero, sign=sign)


def number(value, decimals: int = 0) -> str:
    return fmt.number(value, current_language(), decimals)


def percent(value) -> str:
    return fmt.percent(value, current_language())


def share(part, whole) -> str:
    return fmt.share(part, whole, current_language())


def day(value: date | datetime | None) -> str:
    return fmt.day(value, current_language())


def moment(value: datetime | None, seconds: bool = False) -> str:
    return fmt.moment(value, current_language(), seconds=seconds)


def date_range(start: date | None, end: date | None) -> str:
    return fmt.date_range(start, end, current_language())


def kilobytes(size: int | None) -> str:
    """A file size in kB, rounded up: 1 byte is 1 kB."""
    return "" if size is None else f"{number((size + 1023) // 1024)} kB"


def megabytes(value) -> str:
    """A size limit in MB as configured, with the language's decimal sign: '20', '0,25' (nl), '0.25' (en)."""
    amount = Decimal(str(value)).normalize()
    return number(amount, max(0, -amount.as_tuple().exponent))


def quantity(value, blank_zero: bool = False) -> str:
    """An indicator's count or measure: without decimals when it is whole ('1.200'), else two; '–' for none."""
    if value is None or (blank_zero and not value):
        return "" if blank_zero else "–"
    from reports.indicators.common import quantity as q
    return q(Decimal(value), current_language())


def ids(values, limit: int | None = None) -> str:
    """Ids as '#12, #13', the first ``limit`` of them and how many more ('#12, #13 en nog 5')."""
    values = list(values or [])
    shown = ", ".join(f"#{v}" for v in (values[:limit] if limit else values))
    if limit and len(values) > limit:
        return gettext("%(ids)s and %(more)s more", ids=shown, more=number(len(values) - limit))
    return shown


FILTERS = {"money": money, "number": number, "percent": percent, "share": share, "day": day, "moment": moment,
           "kilobytes": kilobytes, "megabytes": megabytes, "quantity": quantity}
