"""Writing statement workbooks with openpyxl in write-only mode (streamed: 100,000 rows in little memory).

Every table sits on its own sheet with its header in row 1, frozen, with an autofilter over the rows and a
totals row under them (outside the filter, so that sorting leaves it at the bottom). Amounts are numbers
with a euro format, dates are dates, percentages are fractions with a percent format; text from users is
always text, never a formula (also when it starts with = + - @ or a tab).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import formatting
from ..xlsx import FORMULA_START

MONEY_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
PERCENT_FORMAT = "0.0%"
INT_FORMAT = "#,##0"
DATE_FORMAT = {"nl": "DD-MM-YYYY", "en": "DD/MM/YYYY"}
DATETIME_FORMAT = {"nl": "DD-MM-YYYY HH:MM:SS", "en": "DD/MM/YYYY HH:MM:SS"}
MAX_WIDTH = 70
STYLED = frozenset({"money", "int", "percent", "date", "datetime", "wrap"})
FORMULA_FIRST = frozenset(FORMULA_START)
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text, wrap (long text), money, int, percent, date, datetime
    width: float | None = None  # None: fitted to the header and the rows (when the rows are a list)


def _print_setup(ws) -> None:
    """Printed (or opened as PDF): landscape A4, as wide as the page, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


class StyledCell(Cell):
    """A write-only cell whose style id is known beforehand (openpyxl would look it up for every cell)."""

    __slots__ = ("style_id",)

    def __repr__(self) -> str:  # openpyxl formats it into an exception it catches, once per cell: keep it cheap
        return "StyledCell"


def clean_text(value) -> str:
    """User text without the control characters that XML (and so XLSX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _display_length(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == "money":
        return len(f"{value:,.2f}") + 3
    if kind in ("date",):
        return 10
    if kind == "datetime":
        return 19
    if kind == "percent":
        return 7
    return max((len(part) for part in str(value).split("\n")), default=0)


class Book:
    """A write-only workbook in one language, with its document properties and shared cell styles."""

    def __init__(self, lang: str, title: str, author: str, created: datetime):
        self.lang = lang
        self.wb = Workbook(write_only=True)
        props = self.wb.properties
        props.title = title
        props.creator = author
        props.lastModifiedBy = author
        props.created = props.modified = created.replace(tzinfo=None)  # UTC; the format has no zone
        props.language = lang
        self._styles: dict[str, object] = {}

    def _style(self, ws, key: str):
        """A prototype cell per style, whose style array is copied into each new cell (cheap)."""
        if key not in self._styles:
            cell = WriteOnlyCell(ws)
            kind, _, extra = key.partition(":")
            if kind == "money":
                cell.number_format = MONEY_FORMAT
            elif kind == "int":
                cell.number_format = INT_FORMAT
            elif kind == "percent":
                cell.number_format = PERCENT_FORMAT
            elif kind == "date":
                cell.number_format = DATE_FORMAT[self.lang]
            elif kind == "datetime":
                cell.number_format = DATETIME_FORMAT[self.lang]
            elif kind == "wrap":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if extra == "bold":
                cell.font = Font(bold=True)
            elif extra == "head":
                cell.font = Font(bold=True, color="FFFFFF")
                cell.fill = PatternFill("solid", fgColor="1F4E79")
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            self._styles[key] = (cell._style, self.wb._cell_styles.add(cell._style))
        return self._styles[key]

    def cell(self, ws, value, kind: str = "text", extra: str = ""):
        """A value for ``ws.append``: plain where openpyxl writes it right as it is (the fast path for most
        cells), else a cell with its style, or a string cell that can never be read as a formula."""
        style_kind = kind if kind in STYLED else ""
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = clean_text(value)
            if not (style_kind or extra):
                if value[:1] in FORMULA_FIRST or value in ERROR_CODES:
                    cell = WriteOnlyCell(ws, value)
                    cell.data_type = "s"  # '=SUM(A1)', '@cmd', '#N/A' stay text
                    return cell
                return value
        elif isinstance(value, datetime):
            value = formatting.local_time(value).replace(tzinfo=None)  # local time, as people read it
        if not (style_kind or extra):
            return value
        cell = StyledCell(ws, row=1, column=1, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cell._style, cell.style_id = self._style(ws, f"{style_kind}:{extra}")  # shared: never changed
        return cell

    def _converter(self, ws, kind: str):
        """How the values of one column become cells: amounts and dates as cells made directly with their
        value, type and shared style (no per-cell lookups); text through :meth:`cell`."""
        if kind in ("text", "id"):
            search = ILLEGAL_CHARACTERS_RE.search

            def text(value):  # most cells: plain text or a number, written by openpyxl as it is
                if value.__class__ is str and not (value[:1] in FORMULA_FIRST or value in ERROR_CODES
                                                   or search(value)):
                    return value
                return value if value.__class__ is int else self.cell(ws, value, kind)
            return text
        if kind not in ("money", "date", "datetime"):
            return lambda value: self.cell(ws, value, kind)
        style, style_id = self._style(ws, f"{kind}:")
        data_type = "n" if kind == "money" else "d"

        def convert(value):
            if isinstance(value, str):
                return self.cell(ws, value, "text")
            if kind == "datetime":
                value = formatting.local_time(value).replace(tzinfo=None)
            cell = StyledCell.__new__(StyledCell)
            cell.parent, cell.row, cell.column, cell._hyperlink, cell._comment = ws, 1, 1, None, None
            cell._value, cell.data_type, cell._style, cell.style_id = value, data_type, style, style_id
            return cell
        return convert

    def facts(self, title: str, heading: str, rows: Iterable[tuple[str, object, str]]) -> None:
        """A sheet of label and value pairs: (label, value, kind)."""
        rows = list(rows)
        ws = self.wb.create_sheet(title[:31])
        _print_setup(ws)
        ws.column_dimensions["A"].width = min(MAX_WIDTH, max([len(r[0]) for r in rows] + [20]) + 2)
        width = min(MAX_WIDTH, max([_display_length(r[1], r[2]) for r in rows] + [20]) + 2)
        ws.column_dimensions["B"].width = width
        for number, (_, value, kind) in enumerate(rows, start=3):  # room for the lines of wrapped text
            if kind == "text" and isinstance(value, str) and len(value) > width:
                ws.row_dimensions[number].height = 15 * (len(value) // int(width * 0.8) + 1)
        ws.append([self.cell(ws, heading, extra="bold")])
        ws.append([])
        for label, value, kind in rows:  # long text wraps in its cell
            ws.append([self.cell(ws, label, extra="bold"), self.cell(ws, value, "wrap" if kind == "text" else kind)])

    def table(self, title: str, columns: list[Column], rows: Iterable[list],
              totals: list | Callable[[], list] | None = None,
              progress: Callable[[int], None] | None = None, sample: list | None = None) -> int:
        """A table sheet; ``totals`` (a label and the column values, None for an empty cell) goes under the
        rows. Returns the number of rows written."""
        ws = self.wb.create_sheet(title[:31])
        _print_setup(ws)
        sample = rows[:2000] if isinstance(rows, list) else sample
        if sample is not None:
            fitted = [max([len(c.label) * 0.9] + [_display_length(r[i], c.kind) for r in sample])
                      for i, c in enumerate(columns)]
        else:
            fitted = [len(c.label) for c in columns]
        for i, column in enumerate(columns, start=1):
            width = column.width if column.width is not None else min(MAX_WIDTH, fitted[i - 1] + 2)
            ws.column_dimensions[get_column_letter(i)].width = max(width, 8)
        ws.freeze_panes = "A2"
        ws.append([self.cell(ws, c.label, extra="head") for c in columns])
        kinds = [c.kind for c in columns]
        convert = [self._converter(ws, kind) for kind in kinds]
        count = 0
        for row in rows:
            ws.append([v if v is None else conv(v) for conv, v in zip(convert, row, strict=True)])
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        if callable(totals):
            totals = totals()
        if totals is not None:
            ws.append([v if v is None else self.cell(ws, v, kinds[i] if i else "text", "bold")
                       for i, v in enumerate(totals)])
        return count

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()


def money_sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal("0.00"))


def money_total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None when no row has a value (a column not yet filled: EFRO before certification)."""
    values = [v for v in values if v is not None]
    return sum(values, Decimal("0.00")) if values else None
