"""The portfolio overview: every project a user manages or audits, side by side, with its own funding
sources. Figures as each project's financial report computes them at the date (app/services/statements/
project.py), from grouped SQL over all the projects at once: the number of statements does not grow with
the number of projects or claims (the claims still in verification are summed per line, their flat rates
computed per claim in Python, as the claim's own figures do)."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from reports.statements.data import absorption
from reports.statements.portfolio import Portfolio, PortfolioRow, SourceShare

from ...extensions import db
from ...models import (
    BudgetLine,
    Claim,
    ClaimCategoryTotal,
    ClaimFundingShare,
    ClaimLine,
    ClaimStatus,
    CostCategory,
    FinancialCorrection,
    FundingKind,
    FundingSource,
    LineStatus,
    Partner,
    Programme,
    Project,
    ProjectFundingSource,
    ReportingPeriod,
    User,
)
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import portfolio_project_ids
from .. import audit
from ..admin.versions import totals_on
from ..audit import Actor
from ..claims.figures import flat_rate_amounts
from ..statements.anchor import anchor
from ..statements.project import end_of_day

REPORTING_WINDOW = timedelta(days=90)  # a period's claims are due within 90 days after its end
WAITING = (ClaimStatus.SUBMITTED, ClaimStatus.IN_VERIFICATION)
__all__ = ["ZERO", "SORTS", "absorption", "portfolio", "statement", "record_download"]
SORTS = ("code", "name", "budget", "declared", "certified", "paid", "absorption", "deadline", "waiting")


def _sum_by_project(*columns, where, joins=()):
    query = select(Claim.project_id, *(func.sum(c) for c in columns)).select_from(ClaimCategoryTotal)
    query = query.join(Claim, ClaimCategoryTotal.claim_id == Claim.id)
    return {pid: values for pid, *values in db.session.execute(query.where(*where).group_by(Claim.project_id))}


def _live_declared(ids: list[int], end) -> dict[int, Decimal]:
    """Per project: what the claims submitted by the date and not yet certified declare (parked lines left
    out, flat rates computed on the claim's category totals), as their figures show it."""
    lines = db.session.execute(
        select(Claim.id, Claim.project_id, Claim.partner_id, ClaimLine.category_id,
               func.sum(ClaimLine.declared_amount))
        .join(ClaimLine, ClaimLine.claim_id == Claim.id)
        .where(Claim.project_id.in_(ids), Claim.submitted_at < end, Claim.certified_total.is_(None),
               Claim.status.in_(WAITING), ClaimLine.status != LineStatus.PARKED)
        .group_by(Claim.id, Claim.project_id, Claim.partner_id, ClaimLine.category_id)).all()
    if not lines:
        return {}
    claims: dict[int, tuple[int, int, dict[int, Decimal]]] = {}
    for claim_id, project_id, partner_id, category_id, amount in lines:
        claims.setdefault(claim_id, (project_id, partner_id, {}))[2][category_id] = amount
    partners = {p.id: p for p in db.session.scalars(select(Partner).options(selectinload(Partner.flat_rates))
                                                     .where(Partner.id.in_({c[1] for c in claims.values()})))}
    kinds: dict[int, dict] = defaultdict(dict)
    for cid, project_id, kind in db.session.execute(select(CostCategory.id, CostCategory.project_id,
                                                           CostCategory.kind).where(CostCategory.project_id.in_(ids))):
        kinds[project_id][cid] = kind
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for project_id, partner_id, declared in claims.values():
        flat = flat_rate_amounts(partners[partner_id], declared, kinds[project_id])
        real = sum((v for cid, v in declared.items() if cid not in flat), ZERO)
        result[project_id] += real + sum(flat.values(), ZERO)
    return result


def portfolio(user: User, at: date, sort: str = "code", descending: bool = False) -> list[PortfolioRow]:
    """The user's projects (admin, finance officer or auditor; see permissions.portfolio_project_ids) at
    the date, sorted by ``sort`` (one of SORTS)."""
    ids = sorted(portfolio_project_ids(user))
    if not ids:
        return []
    end = end_of_day(at)
    projects = db.session.execute(select(Project.id, Project.code, Project.name, Programme.name)
                                  .join(Programme, Project.programme_id == Programme.id)
                                  .where(Project.id.in_(ids))).all()
    budget = dict(db.session.execute(
        select(Partner.project_id, func.sum(BudgetLine.amount)).join(Partner, BudgetLine.partner_id == Partner.id)
        .where(Partner.project_id.in_(ids)).group_by(Partner.project_id)).all())
    fund_budget = dict(db.session.execute(
        select(Partner.project_id, func.sum(FundingSource.amount)).join(Partner, FundingSource.partner_id == Partner.id)
        .where(Partner.project_id.in_(ids), FundingSource.kind == FundingKind.EFRO).group_by(Partner.project_id)).all())
    for pid, (total, fund) in totals_on(ids, at).items():  # the version in force on the date (modifications)
        budget[pid], fund_budget[pid] = total, fund
    in_ids = Claim.project_id.in_(ids)
    declared = _sum_by_project(ClaimCategoryTotal.declared, where=[in_ids, Claim.submitted_at < end])
    certified = _sum_by_project(ClaimCategoryTotal.certified, ClaimCategoryTotal.efro,
                                where=[in_ids, Claim.certified_at < end])
    paid = _sum_by_project(ClaimCategoryTotal.efro, where=[in_ids, Claim.paid_at < end])
    corrected = dict(db.session.execute(  # absorption is net of the corrections (app/services/corrections/net.py)
        select(FinancialCorrection.project_id, func.sum(FinancialCorrection.total))
        .where(FinancialCorrection.project_id.in_(ids), FinancialCorrection.booked_at < end)
        .group_by(FinancialCorrection.project_id)).all())
    live = _live_declared(ids, end)
    sources = defaultdict(list)
    for source in db.session.scalars(select(ProjectFundingSource).where(ProjectFundingSource.project_id.in_(ids))
                                     .order_by(ProjectFundingSource.project_id, ProjectFundingSource.position)):
        sources[source.project_id].append(source)

    def shares(condition):
        return dict(db.session.execute(
            select(ClaimFundingShare.source_id, func.sum(ClaimFundingShare.amount))
            .join(Claim, ClaimFundingShare.claim_id == Claim.id).where(in_ids, condition)
            .group_by(ClaimFundingShare.source_id)).all())

    source_certified, source_paid = shares(Claim.certified_at < end), shares(Claim.paid_at < end)
    deadlines = dict(db.session.execute(
        select(ReportingPeriod.project_id, func.min(ReportingPeriod.end_date))
        .where(ReportingPeriod.project_id.in_(ids), ReportingPeriod.end_date >= at - REPORTING_WINDOW)
        .group_by(ReportingPeriod.project_id)).all())
    waiting = dict(db.session.execute(
        select(Claim.project_id, func.count()).where(in_ids, Claim.status.in_(WAITING))
        .group_by(Claim.project_id)).all())
    rows = []
    for pid, code, name, programme in projects:
        cert, fund = certified.get(pid, (ZERO, ZERO))
        rows.append(PortfolioRow(
            code=code, name=name, programme=programme, budget=budget.get(pid) or ZERO,
            fund_budget=fund_budget.get(pid) or ZERO,
            declared=(declared.get(pid, (ZERO,))[0] or ZERO) + live.get(pid, ZERO), certified=cert or ZERO,
            certified_fund=fund or ZERO, paid=paid.get(pid, (ZERO,))[0] or ZERO,
            sources=tuple(SourceShare(s.label, s.rate, s.ceiling, source_certified.get(s.id) or ZERO,
                                      source_paid.get(s.id) or ZERO) for s in sources[pid]),
            next_deadline=deadlines[pid] + REPORTING_WINDOW if pid in deadlines else None,
            waiting=waiting.get(pid, 0), corrected=corrected.get(pid) or ZERO))
    return sort_rows(rows, sort, descending)


def sort_rows(rows: list[PortfolioRow], sort: str, descending: bool) -> list[PortfolioRow]:
    """Sorted by one column (the project code breaking ties); projects without a value come last."""
    def value(row: PortfolioRow):
        v = {"code": row.code, "name": row.name.casefold(), "budget": row.budget, "declared": row.declared,
             "certified": row.certified, "paid": row.paid, "absorption": row.absorption,
             "deadline": row.next_deadline, "waiting": row.waiting}.get(sort, row.code)
        return v
    rows = sorted(rows, key=lambda r: r.code)
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=descending) + missing


def statement(user: User, at: date, generated_by: str, lang: str) -> Portfolio:
    """The portfolio's data in the statement's language (the names of the funding sources are read in it), which
    need not be the language of the user's pages."""
    with force_locale(lang):
        return Portfolio(at=at, generated_at=utcnow(), generated_by=generated_by, anchor=anchor(),
                         rows=portfolio(user, at))


def record_download(actor: Actor, user: User, fmt: str, lang: str, at: date, filename: str, content: bytes) -> None:
    """A download of the portfolio statement is an event of the audit trail (of no single project)."""
    audit.record(actor, "statement.downloaded", role="", object_type="portfolio", object_id=user.id,
                 after={"statement": "portfolio", "format": fmt, "lang": lang, "at": at, "filename": filename,
                        "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)})
