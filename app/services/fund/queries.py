"""What the fund's pages read, each scoped to what the user (or the anonymous visitor) may see."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...errors import NotFound
from ...extensions import db
from ...models import Claim, ClaimLine, Expenditure, Fund, FundAction, FundCall, FundOverrun, Project, User
from ...permissions import can_see_assessment, can_see_fund_action, can_see_payment_contact
from .. import history
from .applications import is_open
from .assessment import Assessment, assessments, declaration_of
from .common import FundFigures, commitment_of, fund_figures, fund_of, paid_for, today
from .public import Exchange, exchanges, report_documents


def open_calls() -> list[FundCall]:
    """Calls open today, of every fund, for the public start page."""
    on = today()
    return list(db.session.scalars(select(FundCall).where(FundCall.opens_on <= on, FundCall.closes_on >= on)
                                   .options(joinedload(FundCall.fund).joinedload(Fund.project))
                                   .order_by(FundCall.closes_on, FundCall.id)))


def open_call_or_404(call_id: int) -> FundCall:
    """A call an anonymous visitor may apply to: it exists and is open today."""
    call = db.session.get(FundCall, call_id)
    if call is None or not is_open(call):
        raise NotFound()
    return call


def calls_of(fund: Fund) -> list[FundCall]:
    return list(db.session.scalars(select(FundCall).where(FundCall.fund_id == fund.id)
                                   .order_by(FundCall.opens_on.desc(), FundCall.id.desc())))


def action_or_404(user: User, project: Project, action_id: int) -> FundAction:
    action = db.session.get(FundAction, action_id)
    if action is None or action.project_id != project.id or not can_see_fund_action(user, action):
        raise NotFound()
    return action


@dataclass
class FundPage:
    fund: Fund
    figures: FundFigures
    calls: list[FundCall]


def fund_page(project: Project) -> FundPage | None:
    fund = fund_of(project.id)
    return None if fund is None else FundPage(fund, fund_figures(fund), calls_of(fund))


@dataclass
class InvoiceLine:
    expenditure: Expenditure
    claim: Claim | None  # the claim it is in, if any


@dataclass
class ActionPage:
    action: FundAction
    commitment: Decimal
    paid: Decimal
    invoices: list[InvoiceLine]
    overruns: list[FundOverrun]
    show_contact: bool
    show_assessment: bool
    assessments: list[Assessment] = field(default_factory=list)
    own_declaration: object | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    report_documents: list = field(default_factory=list)
    history: list[history.Entry] = field(default_factory=list)

    @property
    def to_pay(self) -> Decimal:
        return self.commitment - (self.action.released_amount or 0) - self.paid


def action_page(user: User, action: FundAction) -> ActionPage:
    rows = db.session.execute(
        select(Expenditure, Claim).outerjoin(ClaimLine, ClaimLine.expenditure_id == Expenditure.id)
        .outerjoin(Claim, Claim.id == ClaimLine.claim_id)
        .where((Expenditure.fund_action_id == action.id) | Expenditure.corrects_id.in_(
            select(Expenditure.id).where(Expenditure.fund_action_id == action.id)))
        .order_by(Expenditure.payment_date, Expenditure.id)).all()
    by_expenditure: dict[int, InvoiceLine] = {}
    for exp, claim in rows:  # a line parked in one claim and taken into a later one: show the later claim
        by_expenditure[exp.id] = InvoiceLine(exp, claim)
    invoices = list(by_expenditure.values())
    page = ActionPage(action, commitment_of(action), paid_for(action), invoices,
                      list(db.session.scalars(select(FundOverrun).where(FundOverrun.action_id == action.id)
                                              .order_by(FundOverrun.id))),
                      show_contact=can_see_payment_contact(user, action),
                      show_assessment=can_see_assessment(user, action.project))
    if page.show_assessment:
        page.assessments = assessments(action)
        page.own_declaration = declaration_of(user, action)
        page.exchanges = exchanges(action)
        page.report_documents = report_documents(action)
        page.history = history.of_object(action.project_id, "fund_action", action.id)
    return page
