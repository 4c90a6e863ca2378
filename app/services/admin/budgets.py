"""A partner's whole budget (cost category x reporting period) from the administrator's form or from the
application form's budget table as XLSX: before the project's start a direct change, after it a project
modification. An uploaded table is checked whole; one wrong cell and nothing is saved."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from reports.budget_template import CODE_HEADERS, BudgetTemplate, budget_xlsx

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import current_language
from ...i18n import gettext as _
from ...models import BudgetLine, BudgetVersion, Partner, User
from ...money import ZERO
from ..audit import Actor
from ..budget import apply_line, categories_of, decreases_first, has_started, partner_budget, periods_of
from ..imports.cells import CellError, _amount, _text
from ..imports.reading import MAX_COLUMNS, ImportRejected, RowError, _norm, file_kind, xlsx_rows
from .common import record, require_admin
from .modifications import CellChange, approve_modification

MAX_BUDGET_ROWS = 200
_PERIOD_HEADER = re.compile(r"^(?:periode|period|p)\s*(\d{1,4})$", re.IGNORECASE)


def set_partner_budget(actor: Actor, user: User, partner: Partner, cells: dict[tuple[int, int], Decimal],
                       reason: str | None = None, approved_on: date | None = None) -> BudgetVersion | None:
    """Set the partner's budget lines to these amounts (cells not given keep theirs). Before the start, or the
    partner's first budget (a project set up in the app after its start): each line by the rule of
    :func:`app.services.budget.apply_line`, one audit event. A change after the start: a project modification
    with the reason and date of approval (returned)."""
    project = partner.project
    require_admin(user, project)
    has_budget = db.session.scalar(select(BudgetLine.id).where(BudgetLine.partner_id == partner.id,
                                                               BudgetLine.amount > 0).limit(1)) is not None
    if has_started(project) and has_budget:
        if approved_on is None:
            raise DomainError(_("%(project)s has started: give the reason and the date of approval of this "
                                "modification.", project=project.code))
        return approve_modification(actor, user, project, reason or "", approved_on, [
            CellChange(partner, c, p, amount) for (c, p), amount in sorted(cells.items())])
    before, after, old_total, new_total, old_efro, new_efro = {}, {}, None, None, None, None
    for _partner, category_id, period_id, amount in decreases_first(
            [(partner, c, p, amount) for (c, p), amount in sorted(cells.items())]):
        done = apply_line(partner, category_id, period_id, amount)
        if old_total is None:
            old_total, old_efro = done.old_total, done.old_efro
        new_total, new_efro = done.new_total, done.new_efro
        if done.changed:
            key = f"{done.category.kind.value} P{done.period.number}"
            before[key], after[key] = done.old_amount, amount
    if after:
        record(actor, user, project, "partner.budget_changed", "partner", partner.id,
               before={"lines": before, "partner_total": old_total, "partner_efro": old_efro},
               after={"lines": after, "partner_total": new_total, "partner_efro": new_efro})
    return None


def template_xlsx(partner: Partner) -> bytes:
    pb = partner_budget(partner)
    amounts = {(line.category.kind.value, line.period.number): line.amount for line in pb.cells.values()}
    return budget_xlsx(BudgetTemplate(
        partner.project.code, partner.label, [(c.kind.value, c.label) for c in pb.categories],
        [p.number for p in pb.periods], amounts), current_language())


def read_budget_table(partner: Partner, filename: str, data: bytes) -> dict[tuple[int, int], Decimal]:
    """The budget cells of an uploaded table, every category and period of the project (an empty cell, a
    missing row or column is zero); raises ImportRejected listing every problem (row, column, message)."""
    if file_kind(filename) != "xlsx":
        raise ImportRejected(_("Upload the budget table as an Excel workbook (.xlsx)."))
    if not data:
        raise ImportRejected(_("The file is empty."))
    project = partner.project
    categories = categories_of(project)
    by_name = {}
    for c in categories:
        for name in (c.kind.value, c.name, c.label):
            by_name[_norm(name)] = c
    periods = {p.number: p for p in periods_of(project)}
    errors: list[RowError] = []
    header: dict[int, object] | None = None
    code_col = name_col = None
    cells: dict[tuple[int, int], Decimal] = {(c.id, p.id): ZERO for c in categories for p in periods.values()}
    seen: dict[int, int] = {}
    rows = 0
    source = xlsx_rows(data)
    try:
        for number, values in source:
            values = tuple(values[:MAX_COLUMNS])
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                header = {}
                for index, value in enumerate(values):
                    text = _text(value)
                    if not text:
                        continue
                    if _norm(text) in CODE_HEADERS:
                        code_col = index
                    elif _norm(text) in ("costcategory", "kostencategorie"):
                        name_col = index
                    elif match := _PERIOD_HEADER.match(text):
                        if int(match[1]) not in periods:
                            errors.append(RowError(number, text, _(
                                "Period %(number)s does not exist in this project (periods %(first)s to %(last)s).",
                                number=int(match[1]), first=min(periods, default=0), last=max(periods, default=0))))
                        else:
                            header[index] = periods[int(match[1])]
                    # other columns (a total, notes) are ignored
                if code_col is None and name_col is None:
                    errors.append(RowError(number, "", _("The first row holds the column names: Code (or Cost "
                                                         "category) and Period 1, Period 2, ...")))
                    break
                continue
            rows += 1
            if rows > MAX_BUDGET_ROWS:
                raise ImportRejected(_("The table has more than %(limit)s rows; a budget table has one row per cost "
                                       "category.", limit=MAX_BUDGET_ROWS))
            key = _text(values[code_col]) if code_col is not None and code_col < len(values) else ""
            if not key and name_col is not None and name_col < len(values):
                key = _text(values[name_col])
            if _norm(key) in ("total", "totaal"):
                continue
            category = by_name.get(_norm(key))
            if category is None:
                errors.append(RowError(number, _("Code"), _("Unknown cost category '%(text)s'.", text=key)))
                continue
            if category.id in seen:
                errors.append(RowError(number, _("Code"), _("Cost category '%(text)s' is already in row %(row)s.",
                                                            text=key, row=seen[category.id])))
                continue
            seen[category.id] = number
            for index, period in header.items():
                value = values[index] if index < len(values) else None
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                column = period.label
                try:
                    amount = _amount(value)
                except CellError as error:
                    errors.append(RowError(number, column, str(error)))
                    continue
                if amount < 0:
                    errors.append(RowError(number, column, _("A budget amount may not be negative.")))
                    continue
                cells[(category.id, period.id)] = amount
    finally:
        source.close()
    if header is None:
        raise ImportRejected(_("The file holds no data: the first row must hold the column names (download "
                               "the template)."))
    if errors:
        raise ImportRejected(_("The budget table has errors; nothing has been saved."), sorted(
            errors, key=lambda e: (e.row or 0, e.column)))
    if not header:
        raise ImportRejected(_("The table has no period columns (Period 1, Period 2, ...)."))
    return cells


def describe_total(cells: dict[tuple[int, int], Decimal]) -> str:
    return formatting.money(sum(cells.values(), ZERO))
