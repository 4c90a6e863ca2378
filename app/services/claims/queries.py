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
from ..expenditures.duplicates import duplicates_of
from ..paging import Key, Page, keyset
from .figures import ClaimFigures, figures
from .lines import HistoryPage, LineFilter, duplicates_in, free_page, history_page, line_page
from .preparation import claimable_query


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
    lines: list[ClaimLine]  # the page of lines the filter keeps
    line_page: Page
    line_filter: LineFilter
    matching: int | None  # lines that pass the filter (None: no filter, all fig.line_count)
    fig: ClaimFigures
    evidence: dict[int, int]  # expenditure id -> number of evidence files (the page's lines)
    without_evidence: list[int]  # the first of the lines without evidence
    without_evidence_count: int
    claimable: list[Expenditure]
    claimable_page: Page | None
    claimable_search: str
    claimable_duplicates: dict[int, list]
    duplicates: dict[int, list[int]]  # possible double financing: expenditure -> the others with its invoice
    duplicates_counted: bool  # over the whole claim (until it is final), not only the page's lines
    verifier_problem: str | None
    warnings: list[str]
    refusals: list[str]
    basis: str  # 'declared' or 'certified': what the cumulative column counts
    history: HistoryPage
    categories: list[tuple[int, str]] = field(default_factory=list)


SHOWN_WITHOUT_EVIDENCE = 20


def claim_page(user: User, claim: Claim, line_filter: LineFilter | None = None, lines_at: dict | None = None,
               free_at: dict | None = None, free_search: str = "", history_at: dict | None = None) -> ClaimPage:
    """What the page of one claim shows, in a fixed number of queries whatever the number of lines: a page of
    lines (filtered), the figures and duplicates by SQL aggregates, a page of free expenditures of a draft,
    and a page of the history."""
    project = claim.partner.project
    scope = visible_partner_ids(user, project)
    line_filter = line_filter or LineFilter()
    page, matching = line_page(claim, line_filter, scope, **(lines_at or {}))
    lines = page.rows
    fig = figures(claim, scope)
    ids = [line.expenditure_id for line in lines]
    # while the claim is worked on, every line's possible double financing is counted (the verifier confirms
    # each); once it is final, the page's lines are flagged and the filter finds the others
    counted = claim.status not in FINAL_STATES
    duplicates = duplicates_in(claim, scope, None if counted else ids) if counted or ids else {}
    evidence = dict(db.session.execute(
        select(ExpenditureDocument.expenditure_id, func.count()).where(ExpenditureDocument.expenditure_id.in_(ids))
        .group_by(ExpenditureDocument.expenditure_id)).all()) if ids else {}
    documented = select(ExpenditureDocument.id).where(ExpenditureDocument.expenditure_id == ClaimLine.expenditure_id)
    bare = select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id, ~documented.exists())
    without = list(db.session.scalars(bare.order_by(ClaimLine.expenditure_id).limit(SHOWN_WITHOUT_EVIDENCE)))
    without_count = db.session.scalar(select(func.count()).select_from(bare.subquery()))
    free, claimable = None, []
    if can_prepare_claim(user, claim):
        free = free_page(claimable_query(claim), free_search, **(free_at or {}))
        claimable = free.rows
    basis = "certified" if claim.status in FINAL_STATES else "declared"
    warnings, refusals = fig.warnings(basis)
    return ClaimPage(
        lines=lines, line_page=page, line_filter=line_filter, matching=matching, fig=fig, evidence=evidence,
        without_evidence=without, without_evidence_count=without_count or 0,
        claimable=claimable, claimable_page=free, claimable_search=free_search,
        claimable_duplicates=duplicates_of(project.id, [e.id for e in claimable], scope) if claimable else {},
        duplicates=duplicates, duplicates_counted=counted,
        verifier_problem=four_eyes_problem(user, claim), warnings=warnings, refusals=refusals, basis=basis,
        history=history_page(claim, **(history_at or {})),
        categories=[(r.category_id, r.name) for r in fig.rows if r.flat_rate is None])
