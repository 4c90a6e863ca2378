"""What the expenditure pages read, scoped to the partners the user may see."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...errors import NotFound
from ...extensions import db
from ...i18n import gettext as _
from ...models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Expenditure,
    ExpenditureDocument,
    ExpenditureStatus,
    LineStatus,
    Partner,
    Project,
    User,
)
from ...money import ZERO
from ...permissions import require_partner, scoped, visible_partner_ids
from .. import history
from ..paging import Key, Page, keyset
from ..payments.actions import retention_until
from .duplicates import Duplicate, duplicates_of

PAGE_SIZE = 100
STATUSES = ("active", "withdrawn", "all")


SORTS = ("paid", "amount", "number")


def sort_keys(sort: str) -> list[Key]:
    """The order of a sort, its last key unique (the id): newest payment, largest amount, newest number."""
    first = {"paid": Key(Expenditure.payment_date, True, "date"), "amount": Key(Expenditure.declared_amount, True,
                                                                                          "money")}.get(sort)
    return ([first] if first is not None else []) + [Key(Expenditure.id, True, "int")]


@dataclass
class ExpenditureList:
    rows: list[Expenditure]
    partner: Partner | None
    status: str
    sort: str
    page: Page
    total_count: int
    total_declared: Decimal
    claims: dict[int, list[tuple[int, ClaimStatus, LineStatus]]]
    duplicates: dict[int, list[Duplicate]]
    evidence: dict[int, int]  # expenditure id -> number of evidence files

    def filters(self) -> dict:
        """The filter and sort as query-string values, for the paging links."""
        return {"partner": self.partner.id if self.partner else None, "status": self.status, "sort": self.sort}


def expenditure_list(user: User, project: Project, partner_id: int | None, status: str, partners: list[Partner],
                     sort: str = "paid", after: str | None = None, before: str | None = None,
                     position: str | None = None) -> ExpenditureList:
    """One page of the register (keyset: ``after``/``before`` a row's position, or the last page): the filter's
    count and declared total from one aggregate query, then the page's rows with their claims and possible
    double financing."""
    query = scoped(select(Expenditure).where(Expenditure.project_id == project.id), Expenditure.partner_id,
                   user, project)
    if partner_id is None and len(partners) == 1:
        partner_id = partners[0].id
    partner = None
    if partner_id:
        partner = require_partner(user, db.session.get(Partner, partner_id), project)
        query = query.where(Expenditure.partner_id == partner.id)
    status = status if status in STATUSES else "active"
    if status != "all":
        query = query.where(Expenditure.status == ExpenditureStatus(status))
    sort = sort if sort in SORTS else "paid"
    total_count, total_declared = db.session.execute(
        query.with_only_columns(func.count(), func.coalesce(func.sum(Expenditure.declared_amount), ZERO))
        .order_by(None)).one()
    keys = sort_keys(sort)
    options = (joinedload(Expenditure.partner), joinedload(Expenditure.category), joinedload(Expenditure.period))
    page = keyset(lambda q: list(db.session.scalars(q.options(*options))), query, keys,
                  lambda e: tuple(_key_value(e, k) for k in keys), PAGE_SIZE, after, before, position)
    rows = page.rows
    ids = [e.id for e in rows]
    claims: dict[int, list] = {}
    evidence: dict[int, int] = {}
    if ids:
        for exp_id, claim_id, claim_status, line_status in db.session.execute(
                select(ClaimLine.expenditure_id, Claim.id, Claim.status, ClaimLine.status)
                .join(Claim, ClaimLine.claim_id == Claim.id).where(ClaimLine.expenditure_id.in_(ids))
                .order_by(Claim.id)):
            claims.setdefault(exp_id, []).append((claim_id, claim_status, line_status))
        evidence = dict(db.session.execute(
            select(ExpenditureDocument.expenditure_id, func.count()).where(ExpenditureDocument.expenditure_id.in_(ids))
            .group_by(ExpenditureDocument.expenditure_id)).all())
    return ExpenditureList(rows, partner, status, sort, page, total_count, total_declared, claims,
                           duplicates_of(project.id, ids, visible_partner_ids(user, project)), evidence)


def _key_value(e: Expenditure, key: Key):
    return getattr(e, key.column.key)


@dataclass
class ExpenditurePage:
    lines: list[tuple[ClaimLine, Claim]]
    corrections: list[Expenditure]
    duplicates: list[Duplicate]
    retention_last: date | None
    retention_until: date | None
    history: list[history.Entry] = field(default_factory=list)


def expenditure_or_404(user: User, project: Project, expenditure_id: int) -> Expenditure:
    from ...permissions import require_visible
    exp = db.session.get(Expenditure, expenditure_id)
    if exp is None:
        raise NotFound(_("Expenditure not found."))
    return require_visible(user, exp, project)


def expenditure_page(user: User, exp: Expenditure) -> ExpenditurePage:
    project = exp.partner.project
    lines = list(db.session.execute(select(ClaimLine, Claim).join(Claim, ClaimLine.claim_id == Claim.id)
                                    .where(ClaimLine.expenditure_id == exp.id).order_by(Claim.id)).tuples())
    corrections = list(db.session.scalars(select(Expenditure).where(Expenditure.corrects_id == exp.id)
                                          .order_by(Expenditure.id)))
    last, until = retention_until(project)
    return ExpenditurePage(
        lines=lines, corrections=corrections,
        duplicates=duplicates_of(project.id, [exp.id], visible_partner_ids(user, project)).get(exp.id, []),
        retention_last=last, retention_until=until, history=history.of_object(project.id, "expenditure", exp.id))
