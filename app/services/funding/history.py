"""The funding sources' events in words, registered in app/services/history.py: setting a project's
sources and rates, and a certification that split the claim over several sources (or one not EFRO)."""
from __future__ import annotations

from ...i18n import gettext as _
from ...models import FundingSource
from ..history import _certified, _money, _quote
from ..setup_history import _percent


def labels() -> dict[str, str]:
    return {"project.funding_set": _("funding sources set")}


def _source_name(name) -> str:
    return _("ERDF") if name == FundingSource.EFRO_NAME else _quote(name)


def _sources(items) -> str:
    return "; ".join(_("%(name)s %(rate)s, at most %(ceiling)s", name=_source_name(s.get("name")),
                       rate=_percent(s.get("rate")), ceiling=_money(s.get("ceiling"))) for s in items or [])


def _funding_set(b, a, n):
    return _("Funding sources from %(old)s to %(new)s (together %(rate)s, at most %(ceiling)s).",
             old=_sources(b.get("sources")) or "–", new=_sources(a.get("sources")),
             rate=_percent(a.get("cofinancing_rate")), ceiling=_money(a.get("efro_ceiling")))


def _certified_by_source(b, a, n):
    sources = a.get("sources") or {}
    if not sources or list(sources) == [FundingSource.EFRO_NAME]:
        return _certified(b, a, n)
    return _("Certified %(certified)s: %(shares)s, own contribution %(contribution)s.",
             certified=_money(a.get("certified")), contribution=_money(a.get("contribution")),
             shares="; ".join(f"{_source_name(name)} {_money(amount)}" for name, amount in sources.items()))


DESCRIBERS = {"project.funding_set": _funding_set, "claim.certified": _certified_by_source}
