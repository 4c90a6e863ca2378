"""The spreadsheet templates for importing expenditure lines (XLSX and CSV), and their columns.

The columns are shared with the importer in ``app.services.imports``, which reads files laid out like
these templates; the builders here take plain data (:class:`TemplateData`) and return bytes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import formatting
from .xlsx import is_formula_like, set_text

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = "Uitgaven"
HELP_SHEET_NAME = "Toelichting"
EXAMPLE_MARKER = "VOORBEELD - vervang of verwijder deze rij"


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


@dataclass(frozen=True)
class Category:
    name: str
    code: str


@dataclass(frozen=True)
class Period:
    number: int
    start: date
    end: date


@dataclass(frozen=True)
class TemplateData:
    """What a template shows of a project: its code and name, the eligibility period, the categories and
    periods, and the categories that the partner (if one is known) claims at a flat rate."""

    project_code: str
    project_name: str
    eligibility_start: date
    eligibility_end: date
    categories: list[Category]
    periods: list[Period]
    flat_rate_categories: list[str] = field(default_factory=list)


def example_row(data: TemplateData) -> dict:
    """The example row: marked, so that the importer refuses it if it is left in."""
    category = next((c for c in data.categories if c.code == "external"),
                    data.categories[0] if data.categories else None)
    period = data.periods[0] if data.periods else None
    start = max(period.start if period else data.eligibility_start, data.eligibility_start)
    invoice_date = min(start + timedelta(days=14), data.eligibility_end)
    payment_date = min(invoice_date + timedelta(days=30), data.eligibility_end)
    return {
        "category": category.name if category else "", "category_code": category.code if category else "",
        "period": period.number if period else 1, "internal_ref": "BOEK-0001", "supplier": "Drukkerij Voorbeeld bv",
        "invoice_number": "F-0042", "invoice_date": invoice_date, "payment_date": payment_date,
        "description": f"{EXAMPLE_MARKER}: drukwerk brochure",
        "gross": Decimal("1210.00"), "vat": Decimal("210.00"), "vat_recoverable": "nee",
        "declared": Decimal("1210.00"),
    }


def template_xlsx(data: TemplateData) -> bytes:
    """The XLSX template: the columns with one example row, and a sheet 'Toelichting' with the columns,
    the project's categories (names and codes) and the reporting periods with their dates."""
    example = example_row(data)
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
            set_text(cell, value)
        else:
            cell.value = value
        if isinstance(value, date):
            cell.number_format = "DD-MM-YYYY"
        elif isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET_NAME)
    for letter, width in (("A", 42), ("B", 16), ("C", 90)):
        help_ws.column_dimensions[letter].width = width
    row = 0

    def line(*values, font=None):
        nonlocal row
        row += 1
        for index, value in enumerate(values, start=1):
            cell = help_ws.cell(row=row, column=index)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
            if isinstance(value, date):
                cell.number_format = "DD-MM-YYYY"
            if font:
                cell.font = font
            cell.alignment = Alignment(vertical="top", horizontal="left", wrap_text=index == 3)

    line(f"Uitgaven importeren – project {data.project_code}: {data.project_name}", font=Font(bold=True, size=13))
    line("Eén rij per uitgave op het blad 'Uitgaven'; de eerste rij bevat de kolomnamen. Het hele bestand wordt "
         "geïmporteerd, of niets: bij een fout ziet u per rij wat er moet veranderen.")
    line("Subsidiabiliteitsperiode", formatting.date_range(data.eligibility_start, data.eligibility_end),
         "De betaaldatum moet hierbinnen vallen. Terugvorderbare btw is niet subsidiabel.")
    line()
    line("Kolom", "Verplicht", "Inhoud", font=bold)
    for column in COLUMNS:
        line(column.label, "ja" if column.required else "nee", column.explanation)
    line()
    line("Kostencategorie (naam)", "Code", font=bold)
    for category in data.categories:
        line(category.name, category.code)
    if data.flat_rate_categories:
        line("Forfaitair", "", "Deze partner declareert " + ", ".join(data.flat_rate_categories) + " forfaitair: "
             "daarvoor voert u geen uitgavenlijnen in, het bedrag wordt op de declaratie berekend.")
    else:
        line("Forfaitair", "", "Een categorie die een partner forfaitair declareert (bv. kantoor- en "
             "administratiekosten als % van de personeelskosten), krijgt geen uitgavenlijnen.")
    line()
    line("Periode", "Van", "Tot", font=bold)
    for period in data.periods:
        line(period.number, period.start, period.end)
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.close()
    return buffer.getvalue()


def template_csv(data: TemplateData) -> bytes:
    """The CSV template: UTF-8 with BOM, ';'-separated (as Belgian and Dutch Excel expect), Dutch notation."""
    example = example_row(data)
    if is_formula_like(example["category"]):
        example["category"] = example["category_code"]  # never a formula in a CSV cell
    formatted = []
    for column in COLUMNS:
        value = example[column.key]
        if isinstance(value, date):
            value = formatting.day(value, "nl")
        elif isinstance(value, Decimal):
            value = formatting.money(value, "nl", sign=False)
        formatted.append(str(value))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS])
    writer.writerow(formatted)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
