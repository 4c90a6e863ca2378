"""The fund's audit events in words, registered in app/services/history.py (labels and describers)."""
from __future__ import annotations

from decimal import Decimal

from ... import formatting
from ...i18n import gettext as _
from ...i18n import ngettext
from ...models import CostType, OrgType, ReportKind
from ..history import _day, _enum_label, _money, _quote


def labels() -> dict[str, str]:
    return {
        "fund.created": _("fund set up"), "fund.changed": _("fund changed"),
        "fund.call_published": _("call published"), "fund.application_submitted": _("application submitted"),
        "fund.interests_declared": _("interests declared"), "fund.scored": _("scored"),
        "fund.approved": _("approved"), "fund.rejected": _("rejected"),
        "fund.question_asked": _("question to the applicant"), "fund.question_answered": _("answer of the applicant"),
        "fund.status_link_revoked": _("status link revoked"), "fund.status_link_renewed": _("new status link"),
        "fund.invoice_registered": _("invoice registered"), "fund.executed": _("carried out"),
        "fund.overrun_decided": _("decision to pay more"), "fund.report_submitted": _("final report"),
        "fund.report_downloaded": _("report evidence downloaded"), "fund.closed": _("closed"),
    }


def _cost_types(values) -> str:
    return ", ".join(_enum_label(CostType, v) for v in values or [])


def _created(b, a, n):
    return _("%(name)s managed by %(partner)s: ceiling %(ceiling)s, at most %(max)s per action; eligible: "
             "%(types)s.", name=a.get("name", ""), partner=n.partner(a.get("partner_id")),
             ceiling=_money(a.get("ceiling")), max=_money(a.get("max_per_action")),
             types=_cost_types(a.get("cost_types")))


def _changed(b, a, n):
    names = {"ceiling": _("ceiling"), "max_per_action": _("maximum per action"), "cost_types": _("cost types")}
    parts = []
    for key in a:
        if key == "cost_types":
            old, new = _cost_types(str(b.get(key, "")).split(",")), _cost_types(str(a.get(key, "")).split(","))
        else:
            old, new = _money(b.get(key)), _money(a.get(key))
        parts.append(_("%(field)s from %(old)s to %(new)s", field=names.get(key, key), old=old, new=new))
    return "; ".join(parts) + "."


def _call(b, a, n):
    criteria = ", ".join(f"{c.get('name')} ({c.get('weight')})" for c in a.get("criteria") or [])
    return _("Call %(code)s %(title)s, open %(opens)s – %(closes)s, for actions %(start)s – %(end)s; criteria "
             "(weight): %(criteria)s.", code=a.get("code"), title=_quote(a.get("title")), opens=_day(a.get("opens_on")),
             closes=_day(a.get("closes_on")), start=_day(a.get("actions_from")), end=_day(a.get("actions_until")),
             criteria=criteria)


def _submitted(b, a, n):
    counterparts = ", ".join(f"{c.get('name')} ({c.get('country')})" for c in a.get("counterparts") or [])
    return _("%(organisation)s (%(country)s, %(type)s) with %(counterparts)s: %(title)s, %(start)s – %(end)s, "
             "%(participants)s participants expected; %(requested)s requested (call %(call)s).",
             organisation=a.get("organisation"), country=a.get("country"),
             type=_enum_label(OrgType, a.get("org_type")), counterparts=counterparts, title=_quote(a.get("title")),
             start=_day(a.get("start_date")), end=_day(a.get("end_date")), participants=a.get("participants"),
             requested=_money(a.get("requested")), call=a.get("call"))


def _declared(b, a, n):
    if a.get("conflicted"):
        text = _("Works for %(organisation)s; conflict of interest: %(reason)s. Does not score or decide.",
                 organisation=_quote(a.get("organisation")), reason=_quote(a.get("reason")))
    else:
        text = _("Works for %(organisation)s; no conflict of interest.", organisation=_quote(a.get("organisation")))
    if a.get("status"):
        text += " " + _("The assessment started.")
    return text


def _scored(b, a, n):
    given = a.get("scores") or []
    pairs = given.items() if isinstance(given, dict) else given
    scores = "; ".join(f"{name}: {value}" for name, value in pairs)
    try:
        weighted = formatting.percent(Decimal(str(a.get("weighted"))))
    except ArithmeticError:
        weighted = str(a.get("weighted"))
    text = _("%(scores)s; weighted %(weighted)s.", scores=scores, weighted=weighted)
    return text + (" " + _("(Replaces an earlier scoring.)") if b else "")


def _approved(b, a, n):
    return _("Approved for %(amount)s at the selection meeting of %(date)s.", amount=_money(a.get("amount")),
             date=_day(a.get("meeting_date"))) + (" " + _quote(a.get("reason")) if a.get("reason") else "")


def _rejected(b, a, n):
    return _("Rejected at the selection meeting of %(date)s: %(reason)s.", date=_day(a.get("meeting_date")),
             reason=_quote(a.get("reason")))


def _question(b, a, n):
    return _("Question: %(text)s.", text=_quote(a.get("text")))


def _answer(b, a, n):
    return _("Answer: %(text)s.", text=_quote(a.get("text")))


def _revoked(b, a, n):
    return _("The applicant's status link no longer works.")


def _renewed(b, a, n):
    return _("A new status link was issued; the previous one no longer works.")


def _invoice(b, a, n):
    return _("Expenditure #%(id)s, %(supplier)s invoice %(invoice)s: %(amount)s; paid for the action so far "
             "%(total)s.", id=a.get("expenditure_id"), supplier=a.get("supplier"), invoice=a.get("invoice_number"),
             amount=_money(a.get("declared_amount")), total=_money(a.get("paid_total")))


def _executed(b, a, n):
    return _("The action took place on %(date)s.", date=_day(a.get("executed_on")))


def _overrun(b, a, n):
    return _("%(amount)s more may be paid (decision of %(date)s): %(reason)s; committed for the action now "
             "%(commitment)s.", amount=_money(a.get("amount")), date=_day(a.get("meeting_date")),
             reason=_quote(a.get("reason")), commitment=_money(a.get("commitment")))


def _report(b, a, n):
    files = a.get("files") or []
    names = ", ".join(f"{_quote(f.get('filename'))} ({_enum_label(ReportKind, f.get('kind'))})" for f in files)
    return ngettext("%(participants)s participants reached: %(summary)s. Evidence: %(files)s.",
                    "%(participants)s participants reached: %(summary)s. Evidence (%(num)d files): %(files)s.",
                    len(files), participants=a.get("participants"), summary=_quote(a.get("summary")), files=names)


def _downloaded(b, a, n):
    return _("%(file)s (SHA-256 %(sha)s).", file=_quote(a.get("filename")), sha=a.get("sha256", ""))


def _closed(b, a, n):
    text = _("Committed %(commitment)s, paid %(paid)s: %(released)s released to the fund.",
             commitment=_money(a.get("commitment")), paid=_money(a.get("paid")), released=_money(a.get("released")))
    return text + (" " + _quote(a.get("note")) if a.get("note") else "")


DESCRIBERS = {
    "fund.created": _created, "fund.changed": _changed, "fund.call_published": _call,
    "fund.application_submitted": _submitted, "fund.interests_declared": _declared, "fund.scored": _scored,
    "fund.approved": _approved, "fund.rejected": _rejected, "fund.question_asked": _question,
    "fund.question_answered": _answer, "fund.status_link_revoked": _revoked, "fund.status_link_renewed": _renewed,
    "fund.invoice_registered": _invoice, "fund.executed": _executed, "fund.overrun_decided": _overrun,
    "fund.report_submitted": _report, "fund.report_downloaded": _downloaded, "fund.closed": _closed,
}


def actor_labels() -> dict[str, str]:
    """Who acted without an account, by the name the audit trail keeps."""
    return {"applicant": _("the applicant (public form or status link)")}
