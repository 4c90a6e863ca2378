"""Names of codes per language: claim and line states, error types, cost categories, flat-rate bases, roles
and kinds of object. The one table of them: the statements name the codes of their plain data here, and the
app's enums read their ``label`` here too, in the request's language (so a page and a statement never name
the same thing differently).

reports/ cannot import the app's enums, so it knows their values; ``tests/reports`` checks that every value
of the app's enums has a label here. Each table is made once per language (a statement of 100,000 lines
asks for a label several times per line).
"""
from __future__ import annotations

from functools import lru_cache

from .i18n import translator


@lru_cache(maxsize=8)
def _tables(lang: str) -> dict[str, dict[str, str]]:
    _ = translator(lang)
    return {
        "claim_status": {
            "draft": _("draft"), "submitted": _("submitted"), "in_verification": _("in verification"),
            "returned": _("returned"), "certified": _("certified"), "included_in_payment": _("in a payment request"),
            "paid": _("paid")},
        "line_status": {"pending": _("to verify"), "verified": _("verified"), "parked": _("parked")},
        "error_type": {
            "ineligible": _("Ineligible cost"),
            "outside_period": _("Paid outside the eligibility period"),
            "missing_evidence": _("Missing or incomplete evidence"),
            "procurement": _("Public procurement rules not followed"),
            "calculation": _("Calculation error"),
            "recoverable_vat": _("Recoverable VAT declared"),
            "double_financing": _("Double financing"),
            "staff_costs": _("Error in staff costs"),
            "other": _("Other")},
        "category": {
            "staff": _("Staff costs"), "office_admin": _("Office and administration costs"),
            "travel": _("Travel and accommodation costs"), "external": _("External expertise and services costs"),
            "equipment": _("Equipment costs"), "infrastructure": _("Infrastructure and works"),
            "small_grants": _("Small projects (fund)")},
        "flat_rate_basis": {"staff_costs": _("of staff costs"), "other_direct_costs": _("of other direct costs")},
        # the roles of a project, and those the trail keeps for whoever acted without one
        "role": {"admin": _("administrator"), "finance_officer": _("finance officer"), "partner": _("partner"),
                 "auditor": _("auditor"), "system": _("system"), "user": _("user"),
                 "anonymous": _("not signed in"), "applicant": _("applicant")},
        "yes_no": {"yes": _("yes"), "no": _("no")},
        "action_status": {
            "submitted": _("submitted"), "in_assessment": _("in assessment"), "approved": _("approved"),
            "rejected": _("rejected"), "executed": _("executed"), "reported": _("reported"), "closed": _("closed")},
        "org_type": {"school": _("school"), "company": _("company"), "institution": _("institution"),
                     "association": _("association"), "public_body": _("public body")},
        "object_type": {
            "claim": _("claim"), "expenditure": _("expenditure"), "payment_request": _("payment request"),
            "budget_line": _("budget line"), "partner": _("partner"), "project": _("project"), "user": _("user"),
            "reporting_period": _("reporting period"), "programme": _("programme"), "membership": _("role"),
            "expenditure_import": _("spreadsheet import"), "fund": _("small-grants fund"), "fund_call": _("call"),
            "fund_action": _("action"), "programme_audit": _("audit"), "audit_finding": _("finding"),
            "financial_correction": _("financial correction"), "recovery": _("recovery")},
        "audit_body": {
            "flc_on_the_spot": _("First-level control on the spot"), "audit_authority": _("Audit authority"),
            "european_commission": _("European Commission"),
            "court_of_auditors": _("European Court of Auditors")},
        "audit_status": {"planned": _("planned"), "ongoing": _("ongoing"), "closed": _("closed")},
        "correction_kind": {"line": _("Amount on one line"), "claim_rate": _("Flat rate on the claim"),
                            "category_rate": _("Flat rate on a cost category")},
        "recovery_measure": {"offset": _("Offset against the next transfer"), "repayment": _("Repayment"),
                             "write_off": _("Written off")},
    }


def code(table: str, value: str | None, lang: str) -> str:
    """The name of a code of one of the tables above (audit bodies, correction kinds, ...)."""
    return _tables(lang)[table].get(value, value) if value else ""


def claim_status(value: str, lang: str) -> str:
    return _tables(lang)["claim_status"].get(value, value)


def line_status(value: str, lang: str) -> str:
    return _tables(lang)["line_status"].get(value, value)


def error_type(value: str | None, lang: str) -> str:
    return _tables(lang)["error_type"].get(value, value) if value else ""


def category(kind: str, lang: str) -> str:
    """The default name of a cost category of this kind (a project may configure its own name)."""
    return _tables(lang)["category"].get(kind, kind)


def flat_rate_basis(value: str, lang: str) -> str:
    return _tables(lang)["flat_rate_basis"].get(value, value)


def role(value: str, lang: str) -> str:
    names = _tables(lang)["role"]
    return ", ".join(names.get(part, part) for part in value.split(",") if part)


def yes_no(value: bool, lang: str) -> str:
    return _tables(lang)["yes_no"]["yes" if value else "no"]


def object_type(value: str | None, lang: str) -> str:
    return _tables(lang)["object_type"].get(value, value) if value else ""


def action_status(value: str, lang: str) -> str:
    """The state of an action of the small-grants fund."""
    return _tables(lang)["action_status"].get(value, value)


def org_type(value: str, lang: str) -> str:
    """The kind of organisation that applies to the small-grants fund."""
    return _tables(lang)["org_type"].get(value, value)
