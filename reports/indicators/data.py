"""The progress of indicators as plain data: numbers (Decimal), dates and codes; the builders name them in
their language."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..statements.data import Header


@dataclass(frozen=True)
class PeriodProgress:
    number: int
    start: date
    end: date
    target: Decimal | None  # the target of this period, if one was set
    achieved: Decimal  # accepted (or, for a fund indicator, reported by the fund) in this period
    cumulative: Decimal  # achieved up to and including this period
    cumulative_target: Decimal | None  # period targets up to and including this period, if any were set
    pending: Decimal = Decimal("0.00")  # reported, not yet accepted


@dataclass(frozen=True)
class YearProgress:
    year: int
    target: Decimal
    achieved: Decimal  # achieved in the periods that end in this year


@dataclass(frozen=True)
class IndicatorProgress:
    indicator_id: int
    code: str
    name: str
    kind: str  # 'output' | 'result'
    source: str  # 'reported' | 'fund_participants'
    unit: str
    baseline: Decimal
    target: Decimal
    partners: tuple[str, ...]
    periods: tuple[PeriodProgress, ...]
    years: tuple[YearProgress, ...]
    achieved: Decimal  # in total (all periods)
    behind: bool | None  # behind the target of the periods (or years) that have ended; None: no such target

    @property
    def share(self) -> Decimal | None:
        """Achieved as a percentage of the target (one decimal); None without a target."""
        if not self.target:
            return None
        return (self.achieved * 100 / self.target).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class ProgressReport:
    header: Header
    indicators: tuple[IndicatorProgress, ...]
    scope_note: str = ""  # for a partner user: whose indicators these are
