"""Money: the one place where amounts are parsed, rounded, formatted and stored.

Amounts are ``decimal.Decimal`` with two places from parsing to export, never ``float``. In the database
they are integer cents behind the :class:`Money` column type, so sums are exact on SQLite and PostgreSQL.

Rounding as the programmes do it: flat-rate amounts are cut off to the cent on a claim's category totals
(:func:`flat_rate`); the fund share (EFRO) is cut off to the cent on a claim's certified total and the
partner's contribution is the remainder, so the parts always add up to the whole (:func:`split_fund`); an
EFRO figure per category is an allocation of the claim's EFRO that adds up to it exactly (:func:`allocate`).
Other percentages round half-up (:func:`percent_of`).
"""
from __future__ import annotations

import re
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import BigInteger, Integer
from sqlalchemy.types import TypeDecorator

from .i18n import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("1e13")  # ten thousand billion euros: beyond any programme, well within BIGINT cents


class MoneyError(ValueError):
    """Input that is not a valid amount; the message is meant for the user (in the request's language).
    ``too_many_decimals``: the one refusal that rounding in the spreadsheet would cure."""

    def __init__(self, message: str, *, too_many_decimals: bool = False):
        super().__init__(message)
        self.too_many_decimals = too_many_decimals


_ALLOWED = re.compile(r"^[+-]?[0-9.,]+$")


def parse_money(text: str | Decimal | int | None, *, allow_negative: bool = False) -> Decimal:
    """Parse an amount typed by a user in Dutch (``1.234,56``) or English (``1,234.56``) notation.

    Accepts an optional ``€``/``EUR`` sign, spaces and at most two decimals. Refuses what could be read
    two ways (``1.234`` or ``1,234``: a thousand, or one and a bit?), floats, and malformed grouping.
    """
    if isinstance(text, float):
        raise TypeError("money is never a float")
    if isinstance(text, int):
        text = str(text)
    if isinstance(text, Decimal):
        return _check(text, str(text), allow_negative)
    if text is None:
        raise MoneyError(_("Enter an amount."))
    raw = str(text)
    s = raw.replace("\u00a0", " ").strip()
    s = re.sub(r"^(€|EUR)\s*|\s*(€|EUR)$", "", s, flags=re.IGNORECASE).replace(" ", "")
    if not s:
        raise MoneyError(_("Enter an amount."))
    if not _ALLOWED.match(s):
        raise MoneyError(_("'%(text)s' is not an amount.", text=raw))
    sign = ""
    if s[0] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:]
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        grp = "," if dec == "." else "."
        intpart, _sep, frac = s.rpartition(dec)
        if grp not in intpart and dec in intpart:
            raise MoneyError(_("'%(text)s' is not an amount.", text=raw))
        intpart = _ungroup(intpart, grp, raw)
    elif dots + commas == 0:
        intpart, frac = s, ""
    else:
        sep = "." if dots else ","
        if dots + commas > 1:  # only as thousands separator: 1.234.567
            intpart, frac = _ungroup(s, sep, raw), ""
        else:
            intpart, _sep, frac = s.partition(sep)
            if len(frac) == 3 and intpart and intpart != "0":
                raise MoneyError(_(
                    "'%(text)s' can be read two ways (thousands or decimals?): write the amount with two "
                    "decimals, for example %(example)s or %(small)s.", text=raw, example=_example("1234.00"),
                    small=_example("1.23")))
    if not intpart and not frac:
        raise MoneyError(_("'%(text)s' is not an amount.", text=raw))
    if not intpart:
        intpart = "0"
    if not intpart.isdigit() or (frac and not frac.isdigit()):
        raise MoneyError(_("'%(text)s' is not an amount.", text=raw))
    if len(frac) > 2:
        raise MoneyError(_("'%(text)s' has more than two decimals.", text=raw), too_many_decimals=True)
    value = Decimal(f"{sign}{intpart}.{frac or '0'}")
    return _check(value, raw, allow_negative)


def _example(amount: str) -> str:
    """An amount written as the user's language writes it, for the examples in messages."""
    from . import formatting
    return formatting.money(Decimal(amount), sign=False)


def _ungroup(part: str, sep: str, raw: str) -> str:
    groups = part.split(sep)
    if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
        raise MoneyError(_("'%(text)s' has its thousands grouped wrongly.", text=raw))
    return "".join(groups)


def _check(value: Decimal, raw: str, allow_negative: bool) -> Decimal:
    if not value.is_finite():
        raise MoneyError(_("'%(text)s' is not an amount.", text=raw))
    if abs(value) >= MAX_AMOUNT:  # before quantize, which fails beyond 28 digits (decimal.InvalidOperation)
        raise MoneyError(_("'%(text)s' is too large.", text=raw))
    if value != value.quantize(CENT, rounding=ROUND_FLOOR):
        raise MoneyError(_("'%(text)s' has more than two decimals.", text=raw), too_many_decimals=True)
    if value < 0 and not allow_negative:
        raise MoneyError(_("An amount may not be negative."))
    return value.quantize(CENT)


def to_money(value: Decimal | int | str) -> Decimal:
    """A value computed by the program (not user input) as a two-place Decimal; refuses floats."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENT)


def floor_cent(value: Decimal) -> Decimal:
    """Cut off to the cent (towards minus infinity), as for fund shares and flat rates."""
    return Decimal(value).quantize(CENT, rounding=ROUND_FLOOR)


def half_up_cent(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fund_share(total: Decimal, rate_pct: Decimal) -> Decimal:
    """The fund's (EFRO's) share of ``total`` at ``rate_pct`` percent, rounded down to the cent."""
    return floor_cent(Decimal(total) * Decimal(rate_pct) / HUNDRED)


def split_fund(total: Decimal, rate_pct: Decimal) -> tuple[Decimal, Decimal]:
    """(fund share, contribution): fund rounded down, contribution the remainder; they add up to total."""
    fund = fund_share(total, rate_pct)
    return fund, to_money(total) - fund


def split_sources(total: Decimal, rates: list[Decimal]) -> tuple[list[Decimal], Decimal]:
    """(each source's share, contribution) of ``total`` for funding sources at ``rates`` percent: the fund
    share is the total times the sum of the rates, cut off to the cent (as :func:`split_fund`), allocated
    over the sources in proportion to their rates (largest remainder, :func:`allocate`); the contribution
    is the remainder. The shares and the contribution add up to ``total`` exactly; one source at rate r
    gives what :func:`split_fund` gives."""
    if sum(rates, Decimal(0)) > HUNDRED or any(r <= 0 for r in rates):
        raise ValueError("each rate above 0 and together at most 100%")
    fund, contribution = split_fund(total, sum(rates, Decimal(0)))
    return allocate(fund, list(rates)), contribution


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` over parts in proportion to ``weights`` so that the parts add up to ``total``
    exactly, to the cent: each part rounded down, the cents left over going one by one to the parts with
    the largest remainders (the earliest part first on a tie). All zero when the weights add up to zero."""
    total = to_money(total)
    weight_sum = sum(weights, Decimal(0))
    if not weights:
        return []
    if weight_sum == 0:
        return [ZERO] * len(weights)
    exact = [total * Decimal(w) / weight_sum for w in weights]
    parts = [floor_cent(x) for x in exact]
    left = int((total - sum(parts, ZERO)) / CENT)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += CENT
    return parts


def flat_rate(basis: Decimal, rate_pct: Decimal) -> Decimal:
    """A flat-rate amount on a category total: rounded down to the cent."""
    return floor_cent(Decimal(basis) * Decimal(rate_pct) / HUNDRED)


def percent_of(amount: Decimal, rate_pct: Decimal) -> Decimal:
    """Any other percentage of an amount: rounded half-up to the cent."""
    return half_up_cent(Decimal(amount) * Decimal(rate_pct) / HUNDRED)


def parse_percent(text: str) -> Decimal:
    s = str(text).strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise MoneyError(_("'%(text)s' is not a percentage.", text=text)) from None
    if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(CENT):
        raise MoneyError(_("'%(text)s' is not a percentage between 0 and 100 with at most two decimals.", text=text))
    return value.quantize(CENT)


class Money(TypeDecorator):
    """Decimal euros in Python, integer cents (BIGINT) in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money is never a float")
        value = Decimal(value)
        cents = value * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"amount {value} has more than two decimals")
        return int(cents)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)

    def coerce_compared_value(self, op, value):
        return self


class Percentage(TypeDecorator):
    """A percentage with two decimals (``Decimal('15.00')``), stored as integer hundredths of a percent."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("percentages are never floats")
        hundredths = Decimal(value) * 100
        if hundredths != hundredths.to_integral_value():
            raise ValueError(f"percentage {value} has more than two decimals")
        return int(hundredths)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)
