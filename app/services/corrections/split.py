"""The one rule for a fund share, for negative amounts too: a correction or a negative claim is split as
the same positive amount would be (:func:`app.money.split_fund`, EFRO rounded down on the total), with
the sign turned, so that correcting a whole claim takes back exactly its EFRO."""
from __future__ import annotations

from decimal import Decimal

from ...money import ZERO, allocate, split_fund


def split_signed(total: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(EFRO, contribution) of ``total`` at ``rate`` percent, by the claim rule, whatever the sign."""
    if total < 0:
        fund, rest = split_fund(-total, rate)
        return -fund, -rest
    return split_fund(total, rate)


def allocate_signed(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """:func:`app.money.allocate` for a total and weights that are all negative (or all positive)."""
    if total < 0 or any(w < 0 for w in weights):
        return [-part for part in allocate(-total, [abs(w) for w in weights])]
    return allocate(total, weights)


__all__ = ["ZERO", "allocate_signed", "split_signed"]
