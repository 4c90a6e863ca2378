"""Reading an uploaded spreadsheet (XLSX or CSV) into its header and rows of raw cell values."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from openpyxl import load_workbook

from reports.expenditure_template import COLUMN_BY_KEY, COLUMNS, HELP_SHEET_NAMES, SHEET_NAMES

from ... import formatting
from ...errors import DomainError
from ...i18n import current_language
from ...i18n import gettext as _

MAX_ROWS = 20_000
# Rows read from the sheet, blank rows included: a file of 3 million blank rows is refused after these.
MAX_SHEET_ROWS = MAX_ROWS + 1_000
# Columns read from each row: the template's dozen with room for the user's own; a cell further right (up to
# XFD, column 16,384) is never read, so a row that touches it costs no more than one that does not.
MAX_COLUMNS = 50


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: the spreadsheet row (header = 1; None for the file as a whole), the column, the message."""

    row: int | None
    column: str
    message: str


class ImportRejected(DomainError):
    """The file was not imported; nothing was saved. ``errors`` lists every problem found."""

    def __init__(self, message: str, errors: Iterable[RowError] = ()):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})



@dataclass
class RawSheet:
    """The header (column key -> header text and position) and the data rows (row number, raw values)."""

    header_row: int
    columns: dict[str, tuple[int, str]]
    rows: list[tuple[int, tuple]]



def clean_filename(filename: str | None) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name[-255:] if name else _("file")


def file_kind(filename: str) -> str:
    lowered = filename.lower()
    for kind in ("xlsx", "csv"):
        if lowered.endswith("." + kind):
            return kind
    raise ImportRejected(_("Only Excel workbooks (.xlsx) and CSV files (.csv) can be imported."))


def _norm(text) -> str:
    """Case, spaces and punctuation do not count: 'Btw-terugvorderbaar' == 'btw terugvorderbaar'."""
    return "".join(ch for ch in str(text or "").casefold() if ch.isalnum())


def _norm_header(text) -> str:
    """A header, also without a remark in brackets: 'Brutobedrag (EUR)' == 'Brutobedrag'."""
    return _norm(re.sub(r"\(.*?\)", "", str(text or "")))


_HEADER_KEYS = {_norm_header(name): c.key for c in COLUMNS for name in c.headers}
_SHEETS = {name.casefold() for name in SHEET_NAMES.values()}
_HELP_SHEETS = {name.casefold() for name in HELP_SHEET_NAMES.values()}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _iter_xlsx(data: bytes) -> Iterator[tuple[int, tuple]]:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportRejected(_("This is an older Excel file (.xls) or a workbook protected by a password. Save it "
                               "in Excel as 'Excel Workbook (.xlsx)', without a password."))
    if data[:4] != b"PK\x03\x04":
        raise ImportRejected(_("This file is not an Excel workbook (.xlsx), even though its name ends in .xlsx. "
                               "Save it in Excel as 'Excel Workbook (.xlsx)' or as 'CSV UTF-8'."))
    from .zipcheck import check_xlsx_zip  # it raises ImportRejected, defined here
    check_xlsx_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise ImportRejected(_("This Excel workbook cannot be read (damaged, or not .xlsx). Open the file in "
                               "Excel and save it again as 'Excel Workbook (.xlsx)'.")) from None
    try:
        sheets = workbook.worksheets
        sheet = next((s for s in sheets if s.title.strip().casefold() in _SHEETS), None)
        if sheet is None:
            sheet = next((s for s in sheets if s.title.strip().casefold() not in _HELP_SHEETS), None) or (
                sheets[0] if sheets else None)
        if sheet is None:
            return
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # the stored size may be wrong; read until the last row
        try:
            yield from enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1)
        except Exception:
            raise ImportRejected(_("This Excel workbook cannot be read (damaged). Open the file in Excel and save "
                                   "it again as 'Excel Workbook (.xlsx)'.")) from None
    finally:
        workbook.close()


def xlsx_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    """The rows (number, values) of the first sheet of an XLSX, after the zip and format checks of the
    expenditure import (for other uploads of a table, such as a partner's budget)."""
    return _iter_xlsx(data)


def _iter_csv(data: bytes) -> Iterator[tuple[int, tuple]]:
    if data[:4] == b"PK\x03\x04" or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportRejected(_("This is an Excel file named .csv. Name it .xlsx, or save it in Excel as "
                               "'CSV UTF-8'."))
    if b"\x00" in data:
        raise ImportRejected(_("This file is not a CSV text file in UTF-8 (UTF-16, or binary content?). Save it in "
                               "Excel as 'CSV UTF-8 (Comma delimited)'."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(_("This CSV file is not saved in UTF-8 (accents would come out wrong). Save it in "
                               "Excel as 'CSV UTF-8 (Comma delimited)'.")) from None
    head, _sep, rest = text.partition("\n")
    if re.fullmatch(r"sep=[;,\t]", head.rstrip("\r"), re.IGNORECASE):  # Excel's hint line, which Excel hides
        delimiter, text = head[4], rest
    else:
        first = next((line for line in text.splitlines() if line.strip()), "")
        widths = {d: len(next(csv.reader([first], delimiter=d), [])) for d in (";", ",")}
        delimiter = ";" if widths[";"] >= widths[","] else ","
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        yield from enumerate((row[:MAX_COLUMNS] for row in rows), start=1)
    except csv.Error as error:
        raise ImportRejected(_("This CSV file is not well formed: %(error)s.", error=error)) from None


def read_sheet(filename: str, data: bytes) -> RawSheet:
    """The header and the non-empty data rows of an XLSX or CSV file; raises ImportRejected for a file that
    cannot be read, has no header, lacks required columns, has no data rows or too many."""
    kind = file_kind(filename)
    if not data:
        raise ImportRejected(_("The file is empty."))
    source = _iter_xlsx(data) if kind == "xlsx" else _iter_csv(data)
    header_row, columns, rows = 0, {}, []
    try:
        for number, values in source:
            if number > MAX_SHEET_ROWS:
                raise ImportRejected(_(
                    "The sheet has more than %(limit)s rows, blank rows included. Delete the empty rows below "
                    "your lines (or copy your lines into the template) and import again. Nothing was saved.",
                    limit=formatting.number(MAX_SHEET_ROWS)))
            if values.count(None) == len(values) or all(_blank(v) for v in values):  # the first test is fast
                continue
            if not header_row:
                header_row = number
                columns = _read_header(number, values)
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportRejected(_("The file holds more than %(limit)s expenditure lines (the maximum); "
                                       "spread the lines over several files. Nothing has been saved.",
                                       limit=formatting.number(MAX_ROWS)))
            rows.append((number, tuple(values)))
    finally:
        source.close()
    if not header_row:
        raise ImportRejected(_("The file holds no data: the first row must hold the column names (download "
                               "the template)."))
    if not rows:
        raise ImportRejected(_("The file holds no expenditure lines: only the row with the column names, nothing "
                               "below it."))
    return RawSheet(header_row, columns, rows)


def _read_header(number: int, values) -> dict[str, tuple[int, str]]:
    columns: dict[str, tuple[int, str]] = {}
    errors = []
    lang = current_language()
    for index, value in enumerate(values):
        if _blank(value):
            continue
        key = _HEADER_KEYS.get(_norm_header(value))
        if key is None:
            continue  # other columns (notes, ...) are ignored
        text = str(value).strip()
        if key in columns:
            errors.append(RowError(number, text, _("The column '%(column)s' is there twice.",
                                                   column=COLUMN_BY_KEY[key].header(lang))))
        else:
            columns[key] = (index, text)
    for column in COLUMNS:
        if column.required and column.key not in columns:
            errors.append(RowError(number, column.header(lang), _("The required column '%(column)s' is missing.",
                                                                  column=column.header(lang))))
    if errors:
        raise ImportRejected(_("The columns of the file are not right; download the template for the right column "
                               "names. Nothing has been saved."), errors)
    return columns

