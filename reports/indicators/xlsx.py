"""The progress report as a workbook: a sheet with one row per indicator, one with a row per indicator and
period (achieved, cumulative, targets), one per indicator and year with a year target, and one with where
the figures stand in the audit trail. Numbers are numbers, dates dates; user text is always text."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from .. import formatting
from ..i18n import translator
from ..statements.common import anchor_lines, generated_line
from ..xlsx import set_text
from .common import kind_label, source_label, status_label
from .data import ProgressReport

NUMBER_FORMAT = "#,##0.##"
DATE_FORMAT = {"nl": "DD-MM-YYYY", "en": "DD/MM/YYYY"}
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")


def _write(ws, row: int, values: list, lang: str, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                cell.number_format = NUMBER_FORMAT
            elif value is not None and hasattr(value, "isoformat"):
                cell.number_format = DATE_FORMAT.get(lang, "DD-MM-YYYY")
        if bold:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEAD_FILL


def _sheet(wb, title: str, headings: list[str], rows: list[list], lang: str, widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    _write(ws, 1, headings, lang, bold=True)
    for i, row in enumerate(rows, start=2):
        _write(ws, i, row, lang)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{ws.cell(row=len(rows) + 1, column=len(headings)).coordinate}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width


def progress_xlsx(data: ProgressReport, lang: str) -> bytes:
    _ = translator(lang)
    wb = Workbook()
    wb.remove(wb.active)
    inds = data.indicators
    _sheet(wb, _("Indicators"), [
        _("Code"), _("Indicator"), _("Type"), _("Source"), _("Unit"), _("Baseline"), _("Target"), _("Achieved"),
        _("Achieved, share of the target"), _("Status"), _("Partners")],
        [[i.code, i.name, kind_label(i.kind, lang), source_label(i.source, lang), i.unit, i.baseline, i.target,
          i.achieved, (i.share / 100) if i.share is not None else None, status_label(i.behind, lang),
          ", ".join(i.partners)] for i in inds], lang, [8, 48, 16, 24, 14, 10, 10, 10, 12, 14, 40])
    share_col = wb[_("Indicators")]
    for row in range(2, len(inds) + 2):
        share_col.cell(row=row, column=9).number_format = "0.0%"
    _sheet(wb, _("Per period"), [
        _("Code"), _("Indicator"), _("Period"), _("From"), _("To"), _("Target of the period"), _("Achieved"),
        _("Cumulative"), _("Cumulative target"), _("Reported, not yet accepted")],
        [[i.code, i.name, p.number, p.start, p.end, p.target, p.achieved, p.cumulative, p.cumulative_target,
          p.pending] for i in inds for p in i.periods], lang, [8, 48, 8, 12, 12, 14, 12, 12, 14, 16])
    year_rows = [[i.code, i.name, y.year, y.target, y.achieved] for i in inds for y in i.years]
    if year_rows:
        _sheet(wb, _("Per year"), [_("Code"), _("Indicator"), _("Year"), _("Target"), _("Achieved")], year_rows,
               lang, [8, 48, 8, 12, 12])
    about = [[_("Project"), f"{data.header.project_code} – {data.header.project_name}"],
             [_("Programme"), data.header.programme], [_("Generated"), generated_line(data.header, lang)],
             [_("Figures"), _("Accepted values only; the participants indicator of the small-grants fund counts "
                              "the participants reached of its reported and closed actions.")]]
    if data.scope_note:
        about.append([_("Scope"), data.scope_note])
    about += [[_("Audit trail"), line] for line in anchor_lines(data.header.anchor, lang)]
    _sheet(wb, _("About"), [_("Progress report"), formatting.day(data.header.generated_at, lang)], about, lang,
           [22, 120])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
