"""Labels shared by the progress builders."""
from __future__ import annotations

from decimal import Decimal

from .. import formatting
from ..i18n import translator


def kind_label(kind: str, lang: str) -> str:
    _ = translator(lang)
    return {"output": _("output indicator"), "result": _("result indicator")}.get(kind, kind)


def source_label(source: str, lang: str) -> str:
    _ = translator(lang)
    return {"reported": _("reported by partners"),
            "fund_participants": _("automatic: participants reached in the small-grants fund")}.get(source, source)


def quantity(value: Decimal | None, lang: str) -> str:
    """A count as people read it: without decimals when it is whole."""
    if value is None:
        return "–"
    return formatting.number(value, lang, 0 if value == value.to_integral_value() else 2)


def period_label(number: int, lang: str) -> str:
    return translator(lang)("Period %(number)s", number=number)


def status_label(behind: bool | None, lang: str) -> str:
    _ = translator(lang)
    return "–" if behind is None else _("behind target") if behind else _("on track")
