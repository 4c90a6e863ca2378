"""Bulk import of expenditure lines for one partner from a spreadsheet (XLSX or CSV): all rows or none.

Every row is parsed and checked with the same rules as the expenditure form
(:func:`app.services.expenditures.validate`); the problems of all rows are collected with the row number as
the user sees it in the spreadsheet (the header is row 1). One problem anywhere and nothing is saved
(:class:`ImportRejected`). Otherwise the lines go into the database in one bulk INSERT, under one
:class:`~app.models.ExpenditureImport` and one audit event. Lines whose supplier and invoice number already
occur in the project, or twice in the file, are reported (possible double financing), not refused.

Amounts are parsed by :mod:`app.money`; a numeric spreadsheet cell (a float from openpyxl) becomes a Decimal
through its shortest round-trip ``repr``, never through float arithmetic, and must have at most two decimals.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePosixPath

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select

from ..errors import DomainError, NotFound
from ..extensions import db
from ..models import (
    CostCategory,
    Expenditure,
    ExpenditureImport,
    ExpenditureStatus,
    Partner,
    Project,
    ReportingPeriod,
    User,
    duplicate_key,
)
from ..models.types import utcnow
from ..money import ZERO, MoneyError, format_money, parse_money
from ..permissions import can_register_for, can_see_partner, require, role_label
from . import audit
from .audit import Actor
from .budget import categories_of, periods_of
from .expenditures import ExpenditureData, ProjectLookups, validate

MAX_ROWS = 20_000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = "Uitgaven"
HELP_SHEET_NAME = "Toelichting"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Dutch header, as in the template
    aliases: tuple[str, ...]  # other accepted headers (English)
    required: bool
    explanation: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("category", "Kostencategorie", ("Cost category", "Category"), True,
           "De naam van een kostencategorie van het project, of haar code (zie het blad Toelichting).", 38),
    Column("period", "Periode", ("Period", "Reporting period"), True,
           "Het nummer van de rapportageperiode (1, 2, ...).", 9),
    Column("internal_ref", "Interne referentie", ("Internal reference",), False,
           "Facultatief: uw eigen boekingsnummer (hoogstens 60 tekens).", 18),
    Column("supplier", "Leverancier", ("Supplier",), True, "Naam van de leverancier of begunstigde.", 30),
    Column("invoice_number", "Factuurnummer", ("Invoice number",), True,
           "Het nummer van de factuur of het bewijsstuk (hoogstens 60 tekens).", 16),
    Column("invoice_date", "Factuurdatum", ("Invoice date",), True,
           "Een datumcel, of tekst als 31-12-2021, 31/12/2021 of 2021-12-31.", 13),
    Column("payment_date", "Betaaldatum", ("Payment date",), True,
           "Idem; moet binnen de subsidiabiliteitsperiode van het project vallen.", 13),
    Column("description", "Omschrijving", ("Description",), True, "Wat werd er aangekocht of betaald.", 40),
    Column("gross", "Brutobedrag", ("Gross amount", "Gross"), True,
           "Het factuurbedrag inclusief btw, in euro: 1.234,56 of 1,234.56; hoogstens twee decimalen.", 14),
    Column("vat", "Btw", ("VAT", "VAT amount"), True, "Het btw-bedrag op de factuur (0 als er geen btw is).", 12),
    Column("vat_recoverable", "Btw terugvorderbaar", ("VAT recoverable",), False,
           "ja of nee; leeg: de standaard van de partner.", 12),
    Column("declared", "Gedeclareerd bedrag", ("Declared amount", "Declared"), True,
           "Het bedrag dat u declareert: hoogstens het brutobedrag, min de btw als die terugvorderbaar is.", 14),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
_COLUMN_ORDER = {c.key: i for i, c in enumerate(COLUMNS)}

TEXT_LIMITS = {"internal_ref": 60, "supplier": 200, "invoice_number": 60}
_TRUE = {"ja", "j", "yes", "y", "1", "true", "waar"}
_FALSE = {"nee", "n", "no", "0", "false", "onwaar"}
_DATE_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PERIOD = re.compile(r"^(?:periode|period|p)?\s*(\d{1,4})$", re.IGNORECASE)

# The import column of each field of ExpenditureData (the fields validate() names).
_FIELD_COLUMNS = {"category_id": "category", "period_id": "period", "gross_amount": "gross", "vat_amount": "vat",
                  "declared_amount": "declared"}


# --------------------------------------------------------------------------------------------------------------
# Results and errors


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


@dataclass(frozen=True)
class DuplicateLine:
    """A line of the file with a supplier + invoice number that also occurs elsewhere: possible double
    financing. ``existing_ids``: active expenditures of the project (any partner); ``file_rows``: other rows
    of the same file."""

    row: int
    existing_ids: tuple[int, ...] = ()
    file_rows: tuple[int, ...] = ()

    def describe(self, with_ids: bool = True) -> str:
        """In Dutch; ``with_ids=False`` for a partner user, who may not learn which other expenditures
        (possibly another partner's) carry the same invoice."""
        parts = []
        if self.existing_ids and with_ids:
            noun = "uitgave" if len(self.existing_ids) == 1 else "uitgaven"
            parts.append(f"al geregistreerd als {noun} {', '.join(f'#{i}' for i in self.existing_ids)}")
        elif self.existing_ids:
            parts.append("komt al voor in het project")
        if self.file_rows:
            parts.append(f"twee keer in het bestand (ook rij {', '.join(map(str, self.file_rows))})")
        return f"rij {self.row}: " + "; ".join(parts)


@dataclass
class ImportResult:
    import_id: int
    count: int
    total: Decimal
    duplicates: list[DuplicateLine] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedLine:
    row: int
    data: ExpenditureData


# --------------------------------------------------------------------------------------------------------------
# Reading the file: rows of raw cell values


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
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
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
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), start=1)
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
            if all(_blank(v) for v in values):
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


# --------------------------------------------------------------------------------------------------------------
# Parsing cell values


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        number = Decimal(repr(value))
        return f"{number.to_integral_value():f}" if number == number.to_integral_value() else f"{number:f}"
    if isinstance(value, datetime):
        return f"{value:%d-%m-%Y}" if value.time() == time() else f"{value:%d-%m-%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    return str(value).strip()


def _amount(value) -> Decimal:
    if isinstance(value, bool) or isinstance(value, datetime | date | time | timedelta):
        raise CellError(f"'{_text(value)}' is geen bedrag.")
    if isinstance(value, float):
        try:
            return parse_money(Decimal(repr(value)), allow_negative=True)
        except MoneyError as error:
            hint = (" Rond in Excel af op twee decimalen (bv. met =AFRONDEN(...;2))."
                    if "decimalen" in str(error) else "")
            raise CellError(f"{error}{hint}") from None
    try:
        return parse_money(value, allow_negative=True)
    except MoneyError as error:
        raise CellError(str(error)) from None


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(f"'{_text(value)}' is geen datum: geef de cel een datumopmaak, of schrijf de datum als "
                        "31-12-2021.")
    text = _text(value)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]00:00(:00)?", text):
        text = text[:10].rstrip()
    if match := _DATE_DMY.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _DATE_YMD.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise CellError(f"'{text}' is geen datum: schrijf 31-12-2021, 31/12/2021 of 2021-12-31.")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"'{text}' is geen bestaande datum.") from None


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"'{_text(value)}' is geen ja of nee.")


class _Resolver:
    """Category and period of a row, from the lookups loaded once for the whole file."""

    def __init__(self, lookups: ProjectLookups):
        self.categories: dict[str, int] = {}
        for category in lookups.categories.values():
            self.categories[_norm(category.name)] = category.id
            self.categories[str(category.kind.value).casefold()] = category.id
        self.periods = {p.number: p.id for p in lookups.periods.values()}
        numbers = sorted(self.periods)
        self.period_range = f"{numbers[0]} tot {numbers[-1]}" if numbers else "geen"

    def category(self, value) -> int:
        text = _text(value)
        found = self.categories.get(text.casefold()) or self.categories.get(_norm(text))
        if found is None:
            raise CellError(f"Onbekende kostencategorie '{text}': gebruik de naam of de code van een "
                            "kostencategorie van dit project (zie het blad Toelichting van het sjabloon).")
        return found

    def period(self, value) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        match = _PERIOD.match(_text(value))
        if match is None or isinstance(value, bool):
            raise CellError(f"'{_text(value)}' is geen periodenummer.")
        number = int(match[1])
        if number not in self.periods:
            raise CellError(f"Periode {number} bestaat niet in dit project (perioden {self.period_range}).")
        return self.periods[number]


def _check_row(number: int, values: tuple, sheet: RawSheet, partner: Partner, lookups: ProjectLookups,
               resolver: _Resolver) -> tuple[ExpenditureData | None, list[RowError]]:
    """Parse one row and apply the expenditure rules; every problem of the row, each tied to its column."""
    problems: dict[str, list[str]] = {}

    def cell(key):
        position = sheet.columns.get(key)
        if position is None or position[0] >= len(values):
            return None
        return values[position[0]]

    def parse(key, parser, *, default=None):
        raw = cell(key)
        if _blank(raw):
            if COLUMN_BY_KEY[key].required and default is None:
                problems.setdefault(key, []).append(f"{COLUMN_BY_KEY[key].label} is verplicht.")
            return default
        try:
            return parser(raw)
        except CellError as error:
            problems.setdefault(key, []).append(str(error))
            return None

    def text(key) -> str:
        value = _text(cell(key))
        limit = TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            problems.setdefault(key, []).append(
                f"{COLUMN_BY_KEY[key].label} is te lang: hoogstens {limit} tekens, hier {len(value)}.")
        return value

    data = ExpenditureData(
        category_id=parse("category", resolver.category),
        period_id=parse("period", resolver.period),
        internal_ref=text("internal_ref"),
        supplier=text("supplier"),
        invoice_number=text("invoice_number"),
        invoice_date=parse("invoice_date", _date),
        payment_date=parse("payment_date", _date),
        description=text("description"),
        gross_amount=parse("gross", _amount),
        vat_amount=parse("vat", _amount),
        vat_recoverable=parse("vat_recoverable", _yes_no, default=partner.vat_recoverable),
        declared_amount=parse("declared", _amount),
    )
    if data.vat_recoverable is None:  # unreadable yes/no: judge the amounts by the partner's default
        data.vat_recoverable = partner.vat_recoverable
    if (data.description or "").startswith(EXAMPLE_MARKER):
        problems.setdefault("description", []).append(
            "Dit is de voorbeeldrij van het sjabloon: vervang ze door een echte uitgave of verwijder ze.")
    unreadable = set(problems)
    if "vat_recoverable" in unreadable:
        unreadable.add("declared")
    for field_name, message in validate(data, partner, lookups):
        key = _FIELD_COLUMNS.get(field_name, field_name)
        if key not in unreadable and message not in problems.get(key, []):
            problems.setdefault(key, []).append(message)
    errors = []
    for key in sorted(problems, key=lambda k: _COLUMN_ORDER.get(k, len(COLUMNS))):
        column = sheet.columns[key][1] if key in sheet.columns else (COLUMN_BY_KEY[key].label if key else "")
        errors.extend(RowError(number, column, message) for message in problems[key])
    return (None if errors else data), errors


def check_file(partner: Partner, filename: str, data: bytes, lookups: ProjectLookups | None = None
               ) -> list[CheckedLine]:
    """Read and check a whole file for a partner, without saving anything: the parsed lines, or
    ImportRejected listing every problem of every row."""
    sheet = read_sheet(clean_filename(filename), data)
    lookups = lookups or ProjectLookups(partner.project)
    resolver = _Resolver(lookups)
    lines, errors = [], []
    for number, values in sheet.rows:
        parsed, row_errors = _check_row(number, values, sheet, partner, lookups, resolver)
        if row_errors:
            errors.extend(row_errors)
        else:
            lines.append(CheckedLine(number, parsed))
    if errors:
        bad = len({e.row for e in errors})
        noun = "rij bevat" if bad == 1 else "rijen bevatten"
        raise ImportRejected(f"Het bestand is niet geïmporteerd: {bad} {noun} fouten. Er is niets opgeslagen; "
                             "verbeter de rijen hieronder en laad het bestand opnieuw op.", errors)
    return lines


# --------------------------------------------------------------------------------------------------------------
# Double financing and saving


def find_duplicates(project_id: int, lines: list[CheckedLine], chunk: int = 500) -> list[DuplicateLine]:
    """Lines whose supplier + invoice number occur in the project already (active, not a correction, any
    partner) or more than once in the file. A few queries per 500 distinct keys, never one per row."""
    rows_by_key: dict[str, list[int]] = {}
    for line in lines:
        key = duplicate_key(line.data.supplier, line.data.invoice_number)
        supplier, _, invoice = key.partition("|")
        if supplier and invoice:
            rows_by_key.setdefault(key, []).append(line.row)
    existing: dict[str, list[int]] = {}
    keys = list(rows_by_key)
    for start in range(0, len(keys), chunk):
        for exp_id, key in db.session.execute(
                select(Expenditure.id, Expenditure.dup_key).where(
                    Expenditure.project_id == project_id, Expenditure.dup_key.in_(keys[start:start + chunk]),
                    Expenditure.status == ExpenditureStatus.ACTIVE, Expenditure.corrects_id.is_(None))
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
        raise NotFound("Partner niet gevonden.")
    require(can_register_for(user, partner),
            "Alleen de partner zelf of een financieel medewerker registreert uitgaven.")
    filename = clean_filename(filename)
    project = partner.project
    lines = check_file(partner, filename, data, ProjectLookups(project))
    duplicates = find_duplicates(project.id, lines)
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


def _template_data(project: Project) -> tuple[list[CostCategory], list[ReportingPeriod]]:
    return categories_of(project), periods_of(project)


def _example(project: Project, categories: list[CostCategory], periods: list[ReportingPeriod]) -> dict:
    category = next((c for c in categories if c.kind.value == "external"), categories[0] if categories else None)
    period = periods[0] if periods else None
    start = max(period.start_date if period else project.eligibility_start, project.eligibility_start)
    invoice_date = min(start + timedelta(days=14), project.eligibility_end)
    payment_date = min(invoice_date + timedelta(days=30), project.eligibility_end)
    return {
        "category": category.name if category else "", "category_code": category.kind.value if category else "",
        "period": period.number if period else 1, "internal_ref": "BOEK-0001", "supplier": "Drukkerij Voorbeeld bv",
        "invoice_number": "F-0042", "invoice_date": invoice_date, "payment_date": payment_date,
        "description": f"{EXAMPLE_MARKER}: drukwerk brochure",
        "gross": Decimal("1210.00"), "vat": Decimal("210.00"), "vat_recoverable": "nee",
        "declared": Decimal("1210.00"),
    }


_FORMULA_START = ("=", "+", "-", "@")
EXAMPLE_MARKER = "VOORBEELD - vervang of verwijder deze rij"


def _safe_text(cell, value: str) -> None:
    """User text in a cell: always as text, never as a formula."""
    cell.value = value
    cell.data_type = "s"


def template_xlsx(project: Project) -> bytes:
    """The XLSX template: the columns with one example row, and a sheet 'Toelichting' with the columns,
    the project's categories (names and codes) and the reporting periods with their dates."""
    categories, periods = _template_data(project)
    example = _example(project, categories, periods)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        head = ws.cell(row=1, column=index, value=column.label)
        head.font = bold
        ws.column_dimensions[get_column_letter(index)].width = column.width
        cell = ws.cell(row=2, column=index)
        value = example[column.key]
        if isinstance(value, str):
            _safe_text(cell, value)
        else:
            cell.value = value
        if isinstance(value, date):
            cell.number_format = "DD-MM-YYYY"
        elif isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET_NAME)
    help_ws.column_dimensions["A"].width = 42
    help_ws.column_dimensions["B"].width = 16
    help_ws.column_dimensions["C"].width = 90

    row = 0

    def line(*values, font=None):
        nonlocal row
        row += 1
        for index, value in enumerate(values, start=1):
            cell = help_ws.cell(row=row, column=index)
            if isinstance(value, str):
                _safe_text(cell, value)
            else:
                cell.value = value
            if isinstance(value, date):
                cell.number_format = "DD-MM-YYYY"
            if font:
                cell.font = font
            cell.alignment = Alignment(vertical="top", wrap_text=index == 3)

    line(f"Uitgaven importeren – project {project.code}: {project.name}", font=Font(bold=True, size=13))
    line("Eén rij per uitgave op het blad 'Uitgaven'; de eerste rij bevat de kolomnamen. Het hele bestand wordt "
         "geïmporteerd, of niets: bij een fout ziet u per rij wat er moet veranderen.")
    line("Subsidiabiliteitsperiode", f"{project.eligibility_start:%d-%m-%Y} – {project.eligibility_end:%d-%m-%Y}",
         "De betaaldatum moet hierbinnen vallen. Terugvorderbare btw is niet subsidiabel.")
    line()
    line("Kolom", "Verplicht", "Inhoud", font=bold)
    for column in COLUMNS:
        line(column.label, "ja" if column.required else "nee", column.explanation)
    line()
    line("Kostencategorie (naam)", "Code", "Opmerking", font=bold)
    for category in categories:
        line(category.name, category.kind.value,
             "Een categorie die uw organisatie forfaitair declareert, krijgt geen uitgavenlijnen.")
    line()
    line("Periode", "Van", "Tot", font=bold)
    for period in periods:
        line(period.number, period.start_date, period.end_date)
        help_ws.cell(row=row, column=1).alignment = Alignment(horizontal="left")
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.close()
    return buffer.getvalue()


def template_csv(project: Project) -> bytes:
    """The CSV template: UTF-8 with BOM, ';'-separated (as Belgian and Dutch Excel expect), Dutch notation."""
    categories, periods = _template_data(project)
    example = _example(project, categories, periods)
    if example["category"].startswith(_FORMULA_START):
        example["category"] = example["category_code"]  # never a formula in a CSV cell
    formatted = []
    for column in COLUMNS:
        value = example[column.key]
        if isinstance(value, date):
            value = f"{value:%d-%m-%Y}"
        elif isinstance(value, Decimal):
            value = format_money(value)
        formatted.append(str(value))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS])
    writer.writerow(formatted)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
