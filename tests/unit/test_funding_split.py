"""A claim split over several funding sources: the shares and the partner's contribution add up to the
certified total to the cent, whatever the rates; one source gives what the EFRO split always gave."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.money import CENT, ZERO, split_fund, split_sources

amounts = st.integers(min_value=0, max_value=10**13).map(lambda c: Decimal(c) / 100)
rate = st.integers(min_value=1, max_value=10000).map(lambda h: Decimal(h) / 100)


@st.composite
def rate_sets(draw):
    """1 to 6 rates (percent, two decimals) that add up to at most 100%."""
    left, rates = 10000, []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if left < 1:
            break
        hundredths = draw(st.integers(min_value=1, max_value=left))
        rates.append(Decimal(hundredths) / 100)
        left -= hundredths
    return rates


@given(amounts, rate_sets())
def test_shares_and_contribution_add_up_to_the_cent(total, rates):
    shares, contribution = split_sources(total, rates)
    assert len(shares) == len(rates)
    assert sum(shares, ZERO) + contribution == total
    assert all(s >= 0 and s == s.quantize(CENT) for s in shares) and contribution >= 0
    fund = sum(shares, ZERO)
    assert fund == split_fund(total, sum(rates, ZERO))[0]  # the fund share is cut off on the total
    weight = sum(rates, ZERO)
    for share, r in zip(shares, rates, strict=True):  # each within a cent of its proportional part
        assert abs(share - fund * r / weight) < CENT


@given(amounts, rate)
def test_one_source_is_the_efro_split(total, r):
    shares, contribution = split_sources(total, [r])
    assert (shares[0], contribution) == split_fund(total, r)


@given(amounts, rate_sets())
def test_full_funding_leaves_no_contribution(total, rates):
    rates = rates[:-1] + [Decimal(100) - sum(rates[:-1], ZERO)]
    shares, contribution = split_sources(total, rates)
    assert contribution == ZERO and sum(shares, ZERO) == total


def test_examples():
    # LES: EFRO 50% of 35,000.05 is 17,500.02 (cut off); the partner pays 17,500.03
    assert split_sources(Decimal("35000.05"), [Decimal("50")]) == ([Decimal("17500.02")], Decimal("17500.03"))
    # ICT: OCW 50% + Provincie Zeeland 25% of 100.01 = 75.00 (cut off from 75.0075), split 2:1 -> 50.00 + 25.00
    assert split_sources(Decimal("100.01"), [Decimal("50"), Decimal("25")]) == (
        [Decimal("50.00"), Decimal("25.00")], Decimal("25.01"))
    # thirds of one cent: the largest remainder takes the cent, the earliest on a tie
    assert split_sources(Decimal("0.01"), [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]) == (
        [Decimal("0.01"), ZERO, ZERO], ZERO)


@pytest.mark.parametrize("rates", [[Decimal("60"), Decimal("41")], [Decimal("0")], [Decimal("-1"), Decimal("50")]])
def test_impossible_rates_refused(rates):
    with pytest.raises(ValueError):
        split_sources(Decimal("100.00"), rates)
