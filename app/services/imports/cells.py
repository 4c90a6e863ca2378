"""Parsing one cell of an imported row: text, amounts, dates, yes/no, category and period.

Amounts are parsed by :mod:`app.money`; a numeric spreadsheet cell (a float from openpyxl) becomes a Decimal
through its shortest round-trip ``repr``, never through float arithmetic, and must have at most two decimals.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from reports.expenditure_template import HELP_SHEET_NAMES

from ... import formatting
from ...i18n import current_language
from ...i18n import gettext as _
from ...models.project import DEFAULT_CATEGORIES, default_category_label, is_default_name
from ...money import MoneyError, parse_money
from ..expenditures import ProjectLookups
from .reading import _norm

_TRUE = {"ja", "j", "yes", "y", "1", "true", "waar"}
_FALSE = {"nee", "n", "no", "0", "false", "onwaar"}
_DATE_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PERIOD = re.compile(r"^(?:periode|period|p)?\s*(\d{1,4})$", re.IGNORECASE)


_DUTCH_DEFAULTS = dict(DEFAULT_CATEGORIES)
_EXAMPLE_DAY = date(2021, 12, 31)


def _other_date_example() -> str:
    """The accepted date notation that the user's language does not write (31/12/2021 or 31-12-2021)."""
    return "31/12/2021" if current_language() == "nl" else "31-12-2021"


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
        raise CellError(_("'%(text)s' is not an amount.", text=_text(value)))
    if isinstance(value, float):
        try:
            return parse_money(Decimal(repr(value)), allow_negative=True)
        except MoneyError as error:
            if error.too_many_decimals:
                raise CellError(_("%(error)s Round to two decimals in Excel (e.g. with =ROUND(...,2)).",
                                  error=error)) from None
            raise CellError(str(error)) from None
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
        raise CellError(_("'%(text)s' is not a date: give the cell a date format, or write the date as "
                          "%(example)s.", text=_text(value), example=formatting.day(_EXAMPLE_DAY)))
    text = _text(value)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]00:00(:00)?", text):
        text = text[:10].rstrip()
    if match := _DATE_DMY.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _DATE_YMD.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise CellError(_("'%(text)s' is not a date: write %(example)s, %(other)s or 2021-12-31.", text=text,
                          example=formatting.day(_EXAMPLE_DAY), other=_other_date_example()))
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("'%(text)s' is not an existing date.", text=text)) from None


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("'%(text)s' is not yes or no.", text=_text(value)))


class _Resolver:
    """Category and period of a row, from the lookups loaded once for the whole file."""

    def __init__(self, lookups: ProjectLookups):
        self.categories: dict[str, int] = {}
        for category in lookups.categories.values():
            names = [category.name, category.label]
            if is_default_name(category.kind, category.name):  # a template in either language names it
                names += [_DUTCH_DEFAULTS[category.kind], default_category_label(category.kind, "en")]
            for name in names:
                self.categories[_norm(name)] = category.id
            self.categories[str(category.kind.value).casefold()] = category.id
        self.periods = {p.number: p.id for p in lookups.periods.values()}
        numbers = sorted(self.periods)
        self.period_range = (_("%(first)s to %(last)s", first=numbers[0], last=numbers[-1]) if numbers
                             else _("none"))

    def category(self, value) -> int:
        text = _text(value)
        found = self.categories.get(text.casefold()) or self.categories.get(_norm(text))
        if found is None:
            raise CellError(_("Unknown cost category '%(text)s': use the name or the code of a cost category of "
                              "this project (see the sheet %(sheet)s of the template).", text=text,
                              sheet=HELP_SHEET_NAMES.get(current_language(), HELP_SHEET_NAMES["nl"])))
        return found

    def period(self, value) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        match = _PERIOD.match(_text(value))
        if match is None or isinstance(value, bool):
            raise CellError(_("'%(text)s' is not a period number.", text=_text(value)))
        number = int(match[1])
        if number not in self.periods:
            raise CellError(_("Period %(number)s does not exist in this project (periods %(range)s).", number=number,
                              range=self.period_range))
        return self.periods[number]

