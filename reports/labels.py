"""Names of states, error types, cost categories and roles in the statements, per language.

reports/ cannot import the app's enums, so it knows their values; ``tests/reports`` checks that every value
of the app's enums has a label here.
"""
from __future__ import annotations

from .i18n import labels


def claim_status(value: str, lang: str) -> str:
    _ = labels(lang).gettext
    return {
        "draft": _("draft"), "submitted": _("submitted"), "in_verification": _("in verification"),
        "returned": _("returned"), "certified": _("certified"), "included_in_payment": _("in a payment request"),
        "paid": _("paid"),
    }.get(value, value)


def line_status(value: str, lang: str) -> str:
    _ = labels(lang).gettext
    return {"pending": _("to verify"), "verified": _("verified"), "parked": _("parked")}.get(value, value)


def error_type(value: str | None, lang: str) -> str:
    if not value:
        return ""
    _ = labels(lang).gettext
    return {
        "ineligible": _("Ineligible cost"),
        "outside_period": _("Paid outside the eligibility period"),
        "missing_evidence": _("Missing or incomplete evidence"),
        "procurement": _("Public procurement rules not followed"),
        "calculation": _("Calculation error"),
        "recoverable_vat": _("Recoverable VAT declared"),
        "double_financing": _("Double financing"),
        "staff_costs": _("Error in staff costs"),
        "other": _("Other"),
    }.get(value, value)


def category(kind: str, lang: str) -> str:
    """The default name of a cost category of this kind (a project may configure its own name)."""
    _ = labels(lang).gettext
    return {
        "staff": _("Staff costs"), "office_admin": _("Office and administration"),
        "travel": _("Travel and accommodation"), "external": _("External expertise and services"),
        "equipment": _("Equipment"), "infrastructure": _("Infrastructure and works"),
        "small_grants": _("Small projects (fund)"),
    }.get(kind, kind)


def flat_rate_basis(value: str, lang: str) -> str:
    _ = labels(lang).gettext
    return {"staff_costs": _("of staff costs"), "other_direct_costs": _("of other direct costs")}.get(value, value)


def role(value: str, lang: str) -> str:
    _ = labels(lang).gettext
    names = {"admin": _("administrator"), "finance_officer": _("finance officer"), "partner": _("partner"),
             "auditor": _("auditor"), "system": _("system")}
    return ", ".join(names.get(part, part) for part in value.split(",") if part)


def yes_no(value: bool, lang: str) -> str:
    _ = labels(lang).gettext
    return _("yes") if value else _("no")


def object_type(value: str | None, lang: str) -> str:
    if not value:
        return ""
    _ = labels(lang).gettext
    return {"claim": _("claim"), "expenditure": _("expenditure"), "payment_request": _("payment request"),
            "budget_line": _("budget line"), "partner": _("partner"), "project": _("project"),
            "user": _("user"), "reporting_period": _("reporting period"), "programme": _("programme"),
            "membership": _("role")}.get(value, value)
