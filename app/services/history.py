"""The audit trail in words: each event as a sentence with labels, amounts as money and states by their
names, for the history on every object page, the auditor's trail and the audit-trail statement."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from .. import formatting
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import language_label, ngettext
from ..models import AuditEvent, ClaimStatus, ErrorType, LineStatus, Organisation, Partner, User, category_label
from .statements import title as statement_title


@dataclass(frozen=True)
class Entry:
    """One event as people read it."""

    seq: int
    occurred_at: datetime
    who: str  # the user's name, or the command that acted
    email: str
    role: str
    action: str
    what: str  # a short label of the action
    sentence: str  # the details in words
    object_type: str | None
    object_id: str | None
    hash: str


@dataclass
class Names:
    """Names of the users and partners that events refer to, loaded once for a page of events."""

    users: dict[int, str]
    partners: dict[int, str]
    funds: dict[int, str] = field(default_factory=dict)  # a project: its funding sources by name
    project_id: int | None = None  # the project of the event being described

    def partner(self, partner_id) -> str:
        return self.partners.get(partner_id, f"#{partner_id}") if partner_id is not None else ""

    def fund(self) -> str:
        """The funding of the event's project by name ('EFRO', 'Provincie West-Vlaanderen')."""
        return self.funds.get(self.project_id) or _("ERDF")


def _load_names(events: list[AuditEvent]) -> Names:
    user_ids = {e.user_id for e in events if e.user_id is not None}
    partner_ids: set[int] = set()
    for e in events:
        for data in (_data(e.after), _data(e.before)):
            if isinstance(data.get("partner_id"), int):
                partner_ids.add(data["partner_id"])
    users = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))).all()) \
        if user_ids else {}
    partners = {}
    if partner_ids:
        for pid, number, name in db.session.execute(
                select(Partner.id, Partner.number, Organisation.name).join(Organisation)
                .where(Partner.id.in_(partner_ids))):
            partners[pid] = f"PP{number} {name}"
    return Names(users, partners, _fund_names({e.project_id for e in events if e.project_id is not None}))


def _fund_names(project_ids: set[int]) -> dict[int, str]:
    from ..models import ProjectFundingSource
    from .funding.sources import fund_name
    if not project_ids:
        return {}
    sources: dict[int, list] = {}
    for source in db.session.scalars(select(ProjectFundingSource).where(ProjectFundingSource.project_id.in_(
            project_ids)).order_by(ProjectFundingSource.project_id, ProjectFundingSource.position)):
        sources.setdefault(source.project_id, []).append(source)
    return {pid: fund_name(found) for pid, found in sources.items()}


def _data(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _money(value) -> str:
    try:
        return formatting.money(Decimal(str(value)))
    except (ArithmeticError, ValueError, TypeError):
        return str(value)


def _day(value) -> str:
    try:
        return formatting.day(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


SHOWN_IDS = 20  # a sentence names at most this many ids ("… and 5,274 more"); the event keeps them all


def _quote(text) -> str:
    """User text in quotes, without its closing full stop (the sentence adds its own)."""
    text = str(text or "").strip().rstrip(".").rstrip()
    return f"“{text}”" if text else ""


def _enum_label(enum_cls, value) -> str:
    try:
        return enum_cls(value).label
    except ValueError:
        return str(value)


# --- labels of the actions ----------------------------------------------------------------------------------

def action_labels() -> dict[str, str]:
    return {
        "auth.login": _("signed in"), "auth.login_failed": _("failed sign-in"),
        "auth.login_refused": _("sign-in refused"), "auth.logout": _("signed out"),
        "user.created": _("user created"), "membership.granted": _("role granted"),
        "project.created": _("project created"), "partner.created": _("partner created"),
        "budget.line_changed": _("budget changed"),
        "expenditure.created": _("expenditure registered"), "expenditure.updated": _("expenditure changed"),
        "expenditure.withdrawn": _("expenditure withdrawn"), "expenditure.corrected": _("correction registered"),
        "expenditure.imported": _("spreadsheet imported"),
        "document.attached": _("evidence added"), "document.downloaded": _("evidence downloaded"),
        "claim.created": _("claim created"), "claim.lines_added": _("expenditures added"),
        "claim.line_removed": _("line removed"), "claim.submitted": _("submitted"),
        "claim.verification_started": _("verification started"), "claim.line_verified": _("line verified"),
        "claim.line_parked": _("line parked"), "claim.returned": _("returned"), "claim.certified": _("certified"),
        "payment.requested": _("payment request made"), "payment.received": _("payment received"),
        "payment.transferred": _("share transferred"), "user.language_set": _("language chosen"),
        "statement.downloaded": _("statement downloaded"),
        "audit.recorded": _("audit recorded"), "audit.status_changed": _("audit status changed"),
        "audit.finding_added": _("finding recorded"), "correction.booked": _("financial correction booked"),
        "recovery.opened": _("recovery opened"), "recovery.settled": _("recovery settled"),
        **setup_history.labels(), **fund_history.labels(), **account_history.labels(), **indicator_history.labels(),
        **funding_history.labels(),
    }


def field_labels() -> dict[str, str]:
    return {
        "category_id": _("cost category"), "period_id": _("reporting period"), "internal_ref": _("internal reference"),
        "supplier": _("supplier"), "invoice_number": _("invoice number"), "invoice_date": _("invoice date"),
        "payment_date": _("payment date"), "description": _("description"), "gross_amount": _("gross amount"),
        "vat_amount": _("VAT"), "vat_recoverable": _("VAT recoverable"), "declared_amount": _("declared amount"),
    }


MONEY_FIELDS = {"gross_amount", "vat_amount", "declared_amount", "amount", "declared", "deduction", "certified",
                "efro", "contribution"}
DATE_FIELDS = {"invoice_date", "payment_date"}


def _value(name: str, value) -> str:
    if value is None or value == "":
        return "–"
    if name in MONEY_FIELDS:
        return _money(value)
    if name in DATE_FIELDS:
        return _day(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return _quote(value)


# --- one sentence per action --------------------------------------------------------------------------------

def _expenditure_created(b, a, n):
    return _("%(supplier)s, invoice %(invoice)s of %(date)s, paid on %(paid)s: %(declared)s declared "
             "(gross %(gross)s, VAT %(vat)s).",
             supplier=a.get("supplier", ""), invoice=a.get("invoice_number", ""), date=_day(a.get("invoice_date")),
             paid=_day(a.get("payment_date")), declared=_money(a.get("declared_amount")),
             gross=_money(a.get("gross_amount")), vat=_money(a.get("vat_amount")))


def _expenditure_updated(b, a, n):
    labels = field_labels()
    changes = [_("%(field)s from %(old)s to %(new)s", field=labels.get(k, k), old=_value(k, b.get(k)),
                 new=_value(k, a.get(k))) for k in a]
    return "; ".join(changes) + "."


def _expenditure_withdrawn(b, a, n):
    removed = b.get("claim_lines") or []
    text = _("Reason: %(reason)s.", reason=_quote(a.get("reason")))
    if removed:
        claims = formatting.ids(line.get("claim_id") for line in removed)
        text += " " + _("Taken out of claim %(claims)s.", claims=claims)
    return text


def _expenditure_corrected(b, a, n):
    return _("Correction of expenditure #%(id)s by %(amount)s (%(reason)s); the expenditure now counts for "
             "%(net)s.", id=a.get("corrects_id"), amount=_money(a.get("declared_amount")),
             reason=_quote(a.get("reason")), net=_money(a.get("net_after_correction")))


def _expenditure_imported(b, a, n):
    return ngettext("%(num)d line from %(file)s for %(partner)s, together %(total)s declared.",
                    "%(num)d lines from %(file)s for %(partner)s, together %(total)s declared.",
                    a.get("rows", 0), file=_quote(a.get("filename")), partner=n.partner(a.get("partner_id")),
                    total=_money(a.get("total_declared")))


def _document(b, a, n):
    size = a.get("size")
    if size is None:
        return _("%(file)s (SHA-256 %(sha)s).", file=_quote(a.get("filename")), sha=a.get("sha256", ""))
    return _("%(file)s, %(size)s (SHA-256 %(sha)s).", file=_quote(a.get("filename")),
             size=formatting.kilobytes(size), sha=a.get("sha256", ""))


def _claim_created(b, a, n):
    return _("For %(partner)s, reporting period %(period)s.", partner=n.partner(a.get("partner_id")),
             period=a.get("period"))


def _lines_added(b, a, n):
    ids = a.get("expenditure_ids") or []
    return ngettext("Expenditure %(ids)s, %(total)s declared.", "%(num)d expenditures (%(ids)s), together "
                    "%(total)s declared.", len(ids), ids=formatting.ids(ids, SHOWN_IDS),
                    total=_money(a.get("declared")))


def _line_removed(b, a, n):
    return _("Expenditure #%(id)s (%(amount)s) taken out of the claim.", id=b.get("expenditure_id"),
             amount=_money(b.get("declared_amount")))


def _submitted(b, a, n):
    return ngettext("%(num)d line, %(total)s declared; the claim is now frozen.",
                    "%(num)d lines, together %(total)s declared; the claim is now frozen.",
                    a.get("lines", 0), total=_money(a.get("declared")))


def _line_verified(b, a, n):
    text = _("Expenditure #%(id)s: declared %(declared)s, certified %(certified)s.", id=a.get("expenditure_id"),
             declared=_money(a.get("declared")), certified=_money(a.get("certified")))
    if a.get("deduction") not in (None, "0", "0.00"):
        text += " " + _("Deduction %(amount)s, %(error)s: %(comment)s.", amount=_money(a.get("deduction")),
                        error=_enum_label(ErrorType, a.get("error_type")), comment=_quote(a.get("comment")))
    elif a.get("comment"):
        text += " " + _quote(a.get("comment"))
    if a.get("duplicate_confirmed"):
        text += " " + _("Possible double financing checked.")
    if b.get("status") and b.get("status") != LineStatus.PENDING.value:
        text += " " + _("(Before: %(status)s.)", status=_enum_label(LineStatus, b.get("status")))
    return text


def _line_parked(b, a, n):
    return _("Expenditure #%(id)s parked (%(declared)s): %(comment)s.", id=a.get("expenditure_id"),
             declared=_money(a.get("declared")), comment=_quote(a.get("comment")))


def _returned(b, a, n):
    return _("Back to the partner: %(reason)s.", reason=_quote(a.get("reason")))


def _status_change(b, a, n):
    return _("From %(old)s to %(new)s.", old=_enum_label(ClaimStatus, b.get("status")),
             new=_enum_label(ClaimStatus, a.get("status")))


def _certified(b, a, n):
    return _("Certified %(certified)s: %(fund)s %(efro)s, own contribution %(contribution)s.",
             certified=_money(a.get("certified")), fund=n.fund(), efro=_money(a.get("efro")),
             contribution=_money(a.get("contribution")))


def _budget_changed(b, a, n):
    return _("%(partner)s, %(category)s, period %(period)s: from %(old)s to %(new)s; the partner's budget "
             "%(total)s, its share of %(fund)s from %(old_efro)s to %(new_efro)s.",
             partner=n.partner(a.get("partner_id")), fund=n.fund(), category=category_label(a.get("category")),
             period=a.get("period"), old=_money(b.get("amount")), new=_money(a.get("amount")),
             total=_money(a.get("partner_total")), old_efro=_money(b.get("partner_efro")),
             new_efro=_money(a.get("partner_efro")))


def _payment_requested(b, a, n):
    claims = a.get("claims") or []
    text = ngettext("Payment request %(number)s for claim %(claims)s: %(amount)s of %(fund)s requested.",
                    "Payment request %(number)s for claims %(claims)s: %(amount)s of %(fund)s requested.",
                    len(claims), fund=n.fund(), number=a.get("number"), claims=formatting.ids(claims),
                    amount=_money(a.get("amount_requested")))
    offsets = a.get("offsets") or {}
    if isinstance(offsets, dict) and offsets:
        try:
            offset = sum((Decimal(str(v)) for v in offsets.values()), Decimal("0.00"))
        except ArithmeticError:
            return text
        text += " " + _("%(amount)s offset against recoveries.", amount=_money(offset))
    return text


def _payment_received(b, a, n):
    text = _("%(amount)s received by the lead partner on %(date)s.", amount=_money(a.get("amount")),
             date=_day(a.get("received_date")))
    if a.get("claims_paid"):  # a partner whose whole share went to its recoveries (or was not received)
        text += " " + ngettext("Claim %(claims)s paid.", "Claims %(claims)s paid.", len(a["claims_paid"]),
                               claims=formatting.ids(a["claims_paid"]))
    return text


def _payment_transferred(b, a, n):
    text = _("%(amount)s passed on to %(partner)s on %(date)s; still to pass on: %(left)s.",
             amount=_money(a.get("amount")), partner=n.partner(a.get("partner_id")),
             date=_day(a.get("transfer_date")), left=_money(a.get("outstanding_after")))
    if a.get("claims_paid"):
        text += " " + ngettext("Claim %(claims)s paid.", "Claims %(claims)s paid.", len(a["claims_paid"]),
                               claims=formatting.ids(a["claims_paid"]))
    return text


def _language_set(b, a, n):
    return _("Pages in %(language)s.", language=language_label(a.get("language")))


def _statement(b, a, n):
    return _("%(statement)s (%(format)s, %(lang)s): %(file)s, SHA-256 %(sha)s.",
             statement=statement_title(str(a.get("statement", ""))), format=str(a.get("format", "")).upper(),
             lang=language_label(a.get("lang")), file=_quote(a.get("filename")), sha=a.get("sha256", ""))


def _generic(b, a, n):
    parts = [f"{k}: {_value(k, v)}" for k, v in a.items() if not isinstance(v, dict | list)]
    return "; ".join(parts)


DESCRIBERS: dict[str, Callable[[dict, dict, Names], str]] = {
    "expenditure.created": _expenditure_created, "expenditure.updated": _expenditure_updated,
    "expenditure.withdrawn": _expenditure_withdrawn, "expenditure.corrected": _expenditure_corrected,
    "expenditure.imported": _expenditure_imported, "document.attached": _document,
    "document.downloaded": _document, "claim.created": _claim_created, "claim.lines_added": _lines_added,
    "claim.line_removed": _line_removed, "claim.submitted": _submitted,
    "claim.verification_started": _status_change, "claim.line_verified": _line_verified,
    "claim.line_parked": _line_parked, "claim.returned": _returned, "claim.certified": _certified,
    "budget.line_changed": _budget_changed, "payment.requested": _payment_requested,
    "payment.received": _payment_received, "payment.transferred": _payment_transferred,
    "user.language_set": _language_set, "statement.downloaded": _statement,
}


def describe(event: AuditEvent, names: Names) -> str:
    """The event's details in words (the language of the request)."""
    describer = DESCRIBERS.get(event.action, _generic)
    names.project_id = event.project_id
    try:
        return describer(_data(event.before), _data(event.after), names)
    except (KeyError, TypeError, ValueError):  # an event of an older shape: say what it holds
        return _generic({}, _data(event.after), names)


def entries(events: Iterable[AuditEvent]) -> list[Entry]:
    """Events as people read them; one query for the names they refer to."""
    events = list(events)
    names = _load_names(events)
    labels, actors = action_labels(), fund_history.actor_labels()
    # an actor without an account that has a name in words (the applicant) is named by it, not by its code
    return [Entry(e.seq, e.occurred_at, names.users.get(e.user_id) or actors.get(e.actor, e.actor),
                  "" if e.user_id is None and e.actor in actors else e.actor, e.role, e.action,
                  labels.get(e.action, e.action), describe(e, names), e.object_type, e.object_id, e.hash)
            for e in events]


def of_object(project_id: int, object_type: str, object_id) -> list[Entry]:
    """The whole history of one object of a project, oldest first."""
    return entries(db.session.scalars(select(AuditEvent).where(
        AuditEvent.project_id == project_id, AuditEvent.object_type == object_type,
        AuditEvent.object_id == str(object_id)).order_by(AuditEvent.seq)))


# The set-up's and the small-grants fund's events (app/services/setup_history.py and fund/history.py use the
# helpers above, hence imported last).
from . import account_history, setup_history  # noqa: E402
from .fund import history as fund_history  # noqa: E402
from .funding import history as funding_history  # noqa: E402
from .indicators import history as indicator_history  # noqa: E402

DESCRIBERS.update(setup_history.DESCRIBERS)
DESCRIBERS.update(fund_history.DESCRIBERS)
from .audits import history as audits_history  # noqa: E402

DESCRIBERS.update(audits_history.DESCRIBERS)
DESCRIBERS.update(account_history.DESCRIBERS)
DESCRIBERS.update(indicator_history.DESCRIBERS)
DESCRIBERS.update(funding_history.DESCRIBERS)
