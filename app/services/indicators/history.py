"""The audit events of indicators and of an idea that became a project, in words, registered in
app/services/history.py: the project's audit trail page shows them with every other event."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ...i18n import gettext as _
from ...models import IndicatorKind, IndicatorSource
from ..history import _enum_label, _quote


def labels() -> dict[str, str]:
    return {
        "indicator.created": _("indicator created"), "indicator.target_set": _("indicator target set"),
        "indicator.assigned": _("indicator assigned"), "indicator.updated": _("indicator changed"),
        "indicator.unassigned": _("partner no longer reports on the indicator"),
        "indicator.reported": _("indicator value reported"),
        "indicator.report_accepted": _("indicator report accepted"),
        "indicator.report_returned": _("indicator report returned"),
        "idea.converted": _("project idea turned into this project"),
        # the office's events of an idea before it is a project (no project: not in a project's trail)
        "idea.created": _("project idea published"), "idea.candidate_registered": _("candidate registered"),
        "idea.candidate_accepted": _("candidate accepted"), "idea.candidate_declined": _("candidate declined"),
        "idea.candidate_consent_withdrawn": _("candidate withdrew its consent to publish"),
        "idea.candidate_withdrawn": _("candidate withdrew its candidacy"),
    }


def _q(value) -> str:
    from reports.indicators.common import quantity

    from ...i18n import current_language
    try:
        return quantity(Decimal(str(value)), current_language())
    except (ArithmeticError, InvalidOperation, ValueError, TypeError):
        return str(value)


def _created(b, a, n):
    return _("%(code)s %(name)s (%(kind)s, %(source)s): target %(target)s %(unit)s from a baseline of %(baseline)s.",
             code=a.get("code", ""), name=_quote(a.get("name")), kind=_enum_label(IndicatorKind, a.get("kind")),
             source=_enum_label(IndicatorSource, a.get("source")), target=_q(a.get("target")),
             unit=_quote(a.get("unit")), baseline=_q(a.get("baseline")))


def _when(a) -> str:
    return _("period %(number)s", number=a["period"]) if "period" in a else str(a.get("year", ""))


def _target(b, a, n):
    if b:
        return _("Target for %(when)s from %(old)s to %(new)s.", when=_when(a), old=_q(b.get("value")),
                 new=_q(a.get("value")))
    return _("Target for %(when)s: %(new)s.", when=_when(a), new=_q(a.get("value")))


def _assigned(b, a, n):
    return _("%(partner)s reports on this indicator.", partner=a.get("partner", ""))


def _updated(b, a, n):
    names = {"name": _("name"), "unit": _("unit"), "baseline": _("baseline"), "target": _("target")}
    changes = [_("%(field)s from %(old)s to %(new)s", field=names.get(k, k),
                 old=_q(b.get(k)) if k in ("baseline", "target") else _quote(b.get(k)),
                 new=_q(a.get(k)) if k in ("baseline", "target") else _quote(a.get(k)))
               for k in a if k in names]
    return _("%(code)s: %(changes)s.", code=a.get("code", ""), changes="; ".join(changes))


def _unassigned(b, a, n):
    return _("%(partner)s no longer reports on this indicator; what it reported stays.", partner=a.get("partner", ""))


def _reported(b, a, n):
    files = ", ".join(_quote(f.get("filename")) for f in a.get("files") or [])
    text = _("%(indicator)s, %(partner)s, period %(period)s: %(value)s (%(explanation)s).",
             indicator=a.get("indicator", ""), partner=a.get("partner", ""), period=a.get("period", ""),
             value=_q(a.get("value")), explanation=_quote(a.get("explanation")))
    return text + (" " + _("Evidence: %(files)s.", files=files) if files else "")


def _decided(b, a, n):
    note = a.get("note")
    text = _("Value %(value)s.", value=_q(a.get("value")))
    return text + (" " + _("Note: %(note)s.", note=_quote(note)) if note else "")


def _converted(b, a, n):
    partners = ", ".join(p.get("organisation", "") + (" (" + _("lead partner") + ")" if p.get("lead") else "")
                         for p in a.get("partners") or [])
    return _("Project %(code)s, with the candidates %(partners)s as partners.", code=a.get("project", ""),
             partners=partners)


DESCRIBERS = {"indicator.created": _created, "indicator.target_set": _target, "indicator.assigned": _assigned,
              "indicator.updated": _updated, "indicator.unassigned": _unassigned,
              "indicator.reported": _reported, "indicator.report_accepted": _decided,
              "indicator.report_returned": _decided, "idea.converted": _converted}
