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
    text = _("Budget %(total)s in %(lines)s budget lines, of which ERDF %(efro)s.", total=_money(a.get("budget_total")),
             lines=a.get("budget_lines"), efro=_money(a.get("efro")))
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


DESCRIBERS = {
    "programme.created": _programme, "project.created": _project, "period.created": _period,
    "partner.created": _partner, "partner.budget_set": _budget, "user.created": _user,
    "membership.granted": _membership,
}
