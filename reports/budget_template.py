"""The budget table of one partner as in the application form (cost categories down, reporting periods
across), as an XLSX to fill in and upload again (app/services/admin/budgets.py reads it back)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from .i18n import translator
from .xlsx import set_text

SHEET_NAMES = {"nl": "Budget", "en": "Budget"}
CODE_HEADERS = ("code", "categorycode", "kostencategoriecode")  # the column with the category's code
PERIOD_HEADER = {"nl": "Periode %(number)s", "en": "Period %(number)s"}


@dataclass(frozen=True)
class BudgetTemplate:
    project_code: str
    partner_label: str
    categories: list[tuple[str, str]]  # (code, name)
    periods: list[int]  # period numbers
    amounts: dict[tuple[str, int], Decimal]  # (category code, period number) -> the current amount


def budget_xlsx(data: BudgetTemplate, lang: str) -> bytes:
    _ = translator(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAMES[lang]
    headers = [_("Code"), _("Cost category")] + [PERIOD_HEADER[lang] % {"number": n} for n in data.periods]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row, (code, name) in enumerate(data.categories, start=2):
        set_text(ws.cell(row=row, column=1), code)
        set_text(ws.cell(row=row, column=2), name)
        for col, number in enumerate(data.periods, start=3):
            cell = ws.cell(row=row, column=col, value=data.amounts.get((code, number), Decimal("0.00")))
            cell.number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 42
    help_ws = wb.create_sheet(_("Explanation"))
    for line in (_("Budget of %(partner)s in %(project)s, in euro, per cost category and reporting period.",
                   partner=data.partner_label, project=data.project_code),
                 _("Fill in the amounts (at most two decimals); an empty cell is zero. Keep the column Code; the "
                   "whole table replaces the partner's budget, or nothing is saved if a cell is wrong.")):
        help_ws.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
