from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.money import (
    Money,
    MoneyError,
    allocate,
    flat_rate,
    floor_cent,
    fund_share,
    parse_money,
    parse_percent,
    percent_of,
    split_fund,
)
from reports import formatting


@pytest.mark.parametrize("text, expected", [
    ("1.234,56", "1234.56"),      # Dutch
    ("1,234.56", "1234.56"),      # English
    ("2.763.165,00", "2763165.00"),
    ("2,763,165.00", "2763165.00"),
    ("2.763.165", "2763165.00"),  # several dots: thousands only
    ("1234,5", "1234.50"),
    ("1234.5", "1234.50"),
    ("0,99", "0.99"),
    ("0.12", "0.12"),
    ("€ 1.234,56", "1234.56"),
    ("1 234,56", "1234.56"),
    ("EUR 12", "12.00"),
    ("  7  ", "7.00"),
    (",50", "0.50"),
])
def test_parse_accepts_dutch_and_english(text, expected):
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text, fragment", [
    ("1.234", "dubbelzinnig"),     # a thousand, or 1.234 with three decimals?
    ("1,234", "dubbelzinnig"),
    ("1,2345", "meer dan twee decimalen"),
    ("0,123", "meer dan twee decimalen"),
    ("12.34.56", "groepering"),
    ("1.23,45", "groepering"),
    ("1,234,5", "groepering"),
    ("abc", "geen bedrag"),
    ("1e5", "geen bedrag"),
    ("", "Vul een bedrag in"),
    ("-5,00", "negatief"),
    ("NaN", "geen bedrag"),
    (".", "geen bedrag"),
    (",", "geen bedrag"),
    ("-", "geen bedrag"),
    ("1,234.567", "meer dan twee decimalen"),
    ("99999999999999", "te groot"),
    ("1" * 30, "te groot"),                          # past decimal's 28 digits: InvalidOperation before
    ("-" + "9" * 40 + ",00", "te groot"),
    ("1" * 27 + ",123", "dubbelzinnig"),
    ("111.111.111.111.111.111.111.111.111.111", "te groot"),
])
def test_parse_refuses_bad_or_ambiguous_input_with_a_dutch_message(text, fragment):
    with pytest.raises(MoneyError, match=fragment):
        parse_money(text)


@pytest.mark.parametrize("value", [Decimal("1E+300"), Decimal("-1E+300"), Decimal("1" * 40), 10**40])
def test_huge_numbers_from_a_spreadsheet_are_too_large_not_an_error(value):
    with pytest.raises(MoneyError, match="te groot"):
        parse_money(value, allow_negative=True)


@given(st.integers(min_value=14, max_value=500))
def test_any_number_of_digits_is_a_message(digits):
    with pytest.raises(MoneyError, match="te groot"):
        parse_money("7" * digits)


def test_negative_allowed_only_when_asked():
    assert parse_money("-1.234,56", allow_negative=True) == Decimal("-1234.56")


def test_float_is_refused_everywhere():
    with pytest.raises(TypeError):
        parse_money(1.5)
    with pytest.raises(TypeError):
        Money().process_bind_param(1.5, None)


def test_money_column_type_stores_cents():
    t = Money()
    assert t.process_bind_param(Decimal("2763165.00"), None) == 276316500
    assert t.process_result_value(276316500, None) == Decimal("2763165.00")
    assert str(t.process_result_value(5, None)) == "0.05"
    with pytest.raises(ValueError):
        t.process_bind_param(Decimal("0.001"), None)


def test_rounding_rules():
    assert floor_cent(Decimal("0.019")) == Decimal("0.01")
    assert fund_share(Decimal("0.03"), Decimal("50")) == Decimal("0.01")  # 0.015 cut off
    assert split_fund(Decimal("0.03"), Decimal("50")) == (Decimal("0.01"), Decimal("0.02"))
    assert flat_rate(Decimal("1000.07"), Decimal("15")) == Decimal("150.01")  # 150.0105
    assert percent_of(Decimal("0.03"), Decimal("50")) == Decimal("0.02")  # half-up elsewhere
    assert fund_share(Decimal("2763165.00"), Decimal("50")) == Decimal("1381582.50")


def test_allocate_adds_up_exactly_and_follows_the_weights():
    assert allocate(Decimal("100.01"), [Decimal("100.01"), Decimal("100.01")]) == [Decimal("50.01"), Decimal("50.00")]
    assert allocate(Decimal("0.02"), [Decimal("1"), Decimal("1"), Decimal("1")]) == [
        Decimal("0.01"), Decimal("0.01"), Decimal("0.00")]
    assert allocate(Decimal("10.00"), [Decimal("0"), Decimal("0")]) == [Decimal("0.00"), Decimal("0.00")]
    assert allocate(Decimal("5.00"), []) == []


@given(st.lists(st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2), min_size=1, max_size=8),
       st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2))
def test_allocation_never_loses_a_cent(weights, total):
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == (total if sum(weights) else 0)
    if sum(weights):
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - total * weight / sum(weights)) < Decimal("0.01")


def test_parse_percent():
    assert parse_percent("15") == Decimal("15.00")
    assert parse_percent("7,5 %") == Decimal("7.50")
    with pytest.raises(MoneyError):
        parse_percent("101")


amounts = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False)
rates = st.decimals(min_value=Decimal("0.01"), max_value=100, places=2, allow_nan=False)


@given(amounts, rates)
def test_fund_plus_contribution_is_always_the_total(total, rate):
    fund, contribution = split_fund(total, rate)
    assert fund + contribution == total
    assert fund == fund.quantize(Decimal("0.01")) and contribution == contribution.quantize(Decimal("0.01"))
    exact = total * rate / 100
    assert fund <= exact < fund + Decimal("0.01")  # rounded down, never up, by less than a cent
    assert contribution >= 0


@given(amounts)
def test_format_then_parse_round_trips(amount):
    for lang in ("nl", "en"):
        assert parse_money(formatting.money(amount, lang)) == amount
        assert parse_money(formatting.money(amount, lang, sign=False)) == amount


@given(amounts)
def test_english_notation_round_trips(amount):
    english = f"{amount:,.2f}"
    assert parse_money(english) == amount
