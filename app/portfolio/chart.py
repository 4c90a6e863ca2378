"""The portfolio's bar chart as numbers for an SVG drawn on the server: per project a bar for the budget,
and in it the certified and paid amounts, scaled to the largest budget. Templates only place the bars."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reports.statements.portfolio import PortfolioRow

WIDTH, LABEL, ROW, BAR = 640, 70, 34, 22


@dataclass(frozen=True)
class Bar:
    code: str
    y: int
    budget: Decimal  # widths in SVG units, one decimal
    certified: Decimal
    paid: Decimal


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int = WIDTH
    label: int = LABEL
    row: int = ROW
    bar: int = BAR

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW + 30

    @property
    def legend_y(self) -> int:
        return len(self.bars) * ROW + 18


def _scale(amount: Decimal, largest: Decimal) -> Decimal:
    if not largest:
        return Decimal(0)
    return (Decimal(WIDTH - LABEL - 10) * amount / largest).quantize(Decimal("0.1"), ROUND_HALF_UP)


def chart(rows: list[PortfolioRow]) -> Chart:
    largest = max((max(r.budget, r.declared, r.certified) for r in rows), default=Decimal(0))
    return Chart([Bar(r.code, i * ROW + 4, _scale(r.budget, largest), _scale(r.certified, largest),
                      _scale(r.paid, largest)) for i, r in enumerate(rows)])
