"""The set-up's audit events in words (programme, project, reporting periods, partners and their budgets, users
and their roles), registered in app/services/history.py (labels and describers): the audit trail page shows
them with every other event of a project."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .. import formatting
from ..i18n import gettext as _
from ..models import Role, category_label
from ..models.project import FlatRateBasis
from .history import _day, _enum_label, _money, _quote


def labels() -> dict[str, str]:
    return {
        "programme.created": _("programme created"), "period.created": _("reporting period created"),
        "partner.budget_set": _("partner budget set"),
        "project.updated": _("project changed"), "period.updated": _("reporting period changed"),
        "partner.updated": _("partner changed"), "project.lead_partner_set": _("lead partner chosen"),
        "partner.flat_rates_set": _("flat rates set"), "partner.budget_changed": _("partner budget changed"),
        "membership.revoked": _("role removed"), "budget.version_recorded": _("budget version recorded"),
        "budget.modification_approved": _("project modification"),
    }


def _percent(value) -> str:
    try:
        return formatting.percent(Decimal(str(value)))
    except (ArithmeticError, InvalidOperation, ValueError, TypeError):
        return str(value)


def _programme(b, a, n):
    return _("%(code)s: %(name)s.", code=a.get("code", ""), name=_quote(a.get("name")))


def _project(b, a, n):
    return _("%(code)s: %(name)s, from %(start)s to %(end)s; ERDF %(rate)s, at most %(ceiling)s; a cost category "
             "may be exceeded by %(flexibility)s.", code=a.get("code", ""), name=_quote(a.get("name")),
             start=_day(a.get("start_date")), end=_day(a.get("end_date")), rate=_percent(a.get("cofinancing_rate")),
             ceiling=_money(a.get("efro_ceiling")), flexibility=_percent(a.get("flexibility_rate")))


def _period(b, a, n):
    return _("Period %(number)s: from %(start)s to %(end)s.", number=a.get("number"), start=_day(a.get("start_date")),
             end=_day(a.get("end_date")))


def _partner(b, a, n):
    text = _("Partner %(number)s: %(organisation)s (%(country)s).", number=a.get("number"),
             organisation=_quote(a.get("organisation")), country=a.get("country", ""))
    if a.get("lead"):
        text += " " + _("Lead partner.")
    if a.get("vat_recoverable"):
        text += " " + _("Recovers VAT (VAT is not eligible).")
    return text


def _flat_rate(kind: str, text) -> str:
    """'office_admin': '15.00% staff_costs' as '15% of staff costs for Office and administration costs'."""
    rate, _sep, basis = str(text).partition("% ")
    return _("%(rate)s %(basis)s for %(category)s", rate=_percent(rate), basis=_enum_label(FlatRateBasis, basis),
             category=category_label(kind))


def _budget(b, a, n):
    text = _("Budget %(total)s in %(lines)s budget lines, of which %(fund)s %(efro)s.",
             total=_money(a.get("budget_total")), lines=a.get("budget_lines"), fund=n.fund(),
             efro=_money(a.get("efro")))
    others = a.get("other_public") or {}
    if others:
        text += " " + _("Other public co-financing: %(sources)s.", sources="; ".join(
            f"{_quote(name)} {_money(amount)}" for name, amount in others.items()))
    rates = a.get("flat_rates") or {}
    if rates:
        text += " " + _("Flat rates: %(rates)s.", rates="; ".join(_flat_rate(k, v) for k, v in rates.items()))
    return text


def _user(b, a, n):
    return _("%(name)s (%(email)s).", name=_quote(a.get("full_name")), email=a.get("email", ""))


def _membership(b, a, n):
    role = _enum_label(Role, a.get("role"))
    if a.get("partner_id") is not None:
        return _("%(user)s as %(role)s of %(partner)s.", user=a.get("user", ""), role=role,
                 partner=n.partner(a.get("partner_id")))
    return _("%(user)s as %(role)s.", user=a.get("user", ""), role=role)


def _changes(b, a, n):
    """Changed fields: 'name: from A to B; ...' (amounts, dates and percentages as written in the event)."""
    parts = []
    for key, new in a.items():
        if isinstance(new, dict | list):
            continue
        old = b.get(key)
        parts.append(_("%(field)s from %(old)s to %(new)s", field=key.replace("_", " "),
                       old=_quote(old) if old is not None else "–", new=_quote(new) if new is not None else "–"))
    return "; ".join(parts) + ("." if parts else "")


def _lines(b, a, n):
    lines = a.get("lines") or {}
    text = "; ".join(f"{key}: {_money((b.get('lines') or {}).get(key, 0))} → {_money(amount)}"
                     for key, amount in lines.items())
    if "version" in a:
        text = _("Version %(old)s to version %(new)s (%(reason)s), approved on %(day)s; budget %(before)s to "
                 "%(after)s, %(fund)s %(efro_before)s to %(efro_after)s.", old=b.get("version"), new=a.get("version"),
                 fund=n.fund(),
                 reason=_quote(a.get("reason")), day=_day(a.get("approved_on")),
                 before=_money(b.get("budget_total")), after=_money(a.get("budget_total")),
                 efro_before=_money(b.get("efro_total")), efro_after=_money(a.get("efro_total"))) + " " + text
    return text


def _flat_rates_set(b, a, n):
    rates = a.get("flat_rates") or {}
    return _("Flat rates: %(rates)s.", rates="; ".join(_flat_rate(k, v) for k, v in rates.items()) or "–")


def _version_recorded(b, a, n):
    return _("Version %(number)s: budget %(total)s, %(fund)s %(efro)s.", number=a.get("number"), fund=n.fund(),
             total=_money(a.get("budget_total")), efro=_money(a.get("efro_total")))


def _revoked(b, a, n):
    return _membership({}, b, n)


DESCRIBERS = {
    "programme.created": _programme, "project.created": _project, "period.created": _period,
    "partner.created": _partner, "partner.budget_set": _budget, "user.created": _user,
    "membership.granted": _membership, "project.updated": _changes, "period.updated": _changes,
    "partner.updated": _changes, "project.lead_partner_set": _changes, "partner.flat_rates_set": _flat_rates_set,
    "partner.budget_changed": _lines, "budget.modification_approved": _lines,
    "budget.version_recorded": _version_recorded, "membership.revoked": _revoked,
}
