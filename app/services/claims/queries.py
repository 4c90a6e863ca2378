"""What the claim pages read: the list of a project's claims and everything the page of one claim shows,
each scoped to what the user may see."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from ...extensions import db
from ...models import Claim, ClaimLine, Expenditure, ExpenditureDocument, Partner, Project, User
from ...models.claim import FINAL_STATES
from ...permissions import can_prepare_claim, four_eyes_problem, scoped, visible_partner_ids
from .. import history
from ..expenditures.duplicates import duplicates_of
from ..paging import Key, Page, keyset
from .figures import ClaimFigures, figures
from .preparation import claimable_expenditures


@dataclass
class ClaimRow:
    claim: Claim
    declared: Decimal | None
    lines: int


CLAIMS_PAGE = 100
CLAIM_KEYS = [Key(Partner.number), Key(Claim.period_id), Key(Claim.id)]


@dataclass
class ClaimList:
    rows: list[ClaimRow]
    page: Page


def claim_rows(user: User, project: Project, after: str | None = None, before: str | None = None,
               position: str | None = None) -> ClaimList:
    """One page of the project's claims the user may see (by partner, period, id), with their declared
    total and line count summed over the lines of this page's claims only."""
    query = scoped(select(Claim).join(Partner, Claim.partner_id == Partner.id)
                   .where(Claim.project_id == project.id), Claim.partner_id, user, project)
    query = query.options(contains_eager(Claim.partner), joinedload(Claim.period))
    page = keyset(lambda q: list(db.session.scalars(q)), query, CLAIM_KEYS,
                  lambda c: (c.partner.number, c.period_id, c.id), CLAIMS_PAGE, after, before, position)
    ids = [c.id for c in page.rows]
    sums = {cid: (declared, lines) for cid, declared, lines in db.session.execute(
        select(ClaimLine.claim_id, func.sum(ClaimLine.declared_amount), func.count())
        .where(ClaimLine.claim_id.in_(ids)).group_by(ClaimLine.claim_id))} if ids else {}
    return ClaimList([ClaimRow(c, *sums.get(c.id, (None, 0))) for c in page.rows], page)


@dataclass
class ClaimPage:
    lines: list[ClaimLine]
    fig: ClaimFigures
    evidence: dict[int, int]  # expenditure id -> number of evidence files
    without_evidence: list[int]
    claimable: list[Expenditure]
    claimable_duplicates: dict[int, list]
    verifier_problem: str | None
    warnings: list[str]
    refusals: list[str]
    basis: str  # 'declared' or 'certified': what the cumulative column counts
    history: list[history.Entry] = field(default_factory=list)


def claim_page(user: User, claim: Claim) -> ClaimPage:
    project = claim.partner.project
    scope = visible_partner_ids(user, project)
    lines = list(db.session.scalars(
        select(ClaimLine).join(Expenditure).where(ClaimLine.claim_id == claim.id)
        .options(contains_eager(ClaimLine.expenditure).joinedload(Expenditure.category))
        .order_by(Expenditure.category_id, Expenditure.payment_date, Expenditure.id)))
    fig = figures(claim, scope)
    evidence = dict(db.session.execute(
        select(ExpenditureDocument.expenditure_id, func.count()).join(
            ClaimLine, ClaimLine.expenditure_id == ExpenditureDocument.expenditure_id)
        .where(ClaimLine.claim_id == claim.id).group_by(ExpenditureDocument.expenditure_id)).all())
    claimable = claimable_expenditures(claim) if can_prepare_claim(user, claim) else []
    basis = "certified" if claim.status in FINAL_STATES else "declared"
    warnings, refusals = fig.warnings(basis)
    return ClaimPage(
        lines=lines, fig=fig, evidence=evidence,
        without_evidence=[line.expenditure_id for line in lines if line.expenditure_id not in evidence],
        claimable=claimable,
        claimable_duplicates=duplicates_of(project.id, [e.id for e in claimable], scope) if claimable else {},
        verifier_problem=four_eyes_problem(user, claim), warnings=warnings, refusals=refusals, basis=basis,
        history=history.of_object(project.id, "claim", claim.id))
