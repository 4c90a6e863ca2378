"""The spreadsheet templates for importing expenditure lines (XLSX and CSV), and their columns.

The columns are shared with the importer in ``app.services.imports``, which reads files laid out like
these templates; the builders here take plain data (:class:`TemplateData`) and return bytes.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import formatting
from .i18n import translator
from .xlsx import is_formula_like, set_text

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Names the importer recognises in either language, whatever the language of the page that reads the file:
# the sheet of expenditures, the help sheet, and the marker that makes the example row refused if left in.
SHEET_NAMES = {"nl": "Uitgaven", "en": "Expenditures"}
HELP_SHEET_NAMES = {"nl": "Toelichting", "en": "Explanation"}
EXAMPLE_MARKERS = {"nl": "VOORBEELD - vervang of verwijder deze rij", "en": "EXAMPLE - replace or delete this row"}
SHEET_NAME, HELP_SHEET_NAME, EXAMPLE_MARKER = SHEET_NAMES["nl"], HELP_SHEET_NAMES["nl"], EXAMPLE_MARKERS["nl"]
_XLSX_DATE = {"nl": "DD-MM-YYYY", "en": "DD/MM/YYYY"}
_CSV_DELIMITER = {"nl": ";", "en": ","}  # what Belgian and Dutch Excel, and English Excel, expect


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Dutch header, as the Dutch template writes it
    english: str  # the English header, as the English template writes it
    aliases: tuple[str, ...]  # other accepted headers
    required: bool
    width: int

    def header(self, lang: str | None) -> str:
        """The header as the template of this language writes it (the importer accepts both)."""
        return self.english if lang == "en" else self.label

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header the importer accepts for this column."""
        return (self.label, self.english, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column("category", "Kostencategorie", "Cost category", ("Category",), True, 38),
    Column("period", "Periode", "Period", ("Reporting period",), True, 9),
    Column("internal_ref", "Interne referentie", "Internal reference", (), False, 18),
    Column("supplier", "Leverancier", "Supplier", (), True, 30),
    Column("invoice_number", "Factuurnummer", "Invoice number", (), True, 16),
    Column("invoice_date", "Factuurdatum", "Invoice date", (), True, 13),
    Column("payment_date", "Betaaldatum", "Payment date", (), True, 13),
    Column("description", "Omschrijving", "Description", (), True, 40),
    Column("gross", "Brutobedrag", "Gross amount", ("Gross",), True, 14),
    Column("vat", "Btw", "VAT", ("VAT amount",), True, 12),
    Column("vat_recoverable", "Btw terugvorderbaar", "VAT recoverable", (), False, 12),
    Column("declared", "Gedeclareerd bedrag", "Declared amount", ("Declared",), True, 14),
)


def explanations(_: Callable[..., str], lang: str | None) -> dict[str, str]:
    """What goes in each column, in the language ``lang`` whose gettext is ``_`` (the web page's, or a
    translator of :mod:`reports.i18n`). Examples of amounts and dates come first as the language writes them."""
    return {
        "category": _("The name of a cost category of the project, or its code (see the sheet %(sheet)s).",
                      sheet=HELP_SHEET_NAMES.get(lang or "nl", HELP_SHEET_NAME)),
        "period": _("The number of the reporting period (1, 2, ...)."),
        "internal_ref": _("Optional: your own booking number (at most 60 characters)."),
        "supplier": _("Name of the supplier or beneficiary."),
        "invoice_number": _("The number of the invoice or other evidence (at most 60 characters)."),
        "invoice_date": _("A date cell, or text such as 31/12/2021, 31-12-2021 or 2021-12-31."),
        "payment_date": _("The same; must fall within the eligibility period of the project."),
        "description": _("What was bought or paid for."),
        "gross": _("The invoice amount including VAT, in euro: 1,234.56 or 1.234,56; at most two decimals."),
        "vat": _("The VAT amount on the invoice (0 if there is no VAT)."),
        "vat_recoverable": _("yes or no; empty: the partner's default."),
        "declared": _("The amount you claim: at most the gross amount, minus the VAT if it is recoverable."),
    }


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
    language: str = "nl"  # of the template's headers, texts, dates and amounts (the importer reads both)


def example_row(data: TemplateData) -> dict:
    """The example row: marked, so that the importer refuses it if it is left in."""
    _ = translator(data.language)
    category = next((c for c in data.categories if c.code == "external"),
                    data.categories[0] if data.categories else None)
    period = data.periods[0] if data.periods else None
    start = max(period.start if period else data.eligibility_start, data.eligibility_start)
    invoice_date = min(start + timedelta(days=14), data.eligibility_end)
    payment_date = min(invoice_date + timedelta(days=30), data.eligibility_end)
    return {
        "category": category.name if category else "", "category_code": category.code if category else "",
        "period": period.number if period else 1, "internal_ref": _("BOOK-0001"),
        "supplier": _("Example Printers Ltd"), "invoice_number": "F-0042", "invoice_date": invoice_date,
        "payment_date": payment_date,
        "description": f"{EXAMPLE_MARKERS.get(data.language, EXAMPLE_MARKER)}: {_('printing of a brochure')}",
        "gross": Decimal("1210.00"), "vat": Decimal("210.00"), "vat_recoverable": _("no"),
        "declared": Decimal("1210.00"),
    }


def template_xlsx(data: TemplateData) -> bytes:
    """The XLSX template in the data's language: the columns with one example row, and a help sheet with
    the columns, the project's categories (names and codes) and the reporting periods with their dates."""
    lang = data.language
    _ = translator(lang)
    example = example_row(data)
    date_format = _XLSX_DATE.get(lang, _XLSX_DATE["nl"])
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAMES.get(lang, SHEET_NAME)
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        head = ws.cell(row=1, column=index, value=column.header(lang))
        head.font = bold
        ws.column_dimensions[get_column_letter(index)].width = column.width
        cell = ws.cell(row=2, column=index)
        value = example[column.key]
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
        if isinstance(value, date):
            cell.number_format = date_format
        elif isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET_NAMES.get(lang, HELP_SHEET_NAME))
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
                cell.number_format = date_format
            if font:
                cell.font = font
            cell.alignment = Alignment(vertical="top", horizontal="left", wrap_text=index == 3)

    line(_("Importing expenditures – project %(code)s: %(name)s", code=data.project_code, name=data.project_name),
         font=Font(bold=True, size=13))
    line(_("One row per expenditure on the sheet '%(sheet)s'; the first row holds the column names. The whole "
           "file is imported, or nothing: if there is an error, you see for each row what must change.",
           sheet=ws.title))
    line(_("Eligibility period"), formatting.date_range(data.eligibility_start, data.eligibility_end, lang),
         _("The payment date must fall within it. Recoverable VAT is not eligible."))
    line()
    line(_("Column"), _("Required"), _("Content"), font=bold)
    texts = explanations(_, lang)
    for column in COLUMNS:
        line(column.header(lang), _("yes") if column.required else _("no"), texts[column.key])
    line()
    line(_("Cost category (name)"), _("Code"), font=bold)
    for category in data.categories:
        line(category.name, category.code)
    if data.flat_rate_categories:
        line(_("At a flat rate"), "", _("This partner claims %(categories)s at a flat rate: you enter no "
                                        "expenditure lines for it, the amount is computed on the claim.",
                                        categories=", ".join(data.flat_rate_categories)))
    else:
        line(_("At a flat rate"), "", _("A category that a partner claims at a flat rate (e.g. office and "
                                        "administration costs as a percentage of staff costs) gets no expenditure "
                                        "lines."))
    line()
    line(_("Period"), _("From"), _("To"), font=bold)
    for period in data.periods:
        line(period.number, period.start, period.end)
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.close()
    return buffer.getvalue()


def template_csv(data: TemplateData) -> bytes:
    """The CSV template: UTF-8 with BOM, in the data's language: Dutch ';'-separated with Dutch notation (as
    Belgian and Dutch Excel expect), English ','-separated with English notation."""
    lang = data.language
    example = example_row(data)
    if is_formula_like(example["category"]):
        example["category"] = example["category_code"]  # never a formula in a CSV cell
    formatted = []
    for column in COLUMNS:
        value = example[column.key]
        if isinstance(value, date):
            value = formatting.day(value, lang)
        elif isinstance(value, Decimal):
            value = formatting.money(value, lang, sign=False)
        formatted.append(str(value))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=_CSV_DELIMITER.get(lang, ";"), lineterminator="\r\n")
    writer.writerow([c.header(lang) for c in COLUMNS])
    writer.writerow(formatted)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
