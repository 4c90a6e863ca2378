"""Bulk import of expenditure lines for one partner from a spreadsheet (XLSX or CSV): all rows or none.

Every row is parsed and checked with the same rules as the expenditure form
(:func:`app.services.expenditures.validate`); the problems of all rows are collected with the row number as
the user sees it in the spreadsheet (the header is row 1). One problem anywhere and nothing is saved
(:class:`ImportRejected`). Otherwise the lines go into the database in one bulk INSERT, under one
:class:`~app.models.ExpenditureImport` and one audit event. Lines whose supplier and invoice number already
occur in the project, or twice in the file, are reported (possible double financing), not refused.

The steps have their own modules: :mod:`.reading` (file to raw rows), :mod:`.cells` (one cell to a value),
:mod:`.rows` (a row to an expenditure, with every rule); this one saves.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, select

from reports import expenditure_template as template
from reports.expenditure_template import COLUMNS, XLSX_MIMETYPE, explanations

from ...errors import NotFound
from ...extensions import db
from ...i18n import current_language, ngettext
from ...i18n import gettext as _
from ...models import Expenditure, ExpenditureImport, ExpenditureStatus, Partner, Project, User, duplicate_key
from ...models.types import utcnow
from ...money import ZERO
from ...permissions import can_register_for, can_see_partner, require, role_label, visible_partner_ids
from .. import audit
from ..audit import Actor
from ..budget import categories_of, periods_of
from ..expenditures import ProjectLookups
from .cells import CellError, _amount
from .reading import MAX_ROWS, ImportRejected, RowError, clean_filename
from .rows import CheckedLine, check_file

__all__ = ["COLUMNS", "MAX_ROWS", "XLSX_MIMETYPE", "CellError", "CheckedLine", "DuplicateLine", "ImportRejected",
           "ImportResult", "explanations", "RowError", "_amount", "check_file", "expenditure_rows", "find_duplicates",
           "import_expenditures", "template_csv", "template_xlsx"]


@dataclass(frozen=True)
class DuplicateLine:
    """A line of the file with a supplier + invoice number that also occurs elsewhere: possible double
    financing. ``existing_ids``: active expenditures of the project that the user may see; ``file_rows``:
    other rows of the same file."""

    row: int
    existing_ids: tuple[int, ...] = ()
    file_rows: tuple[int, ...] = ()

    def describe(self) -> str:
        """In words. The existing expenditures are only those the importing user may see (a partner user's
        own), so naming them tells nothing of other partners."""
        parts = []
        if self.existing_ids:
            parts.append(ngettext("already registered as expenditure %(ids)s",
                                  "already registered as expenditures %(ids)s", len(self.existing_ids),
                                  ids=", ".join(f"#{i}" for i in self.existing_ids)))
        if self.file_rows:
            parts.append(_("twice in the file (also row %(rows)s)", rows=", ".join(map(str, self.file_rows))))
        return _("row %(row)s: %(problems)s", row=self.row, problems="; ".join(parts))


@dataclass
class ImportResult:
    import_id: int
    count: int
    total: Decimal
    duplicates: list[DuplicateLine] = field(default_factory=list)



def find_duplicates(project_id: int, lines: list[CheckedLine], chunk: int = 500,
                    partner_ids: set[int] | None = None) -> list[DuplicateLine]:
    """Lines whose supplier + invoice number occur in the project already (active, not a correction) or
    more than once in the file. ``partner_ids``: look only among these partners' expenditures (for a partner
    user, who may not learn that another partner has the invoice); None: any partner. A few queries per 500
    distinct keys, never one per row."""
    rows_by_key: dict[str, list[int]] = {}
    for line in lines:
        key = duplicate_key(line.data.supplier, line.data.invoice_number)
        supplier, _sep, invoice = key.partition("|")
        if supplier and invoice:
            rows_by_key.setdefault(key, []).append(line.row)
    existing: dict[str, list[int]] = {}
    keys = list(rows_by_key)
    for start in range(0, len(keys), chunk):
        for exp_id, key in db.session.execute(
                select(Expenditure.id, Expenditure.dup_key).where(
                    Expenditure.project_id == project_id, Expenditure.dup_key.in_(keys[start:start + chunk]),
                    Expenditure.status == ExpenditureStatus.ACTIVE, Expenditure.corrects_id.is_(None),
                    *([] if partner_ids is None else [Expenditure.partner_id.in_(partner_ids)]))
                .order_by(Expenditure.id)):
            existing.setdefault(key, []).append(exp_id)
    found = []
    for key, rows in rows_by_key.items():
        ids = tuple(existing.get(key, ()))
        if ids or len(rows) > 1:
            found.extend(DuplicateLine(row, ids, tuple(r for r in rows if r != row)) for row in rows)
    return sorted(found, key=lambda d: d.row)


def expenditure_rows(lines: list[CheckedLine], partner: Partner, user_id: int, import_id: int | None,
                     created_at: datetime | None = None) -> list[dict]:
    """The column values of the new expenditure rows, for one bulk INSERT."""
    created_at = created_at or utcnow()
    rows = []
    for line in lines:
        d = line.data
        rows.append({
            "project_id": partner.project_id, "partner_id": partner.id, "category_id": d.category_id,
            "period_id": d.period_id, "internal_ref": d.internal_ref or "", "supplier": d.supplier,
            "invoice_number": d.invoice_number, "invoice_date": d.invoice_date, "payment_date": d.payment_date,
            "description": d.description, "gross_amount": d.gross_amount, "vat_amount": d.vat_amount,
            "vat_recoverable": d.vat_recoverable, "declared_amount": d.declared_amount,
            "dup_key": duplicate_key(d.supplier, d.invoice_number), "status": ExpenditureStatus.ACTIVE,
            "import_id": import_id, "created_by_id": user_id, "created_at": created_at,
        })
    return rows


def import_expenditures(actor: Actor, user: User, partner: Partner, filename: str, data: bytes) -> ImportResult:
    """Import every line of the file for the partner, or none (ImportRejected lists the problems).
    Flushes, never commits."""
    if partner is None or not can_see_partner(user, partner):
        raise NotFound(_("Partner not found."))
    require(can_register_for(user, partner), _("Only the partner itself or a finance officer registers expenditures."))
    filename = clean_filename(filename)
    project = partner.project
    lines = check_file(partner, filename, data, ProjectLookups(project))
    duplicates = find_duplicates(project.id, lines, partner_ids=visible_partner_ids(user, project))
    total = sum((line.data.declared_amount for line in lines), ZERO)
    digest = hashlib.sha256(data).hexdigest()
    batch = ExpenditureImport(partner_id=partner.id, filename=filename, sha256=digest, row_count=len(lines),
                              total_declared=total, created_by_id=user.id, created_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    db.session.execute(insert(Expenditure), expenditure_rows(lines, partner, user.id, batch.id, batch.created_at))
    audit.record(actor, "expenditure.imported", role=role_label(user, project), object_type="expenditure_import",
                 object_id=batch.id, project_id=project.id,
                 after={"partner_id": partner.id, "filename": filename, "sha256": digest, "rows": len(lines),
                        "total_declared": total})
    db.session.flush()
    return ImportResult(import_id=batch.id, count=len(lines), total=total, duplicates=duplicates)



# --------------------------------------------------------------------------------------------------------------
# Templates to fill in


def template_data(project: Project, partner: Partner | None = None) -> template.TemplateData:
    """What the template shows, in the request's language (category names translated by their kind)."""
    flat = sorted(fr.category.label for fr in partner.flat_rates) if partner is not None else []
    return template.TemplateData(
        project_code=project.code, project_name=project.name, eligibility_start=project.eligibility_start,
        eligibility_end=project.eligibility_end,
        categories=[template.Category(c.label, c.kind.value) for c in categories_of(project)],
        periods=[template.Period(p.number, p.start_date, p.end_date) for p in periods_of(project)],
        flat_rate_categories=flat, language=current_language())


def template_xlsx(project: Project, partner: Partner | None = None) -> bytes:
    return template.template_xlsx(template_data(project, partner))


def template_csv(project: Project, partner: Partner | None = None) -> bytes:
    return template.template_csv(template_data(project, partner))
