"""The public application: the rules a proposal must meet (each with its message, at its field), the
submission, and the private status link (a long random token of which only the SHA-256 is stored)."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ... import formatting
from ...errors import DomainError, NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import CostType, FundAction, FundCall, FundCounterpart, FundEstimate, OrgType
from ...models.types import utcnow
from ...money import ZERO
from .. import audit
from ..audit import Actor
from .common import record, today

MAX_PARTICIPANTS = 10_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRIES = ("BE", "NL")
TEXT_LIMITS = {"org_name": 200, "org_city": 100, "contact_name": 200, "contact_email": 254, "contact_phone": 40,
               "title": 200, "description": 5000}


@dataclass
class Counterpart:
    name: str
    country: str
    org_type: str


@dataclass
class ApplicationData:
    """What the applicant fills in, parsed (dates, Decimals); strings as typed."""

    org_name: str
    org_type: str
    org_country: str
    org_city: str
    contact_name: str
    contact_email: str
    title: str
    description: str
    start_date: date | None
    end_date: date | None
    expected_participants: int | None
    estimates: dict[str, Decimal | None]  # cost type value -> amount
    counterparts: list[Counterpart] = field(default_factory=list)
    contact_phone: str = ""


class InvalidApplication(DomainError):
    """The proposal breaks one or more rules; ``errors`` holds (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(" ".join(message for _field, message in errors))
        self.errors = errors


def is_open(call: FundCall, on: date | None = None) -> bool:
    on = on or today()
    return call.opens_on <= on <= call.closes_on


def other_country(country: str) -> str:
    return {"BE": "NL", "NL": "BE"}.get(country, "")


def _org_type(value: str) -> OrgType | None:
    try:
        return OrgType(value)
    except ValueError:
        return None


def _check_texts(data: ApplicationData) -> list[tuple[str, str]]:
    errors = []
    required = {"org_name": _("Fill in the name of your organisation."),
                "org_city": _("Fill in the municipality of your organisation."),
                "contact_name": _("Fill in the name of the contact person."),
                "contact_email": _("Fill in the contact person's e-mail address."),
                "title": _("Give the action a title."),
                "description": _("Describe the action: what happens, for whom, with whom across the border.")}
    for name, message in required.items():
        if not (getattr(data, name) or "").strip():
            errors.append((name, message))
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            errors.append((name, _("At most %(limit)s characters.", limit=formatting.number(limit))))
    email = (data.contact_email or "").strip()
    if email and not EMAIL.match(email):
        errors.append(("contact_email", _("'%(email)s' is not an e-mail address.", email=email[:80])))
    if _org_type(data.org_type) is None:
        errors.append(("org_type", _("Choose the type of your organisation.")))
    if data.org_country not in COUNTRIES:
        errors.append(("org_country", _("Choose the country of your organisation: Belgium or the Netherlands.")))
    return errors


def _check_dates(data: ApplicationData, call: FundCall) -> list[tuple[str, str]]:
    project, errors = call.fund.project, []
    if data.start_date is None:
        errors.append(("start_date", _("Fill in the date the action starts.")))
    if data.end_date is None:
        errors.append(("end_date", _("Fill in the date the action ends.")))
    if errors:
        return errors
    window = (max(call.actions_from, project.start_date), min(call.actions_until, project.end_date))
    if data.end_date < data.start_date:
        errors.append(("end_date", _("The action ends before it starts.")))
    if data.start_date <= today():
        errors.append(("start_date", _("The action starts in the future: after %(today)s.",
                                       today=formatting.day(today()))))
    for name, value in (("start_date", data.start_date), ("end_date", data.end_date)):
        if not window[0] <= value <= window[1]:
            errors.append((name, _("%(date)s lies outside the period of this call's actions (%(period)s), "
                                   "within the project's period.", date=formatting.day(value),
                                   period=formatting.date_range(*window))))
    return errors


def _check_estimates(data: ApplicationData, call: FundCall) -> tuple[list[tuple[str, str]], dict]:
    fund, errors, amounts = call.fund, [], {}
    eligible = fund.eligible
    labels = ", ".join(t.label for t in eligible)
    for key, amount in data.estimates.items():
        try:
            kind = CostType(key)
        except ValueError:
            errors.append(("estimates", _("'%(type)s' is not a cost type of the fund; eligible are: %(types)s.",
                                          type=str(key)[:40], types=labels)))
            continue
        if kind is CostType.STAFF:
            errors.append(("estimates", _("Staff costs are not eligible: the fund pays bus hire, accommodation "
                                          "and the organisation of the event.")))
        elif kind not in eligible:
            errors.append(("estimates", _("%(type)s is not eligible in this fund; eligible are: %(types)s.",
                                          type=kind.label, types=labels)))
        elif amount is not None and amount < 0:
            errors.append(("estimates", _("An estimate is not negative.")))
        elif amount:
            amounts[kind] = amount
    total = sum(amounts.values(), ZERO)
    if not errors and not amounts:
        errors.append(("estimates", _("Estimate the cost of at least one eligible cost type.")))
    if total > fund.max_per_action:
        errors.append(("estimates", _("The estimate (%(total)s) is more than the maximum of %(max)s per action.",
                                      total=formatting.money(total), max=formatting.money(fund.max_per_action))))
    return errors, amounts


def _check_counterparts(data: ApplicationData) -> list[tuple[str, str]]:
    errors = []
    named = [c for c in data.counterparts if (c.name or "").strip()]
    for c in named:
        if c.country not in COUNTRIES:
            errors.append(("counterparts", _("Choose the country of %(name)s.", name=c.name.strip()[:80])))
        if _org_type(c.org_type) is None:
            errors.append(("counterparts", _("Choose the type of organisation of %(name)s.", name=c.name.strip()[:80])))
        if len(c.name) > 200:
            errors.append(("counterparts", _("At most %(limit)s characters.", limit=formatting.number(200))))
        if c.name.strip().casefold() == (data.org_name or "").strip().casefold():
            errors.append(("counterparts", _("A counterpart is another organisation than your own.")))
    other = other_country(data.org_country)
    if other and not any(c.country == other for c in named):
        country = {"BE": _("Belgium"), "NL": _("the Netherlands")}[other]
        errors.append(("counterparts", _("A cross-border action: name at least one organisation from %(country)s "
                                         "(the other side of the border) as counterpart.", country=country)))
    return errors


def validate(data: ApplicationData, call: FundCall) -> tuple[list[tuple[str, str]], dict[CostType, Decimal]]:
    """Every rule a proposal must meet: (field, message) for each problem, and the estimates that count."""
    errors = _check_texts(data) + _check_dates(data, call)
    if data.expected_participants is None or not 1 <= data.expected_participants <= MAX_PARTICIPANTS:
        errors.append(("expected_participants", _("Expected participants: a whole number from 1 to %(max)s.",
                                                  max=formatting.number(MAX_PARTICIPANTS))))
    estimate_errors, amounts = _check_estimates(data, call)
    return errors + estimate_errors + _check_counterparts(data), amounts


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the link, its hash to store): 256 random bits."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def submit(actor: Actor, call: FundCall, data: ApplicationData) -> tuple[FundAction, str]:
    """Submit a proposal to an open call, without an account. Returns the action and the token of its
    private status link (shown once; only its hash is kept)."""
    audit.serialise()
    if not is_open(call):
        raise DomainError(_("This call is not open: it is open from %(opens)s to %(closes)s.",
                            opens=formatting.day(call.opens_on), closes=formatting.day(call.closes_on)))
    errors, amounts = validate(data, call)
    if errors:
        raise InvalidApplication(errors)
    fund = call.fund
    number = (db.session.scalar(select(func.max(FundAction.number)).where(FundAction.fund_id == fund.id)) or 0) + 1
    token, hashed = new_token()
    action = FundAction(
        fund_id=fund.id, call_id=call.id, project_id=fund.project_id, number=number,
        org_name=data.org_name.strip(), org_type=OrgType(data.org_type), org_country=data.org_country,
        org_city=data.org_city.strip(), contact_name=data.contact_name.strip(),
        contact_email=data.contact_email.strip().lower(), contact_phone=(data.contact_phone or "").strip(),
        title=data.title.strip(), description=data.description.strip(), start_date=data.start_date,
        end_date=data.end_date, expected_participants=data.expected_participants,
        requested_amount=sum(amounts.values(), ZERO), submitted_at=utcnow(), token_hash=hashed)
    db.session.add(action)
    db.session.flush()
    db.session.add_all(FundEstimate(action_id=action.id, cost_type=kind, amount=amount)
                       for kind, amount in amounts.items())
    db.session.add_all(FundCounterpart(action_id=action.id, name=c.name.strip(), country=c.country,
                                       org_type=OrgType(c.org_type)) for c in data.counterparts if c.name.strip())
    db.session.flush()
    db.session.refresh(action)
    # The event names the organisations and the money, not the contact person (personal data).
    record(actor, None, action, "fund.application_submitted", after={
        "call": call.code, "number": number, "title": action.title, "organisation": action.org_name,
        "country": action.org_country, "org_type": action.org_type, "start_date": action.start_date,
        "end_date": action.end_date, "participants": action.expected_participants,
        "estimates": {k.value: v for k, v in amounts.items()}, "requested": action.requested_amount,
        "counterparts": [{"name": c.name, "country": c.country} for c in action.counterparts]})
    return action, token


def action_for_token(token: str) -> FundAction:
    """The action whose private status link this is; 404 for anything else, or a revoked link."""
    if not token or len(token) > 100:
        raise NotFound()
    action = db.session.scalar(select(FundAction).where(FundAction.token_hash == token_hash(token)))
    if action is None or action.token_revoked_at is not None:
        raise NotFound()
    return action
