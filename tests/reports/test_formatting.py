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
