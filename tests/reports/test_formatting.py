"""The one formatting module: amounts, percentages and dates per language; display rounds only for display."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reports import formatting as fmt

NBSP = "\u00a0"


def test_money_per_language():
    assert fmt.money(Decimal("2763165"), "nl") == f"€{NBSP}2.763.165,00"
    assert fmt.money(Decimal("2763165"), "en") == "€2,763,165.00"
    assert fmt.money(Decimal("-0.5"), "nl") == f"€{NBSP}-0,50"
    assert fmt.money(Decimal("999.995"), "nl", sign=False) == "1.000,00"  # half-up, for display only
    assert fmt.money(Decimal("0"), "nl", blank_zero=True) == "" and fmt.money(None, "nl") == ""
    with pytest.raises(TypeError):
        fmt.money(1.5, "nl")


def test_percentages_counts_and_shares():
    assert fmt.percent(Decimal("15.00"), "nl") == "15%" and fmt.percent(Decimal("12.50"), "en") == "12.5%"
    assert fmt.percent(Decimal("12.50"), "nl") == "12,5%"
    assert fmt.share(Decimal("443"), Decimal("1000"), "nl") == "44,3%" and fmt.share(1, 0, "nl") == ""
    assert fmt.number(1234567, "nl") == "1.234.567" and fmt.number(1234567, "en") == "1,234,567"


def test_dates_and_local_times():
    assert fmt.day(date(2026, 11, 22), "nl") == "22-11-2026" and fmt.day(date(2026, 11, 22), "en") == "22/11/2026"
    # 23:30 UTC on 29 November is already 30 November in Brussels: the date follows the local time
    late = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert fmt.day(late, "nl") == "30-11-2026"
    assert fmt.moment(late, "nl") == "30-11-2026 00:30"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert fmt.moment(summer, "en", seconds=True) == "01/07/2026 14:00:00"


def test_amounts_and_numbers_are_written_as_babel_writes_them():
    """money() and number() format from the locale's separators and currency patterns, read once from Babel;
    on 6,000 amounts of every size and sign they write exactly what Babel writes (numbers rounded half-up, as
    every display in Cofund; a negative amount that rounds to zero is written without a minus)."""
    import random
    from decimal import ROUND_HALF_UP

    from babel.numbers import format_currency, format_decimal
    rng = random.Random(10)
    values = ([Decimal(rng.randint(-10**13, 10**13)) / 100 for _ in range(3000)]
              + [Decimal(rng.randint(-10**6, 10**6)) / 1000 for _ in range(3000)]
              + [Decimal("0"), Decimal("0.005"), Decimal("999.995"), Decimal("-999.995"), 7, -12])
    for lang in ("nl", "en"):
        loc = fmt._locale(lang)
        for value in values:
            cents = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            assert fmt.money(value, lang) == format_currency(cents, "EUR", locale=loc)
            assert fmt.money(value, lang, sign=False) == format_decimal(cents, format="#,##0.00", locale=loc)
            for decimals in (0, 1):
                rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
                if rounded == 0:
                    assert fmt.number(value, lang, decimals) in ("0", "0,0", "0.0")
                    continue
                pattern = "#,##0" + (".0" if decimals else "")
                assert fmt.number(value, lang, decimals) == format_decimal(rounded, format=pattern, locale=loc)
