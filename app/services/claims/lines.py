"""The lines of a big claim a page at a time: filtered (cost category, verification status, amount above a
threshold, flagged as possible double financing) and paged by keyset; the free expenditures of a draft
searched and paged; the claim's history paged. Each costs what the page shows."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ...extensions import db
from ...guards import db_id
from ...i18n import gettext as _
from ...models import AuditEvent, Claim, ClaimLine, Expenditure, LineStatus
from ...money import MoneyError, parse_money
from .. import history
from ..expenditures.duplicates import duplicates_of, has_duplicate
from ..paging import Key, Page, keyset

LINES_PAGE = 50
FREE_PAGE = 50
HISTORY_PAGE = 25
# a claim's lines by cost category, then expenditure number: the order of an index on the lines themselves,
# so a page of a 5,000-line claim reads its 50 lines instead of sorting them all
LINE_KEYS = [Key(ClaimLine.category_id), Key(ClaimLine.expenditure_id)]
FREE_KEYS = [Key(Expenditure.payment_date, kind="date"), Key(Expenditure.id)]
HISTORY_KEYS = [Key(AuditEvent.seq)]


@dataclass(frozen=True)
class LineFilter:
    category_id: int | None = None
    status: str | None = None
    min_amount: Decimal | None = None
    flagged: bool = False

    @classmethod
    def from_values(cls, values) -> tuple[LineFilter, list[str]]:
        """From the query string; what cannot be read is left out, with a message."""
        errors = []
        try:
            category_id = db_id(values.get("category")) if values.get("category") else None
        except ValueError:
            category_id = None
        status = values.get("status") or None
        if status not in {s.value for s in LineStatus}:
            status = None
        raw = (values.get("min") or "").strip()
        min_amount = None
        if raw:
            try:
                min_amount = parse_money(raw[:40])
            except MoneyError as error:
                errors.append(_("Amount above: %(error)s", error=str(error)))
        return cls(category_id, status, min_amount, values.get("flagged") == "1"), errors

    def as_values(self) -> dict[str, str]:
        names = {"category_id": "category", "min_amount": "min"}
        return {names.get(k, k): ("1" if v is True else str(v)) for k, v in asdict(self).items()
                if v is not None and v is not False}

    @property
    def active(self) -> bool:
        return bool(self.as_values())


def of_claim(claim: Claim) -> tuple:
    """The conditions on ClaimLine joined with Expenditure for the lines of ``claim``. The partner condition is
    always true (a claim holds only its partner's expenditures, see preparation.add_lines), and it lets the
    database read that partner's expenditures instead of the project's: on a claim of thousands of lines in a
    project of 100,000 expenditures that is the difference between an index and a full scan."""
    return ClaimLine.claim_id == claim.id, Expenditure.partner_id == claim.partner_id


def duplicates_in(claim: Claim, partner_ids: set[int] | None = None, expenditure_ids: list[int] | None = None
                  ) -> dict[int, list[int]]:
    """Possible double financing among the claim's lines (or only the given expenditures of it): expenditure ->
    the other expenditures of the project with its supplier and invoice number (among ``partner_ids``)."""
    ids = (expenditure_ids if expenditure_ids is not None
           else select(ClaimLine.expenditure_id).where(ClaimLine.claim_id == claim.id))
    return {eid: [d.expenditure_id for d in found] for eid, found
            in duplicates_of(claim.project_id, ids, partner_ids, owner_id=claim.partner_id).items()}


def _line_query(claim: Claim, flt: LineFilter, partner_ids: set[int] | None):
    query = (select(ClaimLine).join(Expenditure, ClaimLine.expenditure_id == Expenditure.id)
             .where(*of_claim(claim)))
    if flt.category_id is not None:
        query = query.where(ClaimLine.category_id == flt.category_id)
    if flt.status:
        query = query.where(ClaimLine.status == LineStatus(flt.status))
    if flt.min_amount is not None:
        query = query.where(ClaimLine.declared_amount > flt.min_amount)
    if flt.flagged:
        query = query.where(has_duplicate(Expenditure, partner_ids))
    return query


def line_page(claim: Claim, flt: LineFilter, partner_ids: set[int] | None, **position) -> tuple[Page, int]:
    """One page of the claim's lines that pass the filter (by category, then expenditure number), and
    how many lines pass it."""
    query = _line_query(claim, flt, partner_ids)
    matching = db.session.scalar(query.with_only_columns(func.count()).order_by(None)) if flt.active else None
    page = keyset(lambda q: list(db.session.scalars(
        q.options(contains_eager(ClaimLine.expenditure), joinedload(ClaimLine.category)))), query, LINE_KEYS,
        lambda ln: (ln.category_id, ln.expenditure_id), LINES_PAGE,
        **position)
    return page, matching


def free_page(claimable_query, search: str, **position) -> Page:
    """One page of the expenditures that may go into a draft (oldest payment first), searched by number,
    supplier, invoice number or description."""
    query = claimable_query
    search = (search or "").strip()[:100]
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"
        conditions = [func.lower(Expenditure.supplier).like(pattern, escape="\\"),
                      func.lower(Expenditure.invoice_number).like(pattern, escape="\\"),
                      func.lower(Expenditure.description).like(pattern, escape="\\")]
        if search.lstrip("#").isdigit() and len(search) < 10:
            conditions.append(Expenditure.id == int(search.lstrip("#")))
        query = query.where(or_(*conditions))
    return keyset(lambda q: list(db.session.scalars(
        q.options(contains_eager(Expenditure.period), joinedload(Expenditure.category)))), query, FREE_KEYS,
        lambda e: (e.payment_date, e.id), FREE_PAGE, **position)


@dataclass
class HistoryPage:
    entries: list[history.Entry]
    page: Page
    total: int


def history_page(claim: Claim, **position) -> HistoryPage:
    """The claim's events a page at a time, oldest first, and how many there are."""
    where = [AuditEvent.project_id == claim.project_id, AuditEvent.object_type == "claim",
             AuditEvent.object_id == str(claim.id)]
    page = keyset(lambda q: list(db.session.scalars(q)), select(AuditEvent).where(*where), HISTORY_KEYS,
                  lambda e: (e.seq,), HISTORY_PAGE, **position)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
    return HistoryPage(history.entries(page.rows), page, total)
