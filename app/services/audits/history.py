"""The audit trail's sentences for audits, findings, corrections and recoveries (in the request's language)."""
from __future__ import annotations

from reports import labels

from ...i18n import current_language
from ...i18n import gettext as _
from ..history import _day, _money


def _code(table: str, value) -> str:
    return labels.code(table, value, current_language())


def _audit_recorded(b, a, n):
    return _("%(body)s, reference %(reference)s, from %(date)s; %(lines)s sampled lines.",
             body=_code("audit_body", a.get("body")), reference=a.get("reference"), date=_day(a.get("started_on")),
             lines=len(a.get("lines") or []))


def _audit_status(b, a, n):
    return _("Status: %(status)s.", status=_code("audit_status", a.get("status")))


def _finding(b, a, n):
    where = (_("line #%(id)s", id=a["claim_line_id"]) if a.get("claim_line_id") else
             _("claim #%(id)s", id=a["claim_id"]) if a.get("claim_id") else n.partner(a.get("partner_id")))
    return _("Finding on %(where)s: %(error)s; %(documents)s documents.", where=where,
             error=labels.error_type(a.get("error_type"), current_language()), documents=len(a.get("documents") or []))


def _correction(b, a, n):
    return _("Claim #%(claim)s: %(kind)s, %(total)s, of which ERDF %(efro)s.", claim=a.get("claim_id"),
             kind=_code("correction_kind", a.get("kind")), total=_money(a.get("total")), efro=_money(a.get("efro")))


def _recovery_opened(b, a, n):
    return _("%(amount)s of ERDF to recover from %(partner)s: %(measure)s.", amount=_money(a.get("amount")),
             partner=n.partner(a.get("partner_id")), measure=_code("recovery_measure", a.get("measure")))


def _recovery_settled(b, a, n):
    return _("%(measure)s: %(amount)s; still to recover: %(left)s.", measure=_code("recovery_measure", a.get("kind")),
             amount=_money(a.get("amount")), left=_money(a.get("outstanding_after")))


DESCRIBERS = {"audit.recorded": _audit_recorded, "audit.status_changed": _audit_status,
              "audit.finding_added": _finding, "correction.booked": _correction,
              "recovery.opened": _recovery_opened, "recovery.settled": _recovery_settled}
