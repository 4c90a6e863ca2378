"""Checking the rows of an imported file: every cell parsed and every expenditure rule applied, each
problem tied to its row and column (the header is row 1)."""
from __future__ import annotations

from dataclasses import dataclass

from reports.expenditure_template import COLUMN_BY_KEY, COLUMNS, EXAMPLE_MARKERS

from ...i18n import current_language, ngettext
from ...i18n import gettext as _
from ...models import Partner
from ..expenditures import ExpenditureData, ProjectLookups, validate
from ..expenditures.rules import TEXT_LIMITS
from .cells import CellError, _amount, _date, _Resolver, _text, _yes_no
from .reading import ImportRejected, RawSheet, RowError, _blank, clean_filename, read_sheet

_COLUMN_ORDER = {c.key: i for i, c in enumerate(COLUMNS)}
_EXAMPLE_MARKERS = tuple(EXAMPLE_MARKERS.values())  # the example row of a template in either language
# The import column of each field of ExpenditureData (the fields validate() names).
_FIELD_COLUMNS = {"category_id": "category", "period_id": "period", "gross_amount": "gross", "vat_amount": "vat",
                  "declared_amount": "declared"}


@dataclass(frozen=True)
class CheckedLine:
    row: int
    data: ExpenditureData


def _check_row(number: int, values: tuple, sheet: RawSheet, partner: Partner, lookups: ProjectLookups,
               resolver: _Resolver) -> tuple[ExpenditureData | None, list[RowError]]:
    """Parse one row and apply the expenditure rules; every problem of the row, each tied to its column."""
    problems: dict[str, list[str]] = {}

    def header(key) -> str:
        return COLUMN_BY_KEY[key].header(current_language())

    def cell(key):
        position = sheet.columns.get(key)
        if position is None or position[0] >= len(values):
            return None
        return values[position[0]]

    def parse(key, parser, *, default=None):
        raw = cell(key)
        if _blank(raw):
            if COLUMN_BY_KEY[key].required and default is None:
                problems.setdefault(key, []).append(_("%(field)s is required.", field=header(key)))
            return default
        try:
            return parser(raw)
        except CellError as error:
            problems.setdefault(key, []).append(str(error))
            return None

    def text(key) -> str:
        value = _text(cell(key))
        if "\x00" in value:  # PostgreSQL cannot store it; the web forms refuse it too (app/guards.py)
            problems.setdefault(key, []).append(_(
                "%(column)s contains an invisible NUL character (code 0), which cannot be stored: delete it.",
                column=header(key)))
            value = value.replace("\x00", "")
        limit = TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            problems.setdefault(key, []).append(_("%(field)s is too long: at most %(limit)s characters, here "
                                                  "%(length)s.", field=header(key), limit=limit, length=len(value)))
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
    if (data.description or "").startswith(_EXAMPLE_MARKERS):
        problems.setdefault("description", []).append(
            _("This is the template's example row: replace it with a real expenditure or delete it."))
    unreadable = set(problems)
    if "vat_recoverable" in unreadable:
        unreadable.add("declared")
    for field_name, message in validate(data, partner, lookups):
        key = _FIELD_COLUMNS.get(field_name, field_name)
        if key not in unreadable and message not in problems.get(key, []):
            problems.setdefault(key, []).append(message)
    errors = []
    for key in sorted(problems, key=lambda k: _COLUMN_ORDER.get(k, len(COLUMNS))):
        column = sheet.columns[key][1] if key in sheet.columns else (header(key) if key else "")
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
        raise ImportRejected(ngettext(
            "The file has not been imported: %(num)d row has errors. Nothing has been saved; correct the rows "
            "below and upload the file again.",
            "The file has not been imported: %(num)d rows have errors. Nothing has been saved; correct the rows "
            "below and upload the file again.", bad), errors)
    return lines
