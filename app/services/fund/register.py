"""The register of the fund's actions as plain data (numbers, dates, labels): the register page shows it,
and a statement builder in reports/ can take it as it is (no ORM objects, no Flask in the dataclasses).

Personal data (the applicant's contact person) is filled in only where the user may see it: every action for
the fund's finance officers, admins and auditors (permissions.can_see_applicant_data), the actions it pays for
for the managing partner's users (permissions.can_see_payment_contact, as on the action's page); for every
other partner those fields are None. The register statement (reports/statements/fund_register.py) is made
from the same data, so the page and the files follow one rule. The fund's totals always
cover the whole fund; the listed totals cover the rows the filters keep."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ...errors import NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import ActionStatus, Fund, FundAction, FundCall, FundOverrun, OrgType, Project, User
from ...models.fund import COMMITTED_STATES
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import (
    can_see_applicant_data,
    can_see_fund,
    can_see_payment_contact,
    is_managing_partner_user,
)
from ..paging import Key, Page, keyset
from .common import fund_figures, fund_of, overruns_by_action, paid_by_action


@dataclass(frozen=True)
class RegisterFilters:
    status: str | None = None
    call_id: int | None = None
    country: str | None = None
    org_type: str | None = None

    @classmethod
    def parse(cls, status=None, call_id=None, country=None, org_type=None) -> RegisterFilters:
        """Filters from a query string; anything unknown is no filter (never an error)."""
        return cls(status if status in {s.value for s in ActionStatus} else None,
                   call_id if isinstance(call_id, int) else None,
                   country if country in ("BE", "NL") else None,
                   org_type if org_type in {t.value for t in OrgType} else None)


@dataclass(frozen=True)
class RegisterRow:
    action_id: int
    reference: str
    call: str
    title: str
    organisation: str
    org_type: str  # label
    country: str  # BE or NL
    counterparts: str  # "Name (NL), Name (BE)"
    status: str  # label
    status_code: str
    submitted_on: date
    start_date: date
    end_date: date
    meeting_date: date | None
    expected_participants: int
    participants_reached: int | None
    requested: Decimal
    approved: Decimal  # approved amount plus overrun decisions; 0 when not approved
    paid: Decimal
    released: Decimal
    committed: Decimal  # approved - released
    to_pay: Decimal  # committed - paid
    contact_name: str | None  # personal data: None for users who may not see it
    contact_email: str | None
    org_type_code: str = ""


@dataclass(frozen=True)
class ListedTotals:
    """Sums of the listed rows."""

    actions: int
    requested: Decimal
    approved: Decimal
    paid: Decimal
    released: Decimal
    committed: Decimal
    to_pay: Decimal
    expected_participants: int
    participants_reached: int


@dataclass(frozen=True)
class FundTotals:
    """The whole fund: ceiling = committed + available; committed = paid + to pay; approved = committed +
    released."""

    ceiling: Decimal
    approved: Decimal
    committed: Decimal
    paid: Decimal
    to_pay: Decimal
    released: Decimal
    available: Decimal
    participants_reached: int  # reported by the actions that sent their final report
    actions_by_status: tuple[tuple[str, str, int], ...]  # (status code, label, count)


@dataclass(frozen=True)
class FundRegister:
    project_code: str
    project_name: str
    fund_name: str
    managing_partner: str
    max_per_action: Decimal
    generated_at: datetime
    filters: tuple[tuple[str, str], ...]  # (label, value) of the filters in force
    personal_data: bool  # whether contact_name / contact_email are filled in (for all rows, or some)
    rows: tuple[RegisterRow, ...]
    listed: ListedTotals
    fund: FundTotals
    page: Page | None = None  # the position of the rows when the register is paged (the page), else None


def _filters_text(filters: RegisterFilters, calls: dict[int, FundCall]) -> tuple[tuple[str, str], ...]:
    shown = []
    if filters.status:
        shown.append((_("Status"), ActionStatus(filters.status).label))
    if filters.call_id in calls:
        shown.append((_("Call"), f"{calls[filters.call_id].code} {calls[filters.call_id].title}"))
    if filters.country:
        shown.append((_("Country"), filters.country))
    if filters.org_type:
        shown.append((_("Type of organisation"), OrgType(filters.org_type).label))
    return tuple(shown)


def _row(a: FundAction, paid: Decimal, overrun: Decimal, personal: bool) -> RegisterRow:
    """One action; ``personal``: whether the reader may see its contact person."""
    approved = (a.approved_amount + overrun) if a.status in COMMITTED_STATES else ZERO
    released = a.released_amount or ZERO
    return RegisterRow(
        action_id=a.id, reference=a.reference, call=a.call.code, title=a.title, organisation=a.org_name,
        org_type=a.org_type.label, country=a.org_country,
        counterparts=", ".join(f"{c.name} ({c.country})" for c in a.counterparts), status=a.status.label,
        status_code=a.status.value, submitted_on=a.submitted_at.date(), start_date=a.start_date,
        end_date=a.end_date, meeting_date=a.meeting_date, expected_participants=a.expected_participants,
        participants_reached=a.participants_reached, requested=a.requested_amount, approved=approved, paid=paid,
        released=released, committed=approved - released, to_pay=approved - released - paid,
        contact_name=a.contact_name if personal else None, contact_email=a.contact_email if personal else None,
        org_type_code=a.org_type.value)


ACTIONS_PAGE = 100
ACTION_KEYS = [Key(FundAction.number)]


def fund_register(user: User, project: Project, filters: RegisterFilters | None = None,
                  paging: dict | None = None) -> FundRegister:
    """The register of the project's fund for this user (404 without a fund or a role in the project).
    ``paging``: one page of rows (keyset on the action number: after, before, position) instead of all."""
    fund = fund_of(project.id)
    if fund is None or not can_see_fund(user, project):
        raise NotFound()
    return register_data(fund, filters or RegisterFilters(), personal=personal_data_rule(user, fund),
                         paging=paging)


def personal_data_rule(user: User, fund: Fund) -> bool | Callable[[FundAction], bool]:
    """Whose contact persons the user may see in the register: all (True), those of the actions the user's
    partner pays for (the managing partner: a predicate per action), or none (False)."""
    if can_see_applicant_data(user, fund.project):
        return True
    if is_managing_partner_user(user, fund):
        return lambda action: can_see_payment_contact(user, action)
    return False


def _conditions(fund: Fund, filters: RegisterFilters) -> list:
    where = [FundAction.fund_id == fund.id]
    if filters.status:
        where.append(FundAction.status == ActionStatus(filters.status))
    if filters.call_id:
        where.append(FundAction.call_id == filters.call_id)
    if filters.country:
        where.append(FundAction.org_country == filters.country)
    if filters.org_type:
        where.append(FundAction.org_type == OrgType(filters.org_type))
    return where


def listed_totals(where: list) -> ListedTotals:
    """The sums of every row the filters keep, by SQL aggregates (whatever the page shows)."""
    committed = FundAction.status.in_(COMMITTED_STATES)
    n, requested, approved, released, expected, reached = db.session.execute(select(
        func.count(), func.coalesce(func.sum(FundAction.requested_amount), ZERO),
        func.coalesce(func.sum(case((committed, FundAction.approved_amount), else_=None)), ZERO),
        func.coalesce(func.sum(FundAction.released_amount), ZERO),
        func.coalesce(func.sum(FundAction.expected_participants), 0),
        func.coalesce(func.sum(FundAction.participants_reached), 0)).where(*where)).one()
    overrun = db.session.scalar(select(func.coalesce(func.sum(FundOverrun.amount), ZERO))
                                .join(FundAction, FundOverrun.action_id == FundAction.id).where(*where, committed))
    paid = sum(paid_by_action(select(FundAction.id).where(*where)).values(), ZERO)
    approved = approved + overrun
    return ListedTotals(n, requested, approved, paid, released, approved - released, approved - released - paid,
                        int(expected), int(reached))


def register_data(fund: Fund, filters: RegisterFilters, personal: bool | Callable[[FundAction], bool],
                  paging: dict | None = None) -> FundRegister:
    """The register as plain data, in a fixed number of queries. ``personal``: True (every contact person),
    False (none), or a predicate per action. ``paging``: a page of actions (keyset), or None for all."""
    calls = {c.id: c for c in db.session.scalars(select(FundCall).where(FundCall.fund_id == fund.id))}
    where = _conditions(fund, filters)
    query = select(FundAction).where(*where).options(joinedload(FundAction.call))
    page = None
    if paging is None:
        actions = list(db.session.scalars(query.order_by(FundAction.number)).unique())
    else:
        page = keyset(lambda q: list(db.session.scalars(q).unique()), query, ACTION_KEYS, lambda a: (a.number,),
                      ACTIONS_PAGE, **paging)
        actions = page.rows
    ids = [a.id for a in actions]
    paid, overruns = (paid_by_action(ids), overruns_by_action(ids)) if ids else ({}, {})
    shown = personal if callable(personal) else (lambda _action: personal)
    rows = tuple(_row(a, paid.get(a.id, ZERO), overruns.get(a.id, ZERO), bool(shown(a))) for a in actions)
    listed = listed_totals(where)
    figures = fund_figures(fund)
    counts = Counter(dict(db.session.execute(select(FundAction.status, func.count())
                                             .where(FundAction.fund_id == fund.id).group_by(FundAction.status)).all()))
    reached = db.session.scalar(select(db.func.coalesce(db.func.sum(FundAction.participants_reached), 0))
                                .where(FundAction.fund_id == fund.id)) or 0
    totals = FundTotals(figures.ceiling, figures.approved, figures.committed, figures.paid, figures.to_pay,
                        figures.released, figures.available, int(reached),
                        tuple((s.value, s.label, counts.get(s, 0)) for s in ActionStatus))
    project = fund.project
    return FundRegister(project.code, project.name, fund.name, fund.managing_partner.label, fund.max_per_action,
                        utcnow(), _filters_text(filters, calls), bool(personal), rows, listed, totals, page)
