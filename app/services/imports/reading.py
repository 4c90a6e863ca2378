"""Reading an uploaded spreadsheet (XLSX or CSV) into its header and rows of raw cell values."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask_babel import gettext as _
from openpyxl import load_workbook

from reports.expenditure_template import COLUMN_BY_KEY, COLUMNS, HELP_SHEET_NAME, SHEET_NAME

from ... import formatting
from ...errors import DomainError

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
    return name[-255:] if name else "bestand"


def file_kind(filename: str) -> str:
    lowered = filename.lower()
    for kind in ("xlsx", "csv"):
        if lowered.endswith("." + kind):
            return kind
    raise ImportRejected("Alleen Excel-werkmappen (.xlsx) en CSV-bestanden (.csv) kunnen geïmporteerd worden.")


def _norm(text) -> str:
    """Case, spaces and punctuation do not count: 'Btw-terugvorderbaar' == 'btw terugvorderbaar'."""
    return "".join(ch for ch in str(text or "").casefold() if ch.isalnum())


def _norm_header(text) -> str:
    """A header, also without a remark in brackets: 'Brutobedrag (EUR)' == 'Brutobedrag'."""
    return _norm(re.sub(r"\(.*?\)", "", str(text or "")))


_HEADER_KEYS = {_norm_header(name): c.key for c in COLUMNS for name in (c.label, *c.aliases)}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _iter_xlsx(data: bytes) -> Iterator[tuple[int, tuple]]:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportRejected("Dit is een ouder Excel-bestand (.xls) of een met een wachtwoord beveiligde werkmap. "
                             "Sla het in Excel op als 'Excel-werkmap (.xlsx)', zonder wachtwoord.")
    if data[:4] != b"PK\x03\x04":
        raise ImportRejected("Dit bestand is geen Excel-werkmap (.xlsx), ook al eindigt de naam op .xlsx. "
                             "Sla het in Excel op als 'Excel-werkmap (.xlsx)' of als 'CSV UTF-8'.")
    from .zipcheck import check_xlsx_zip  # it raises ImportRejected, defined here
    check_xlsx_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise ImportRejected("Deze Excel-werkmap kan niet gelezen worden (beschadigd of geen .xlsx). "
                             "Open het bestand in Excel en sla het opnieuw op als 'Excel-werkmap (.xlsx)'.") from None
    try:
        sheets = workbook.worksheets
        sheet = next((s for s in sheets if s.title.strip().casefold() == SHEET_NAME.casefold()), None)
        if sheet is None:
            sheet = next((s for s in sheets if s.title != HELP_SHEET_NAME), None) or (sheets[0] if sheets else None)
        if sheet is None:
            return
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # the stored size may be wrong; read until the last row
        try:
            yield from enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1)
        except Exception:
            raise ImportRejected("Deze Excel-werkmap kan niet gelezen worden (beschadigd). Open het bestand in "
                                 "Excel en sla het opnieuw op als 'Excel-werkmap (.xlsx)'.") from None
    finally:
        workbook.close()


def _iter_csv(data: bytes) -> Iterator[tuple[int, tuple]]:
    if data[:4] == b"PK\x03\x04" or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportRejected("Dit is een Excel-bestand met de naam .csv. Geef het de naam .xlsx, of sla het in "
                             "Excel op als 'CSV UTF-8'.")
    if b"\x00" in data:
        raise ImportRejected("Dit bestand is geen CSV-tekstbestand in UTF-8 (UTF-16 of binaire inhoud?). "
                             "Sla het in Excel op als 'CSV UTF-8 (door komma's gescheiden)'.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected("Dit CSV-bestand is niet in UTF-8 opgeslagen (accenten zouden verkeerd overkomen). "
                             "Sla het in Excel op als 'CSV UTF-8 (door komma's gescheiden)'.") from None
    head, _, rest = text.partition("\n")
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
        raise ImportRejected(f"Dit CSV-bestand is niet goed opgebouwd: {error}.") from None


def read_sheet(filename: str, data: bytes) -> RawSheet:
    """The header and the non-empty data rows of an XLSX or CSV file; raises ImportRejected for a file that
    cannot be read, has no header, lacks required columns, has no data rows or too many."""
    kind = file_kind(filename)
    if not data:
        raise ImportRejected("Het bestand is leeg.")
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
                limit = f"{MAX_ROWS:,}".replace(",", ".")
                raise ImportRejected(f"Het bestand telt meer dan {limit} uitgavenlijnen (het maximum); verdeel "
                                     "de lijnen over meerdere bestanden. Er is niets opgeslagen.")
            rows.append((number, tuple(values)))
    finally:
        source.close()
    if not header_row:
        raise ImportRejected("Het bestand bevat geen gegevens: de eerste rij moet de kolomnamen bevatten "
                             "(download het sjabloon).")
    if not rows:
        raise ImportRejected("Het bestand bevat geen uitgavenlijnen: alleen de rij met kolomnamen, daaronder "
                             "niets.")
    return RawSheet(header_row, columns, rows)


def _read_header(number: int, values) -> dict[str, tuple[int, str]]:
    columns: dict[str, tuple[int, str]] = {}
    errors = []
    for index, value in enumerate(values):
        if _blank(value):
            continue
        key = _HEADER_KEYS.get(_norm_header(value))
        if key is None:
            continue  # other columns (notes, ...) are ignored
        text = str(value).strip()
        if key in columns:
            errors.append(RowError(number, text, f"De kolom '{COLUMN_BY_KEY[key].label}' staat er twee keer."))
        else:
            columns[key] = (index, text)
    for column in COLUMNS:
        if column.required and column.key not in columns:
            errors.append(RowError(number, column.label, f"De verplichte kolom '{column.label}' ontbreekt."))
    if errors:
        raise ImportRejected("De kolommen van het bestand kloppen niet; download het sjabloon voor de juiste "
                             "kolomnamen. Er is niets opgeslagen.", errors)
    return columns

