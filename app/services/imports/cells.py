"""Parsing one cell of an imported row: text, amounts, dates, yes/no, category and period.

Amounts are parsed by :mod:`app.money`; a numeric spreadsheet cell (a float from openpyxl) becomes a Decimal
through its shortest round-trip ``repr``, never through float arithmetic, and must have at most two decimals.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ...money import MoneyError, parse_money
from ..expenditures import ProjectLookups
from .reading import _norm

_TRUE = {"ja", "j", "yes", "y", "1", "true", "waar"}
_FALSE = {"nee", "n", "no", "0", "false", "onwaar"}
_DATE_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PERIOD = re.compile(r"^(?:periode|period|p)?\s*(\d{1,4})$", re.IGNORECASE)


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        number = Decimal(repr(value))
        return f"{number.to_integral_value():f}" if number == number.to_integral_value() else f"{number:f}"
    if isinstance(value, datetime):
        return f"{value:%d-%m-%Y}" if value.time() == time() else f"{value:%d-%m-%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    return str(value).strip()


def _amount(value) -> Decimal:
    if isinstance(value, bool) or isinstance(value, datetime | date | time | timedelta):
        raise CellError(f"'{_text(value)}' is geen bedrag.")
    if isinstance(value, float):
        try:
            return parse_money(Decimal(repr(value)), allow_negative=True)
        except MoneyError as error:
            hint = (" Rond in Excel af op twee decimalen (bv. met =AFRONDEN(...;2))."
                    if "decimalen" in str(error) else "")
            raise CellError(f"{error}{hint}") from None
    try:
        return parse_money(value, allow_negative=True)
    except MoneyError as error:
        raise CellError(str(error)) from None


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(f"'{_text(value)}' is geen datum: geef de cel een datumopmaak, of schrijf de datum als "
                        "31-12-2021.")
    text = _text(value)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]00:00(:00)?", text):
        text = text[:10].rstrip()
    if match := _DATE_DMY.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _DATE_YMD.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise CellError(f"'{text}' is geen datum: schrijf 31-12-2021, 31/12/2021 of 2021-12-31.")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"'{text}' is geen bestaande datum.") from None


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"'{_text(value)}' is geen ja of nee.")


class _Resolver:
    """Category and period of a row, from the lookups loaded once for the whole file."""

    def __init__(self, lookups: ProjectLookups):
        self.categories: dict[str, int] = {}
        for category in lookups.categories.values():
            self.categories[_norm(category.name)] = category.id
            self.categories[str(category.kind.value).casefold()] = category.id
        self.periods = {p.number: p.id for p in lookups.periods.values()}
        numbers = sorted(self.periods)
        self.period_range = f"{numbers[0]} tot {numbers[-1]}" if numbers else "geen"

    def category(self, value) -> int:
        text = _text(value)
        found = self.categories.get(text.casefold()) or self.categories.get(_norm(text))
        if found is None:
            raise CellError(f"Onbekende kostencategorie '{text}': gebruik de naam of de code van een "
                            "kostencategorie van dit project (zie het blad Toelichting van het sjabloon).")
        return found

    def period(self, value) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        match = _PERIOD.match(_text(value))
        if match is None or isinstance(value, bool):
            raise CellError(f"'{_text(value)}' is geen periodenummer.")
        number = int(match[1])
        if number not in self.periods:
            raise CellError(f"Periode {number} bestaat niet in dit project (perioden {self.period_range}).")
        return self.periods[number]

