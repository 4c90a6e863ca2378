"""What the dashboard at ``/`` reads for a signed-in user, per role in one project: a fixed number of grouped
SQL queries for each section, whatever the number of partners, claims or lines.

- finance officer: claims waiting for verification with their age, the budget's absorption, payments to book,
  possible double financing;
- partner: its budget and absorption per cost category, its claims and their status, what is missing (lines
  without evidence, periods without a submitted claim);
- auditor: recent events, the chain's last verification, statements to download;
- every role: the progress of the indicators the user may see (app/services/indicators/progress.py, the same
  aggregation as the project page and the progress report; a partner user: the indicators assigned to its
  partner).
A partner user's figures cover only its own partners (``visible_partner_ids``); nothing of another partner
is read for it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, exists, func, select

from reports.indicators.data import IndicatorProgress

from ...extensions import db
from ...models import (
    AuditEvent,
    Claim,
    ClaimStatus,
    CostCategory,
    Expenditure,
    ExpenditureDocument,
    ExpenditureStatus,
    Organisation,
    Partner,
    PartnerTransfer,
    PaymentRequest,
    Project,
    ReportingPeriod,
    Role,
    User,
)
from ...models.claim import FINAL_STATES
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import can_see_indicators, roles, visible_partner_ids
from .. import history
from ..budget import categories_of, periods_of
from ..indicators import progress as indicator_progress
from ..statements import jobs
from .figures import OPEN_STATES, Breakdown, Cumulative, breakdown, cumulative

RECENT_EVENTS, LIST_LIMIT = 8, 10


@dataclass
class WaitingClaim:
    id: int
    partner: str
    period: int
    status: ClaimStatus
    submitted_at: datetime | None
    age_days: int | None
    declared: Decimal


@dataclass
class RequestToBook:
    id: int
    number: int
    requested: Decimal
    received: Decimal | None
    transferred: Decimal

    @property
    def to_transfer(self) -> Decimal:
        return (self.received or ZERO) - self.transferred


@dataclass
class DuplicateGroup:
    supplier: str
    invoice_number: str
    lines: int
    partners: int
    first_id: int


@dataclass
class FinanceView:
    waiting: list[WaitingClaim]
    unrequested_claims: int
    unrequested_efro: Decimal
    receipts_to_book: list[RequestToBook]
    transfers_to_book: list[RequestToBook]
    duplicates: list[DuplicateGroup]  # the first groups, by supplier and invoice number
    more_duplicates: bool = False  # there are more groups than the list shows


@dataclass
class ClaimSummary:
    id: int
    partner: str
    period: int
    status: ClaimStatus
    submitted_at: datetime | None
    certified: Decimal | None


@dataclass
class Missing:
    id: int
    partner: str
    supplier: str
    invoice_number: str
    declared: Decimal


@dataclass
class OpenPeriod:
    partner: str
    period: ReportingPeriod
    claim_id: int | None
    status: ClaimStatus | None


@dataclass
class PartnerView:
    claims: list[ClaimSummary]
    without_evidence: list[Missing]
    without_evidence_count: int
    open_periods: list[OpenPeriod]


@dataclass
class AuditorView:
    events: list[history.Entry]
    event_count: int
    last_verification: datetime | None
    chain_ok: bool | None
    certified_claims: list[ClaimSummary]


@dataclass
class Dashboard:
    project: Project
    roles: set[Role]
    sees_all: bool
    partners: list[Partner]
    categories: list[CostCategory]
    periods: list[ReportingPeriod]
    figures: Breakdown
    over_time: list[Cumulative]
    finance: FinanceView | None = None
    partner: PartnerView | None = None
    auditor: AuditorView | None = None
    indicators: list[IndicatorProgress] = field(default_factory=list)


def _label(number, name) -> str:
    return f"PP{number} {name}"


def dashboard(user: User, project: Project) -> Dashboard:
    """Everything the dashboard shows of one project to this user, by the roles the user holds in it."""
    user_roles = roles(user, project)
    scope = visible_partner_ids(user, project)
    partners_q = select(Partner).where(Partner.project_id == project.id).order_by(Partner.number)
    if scope is not None:
        partners_q = partners_q.where(Partner.id.in_(scope))
    partners = list(db.session.scalars(partners_q))
    periods = periods_of(project)
    data = breakdown(project, scope)
    board = Dashboard(project, user_roles, scope is None, partners, categories_of(project), periods, data,
                      cumulative(periods, data))
    if Role.FINANCE in user_roles:
        board.finance = finance_view(project, data)
    if Role.PARTNER in user_roles and scope:
        board.partner = partner_view(project, scope, periods)
    if Role.AUDITOR in user_roles:
        board.auditor = auditor_view(project)
    if can_see_indicators(user, project):
        board.indicators = indicator_progress.progress(user, project)
    return board


def _age(moment: datetime | None, now: datetime) -> int | None:
    return (now - moment).days if moment else None


def finance_view(project: Project, data: Breakdown) -> FinanceView:
    """``data``: the project's breakdown (a finance officer's covers every partner), whose sums of the waiting
    claims' lines give each waiting claim its declared total."""
    now = utcnow()
    waiting_q = (select(Claim.id, Partner.number, Organisation.name, ReportingPeriod.number, Claim.status,
                        Claim.submitted_at)
                 .join(Partner, Claim.partner_id == Partner.id).join(Organisation)
                 .join(ReportingPeriod, Claim.period_id == ReportingPeriod.id)
                 .where(Claim.project_id == project.id, Claim.status.in_(OPEN_STATES))
                 .order_by(Claim.submitted_at, Claim.id))
    waiting = [WaitingClaim(cid, _label(pn, name), period, status, at, _age(at, now), data.waiting.get(cid, ZERO))
               for cid, pn, name, period, status, at in db.session.execute(waiting_q)]

    unrequested, efro = db.session.execute(
        select(func.count(Claim.id), func.coalesce(func.sum(Claim.efro_total), ZERO))
        .where(Claim.project_id == project.id, Claim.status == ClaimStatus.CERTIFIED)).one()

    transferred = (select(PartnerTransfer.payment_request_id, func.sum(PartnerTransfer.amount).label("amount"))
                   .group_by(PartnerTransfer.payment_request_id).subquery())
    requests = [RequestToBook(rid, number, requested, received, done or ZERO)
                for rid, number, requested, received, done in db.session.execute(
                    select(PaymentRequest.id, PaymentRequest.number, PaymentRequest.amount_requested,
                           PaymentRequest.received_amount, transferred.c.amount)
                    .outerjoin(transferred, transferred.c.payment_request_id == PaymentRequest.id)
                    .where(PaymentRequest.project_id == project.id).order_by(PaymentRequest.number))]

    # possible double financing: the first groups by supplier and invoice (in key order, so that the database
    # reads the keys through their partial index and stops after the first groups), then what each holds
    counted = (Expenditure.project_id == project.id, Expenditure.status == ExpenditureStatus.ACTIVE,
               Expenditure.corrects_id.is_(None), Expenditure.dup_key != "")
    keys = (select(Expenditure.dup_key).where(*counted).group_by(Expenditure.dup_key)
            .having(func.count() > 1).order_by(Expenditure.dup_key).limit(LIST_LIMIT + 1))
    groups = db.session.execute(
        select(func.min(Expenditure.supplier), func.min(Expenditure.invoice_number), func.count(Expenditure.id),
               func.count(func.distinct(Expenditure.partner_id)), func.min(Expenditure.id))
        .where(*counted, Expenditure.dup_key.in_(keys.scalar_subquery()))
        .group_by(Expenditure.dup_key).order_by(Expenditure.dup_key)).all()
    duplicates = [DuplicateGroup(*row) for row in groups[:LIST_LIMIT]]
    return FinanceView(waiting, unrequested, efro,
                       [r for r in requests if r.received is None],
                       [r for r in requests if r.received is not None and r.to_transfer > 0],
                       duplicates, len(groups) > LIST_LIMIT)


def _claims(project: Project, where) -> list[ClaimSummary]:
    return [ClaimSummary(cid, _label(pn, name), period, status, at, certified)
            for cid, pn, name, period, status, at, certified in db.session.execute(
                select(Claim.id, Partner.number, Organisation.name, ReportingPeriod.number, Claim.status,
                       Claim.submitted_at, Claim.certified_total)
                .join(Partner, Claim.partner_id == Partner.id).join(Organisation)
                .join(ReportingPeriod, Claim.period_id == ReportingPeriod.id)
                .where(Claim.project_id == project.id, *where)
                .order_by(ReportingPeriod.number.desc(), Partner.number).limit(50))]


def partner_view(project: Project, partner_ids: set[int], periods: list[ReportingPeriod],
                 today: date | None = None) -> PartnerView:
    today = today or utcnow().date()
    claims = _claims(project, [Claim.partner_id.in_(partner_ids)])
    no_document = ~exists().where(ExpenditureDocument.expenditure_id == Expenditure.id)
    missing_where = and_(Expenditure.project_id == project.id, Expenditure.partner_id.in_(partner_ids),
                         Expenditure.status == ExpenditureStatus.ACTIVE, no_document)
    missing = [Missing(eid, _label(pn, name), supplier, invoice, declared)
               for eid, pn, name, supplier, invoice, declared in db.session.execute(
                   select(Expenditure.id, Partner.number, Organisation.name, Expenditure.supplier,
                          Expenditure.invoice_number, Expenditure.declared_amount)
                   .join(Partner, Expenditure.partner_id == Partner.id).join(Organisation)
                   .where(missing_where).order_by(Expenditure.id).limit(LIST_LIMIT))]
    missing_count = db.session.scalar(select(func.count(Expenditure.id)).where(missing_where)) or 0
    # the partner's names (for the open periods) and which periods already have a claim beyond a draft
    names = {pid: _label(pn, name) for pid, pn, name in db.session.execute(
        select(Partner.id, Partner.number, Organisation.name).join(Organisation).where(Partner.id.in_(partner_ids)))}
    claimed = {(pid, per): (cid, status) for cid, pid, per, status in db.session.execute(
        select(Claim.id, Claim.partner_id, Claim.period_id, Claim.status)
        .where(Claim.project_id == project.id, Claim.partner_id.in_(partner_ids)))}
    open_periods = []
    for pid in sorted(names, key=names.get):
        for period in periods:
            if period.start_date > today:
                continue
            cid, status = claimed.get((pid, period.id), (None, None))
            if status is None or status.editable:
                open_periods.append(OpenPeriod(names[pid], period, cid, status))
    return PartnerView(claims, missing, missing_count, open_periods)


def auditor_view(project: Project) -> AuditorView:
    events = history.entries(db.session.scalars(
        select(AuditEvent).where(AuditEvent.project_id == project.id)
        .order_by(AuditEvent.seq.desc()).limit(RECENT_EVENTS)))
    count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.project_id == project.id)) or 0
    latest = jobs.latest_verification(project)
    ok = None
    if latest is not None:
        ok = bool(latest.result and json.loads(latest.result).get("ok"))
    certified = _claims(project, [Claim.status.in_(FINAL_STATES)])[:LIST_LIMIT]
    return AuditorView(events, count, latest.finished_at if latest else None, ok, certified)
