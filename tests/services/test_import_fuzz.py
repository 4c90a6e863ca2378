"""Property: a spreadsheet whose one cell is hostile (a line otherwise valid) is refused with a message that
names the row, never with an exception, and nothing is stored; for CSV and for XLSX."""
import csv
import io

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.services.imports import COLUMNS, ImportRejected, check_file, import_expenditures
from app.services.imports.reading import _norm
from tests.factories import actor, partner, project, user
from tests.hostile import bad_amount, bad_date, bad_text, row_counts, with_nul

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VALID = {"category": "external", "period": "1", "internal_ref": "INT-1", "supplier": "Drukkerij De Letter",
         "invoice_number": "F-1", "invoice_date": "15-11-2019", "payment_date": "20-11-2019",
         "description": "Drukwerk", "gross": "1.210,00", "vat": "210,00", "vat_recoverable": "nee",
         "declared": "1.000,00"}
YES_NO = {"ja", "j", "yes", "y", "1", "true", "waar", "nee", "n", "no", "0", "false", "onwaar"}


def _hostile(known_categories: set[str]) -> dict:
    not_a_category = st.text(max_size=40).filter(
        lambda s: s.strip() and _norm(s) not in known_categories and s.strip().casefold() not in known_categories)
    not_a_period = st.one_of(st.integers(min_value=8).map(str), st.sampled_from(["0", "-1", "1e20", "²", "P 99"]),
                             st.text(max_size=10).filter(lambda s: s.strip() and not s.strip().isdigit()))
    return {
        "category": not_a_category, "period": not_a_period,
        "internal_ref": bad_text(60, required=False), "supplier": bad_text(200), "invoice_number": bad_text(60),
        "description": bad_text(2000), "invoice_date": bad_date(), "payment_date": bad_date(),
        "gross": bad_amount(), "vat": bad_amount(), "declared": bad_amount(),
        "vat_recoverable": st.text(min_size=1, max_size=10).filter(
            lambda s: s.strip() and s.strip().casefold() not in YES_NO),
    }


def _csv(values: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS])
    writer.writerow([values[c.key] for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def _xlsx(values: dict) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Uitgaven")
    sheet.append([c.label for c in COLUMNS])
    sheet.append([values[c.key] for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _known_categories() -> set[str]:
    from app.services.budget import categories_of
    found = set()
    for c in categories_of(project()):
        found |= {_norm(c.name), str(c.kind.value).casefold()}
    return found


def _refused(data: bytes, filename: str, before: dict) -> None:
    howest, who = partner("Howest"), user("partner.howest@example.org")
    with pytest.raises(ImportRejected) as info:
        import_expenditures(actor(who), who, howest, filename, data)
    error = info.value
    assert str(error).strip()  # the message on top of the page
    assert all(e.row in (None, 1, 2) and e.message for e in error.errors)
    assert row_counts() == before


def test_a_valid_line_imports_so_the_fuzz_tests_one_cell_at_a_time(app):
    howest, who = partner("Howest"), user("partner.howest@example.org")
    assert import_expenditures(actor(who), who, howest, "a.csv", _csv(VALID)).count == 1
    assert import_expenditures(actor(who), who, howest, "a.xlsx", _xlsx({**VALID, "invoice_number": "F-2"})).count == 1


def test_no_hostile_cell_gets_through_a_csv_import(app):
    hostile = _hostile(_known_categories())
    before = row_counts()

    @FUZZ
    @given(data=st.data())
    def attack(data):
        key = data.draw(st.sampled_from(sorted(hostile)), label="column")
        _refused(_csv({**VALID, key: data.draw(hostile[key], label="value")}), "uitgaven.csv", before)

    attack()


def _refused_as_csv(key: str, value: str) -> bool:
    """Whether the CSV import refuses this value in this column (checked, not saved)."""
    try:
        check_file(partner("Howest"), "uitgaven.csv", _csv({**VALID, key: value}))
    except ImportRejected:
        return True
    return False


def test_no_hostile_cell_gets_through_an_xlsx_import(app):
    hostile = _hostile(_known_categories())
    numbers = st.one_of(st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: abs(f) >= 1e13 or f < 0 or round(f, 2) != f), st.sampled_from([1e300, -1e300, 1e28, 0.001, -5.0]))
    cells = {**hostile, **{k: st.one_of(numbers, hostile[k]) for k in ("gross", "vat", "declared")}}
    before = row_counts()

    @FUZZ
    @given(data=st.data())
    def attack(data):
        key = data.draw(st.sampled_from(sorted(cells)), label="column")
        value = data.draw(cells[key], label="value")
        if isinstance(value, str):  # a cell cannot hold control characters: what is left must still be wrong
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            assume(_refused_as_csv(key, value))
        _refused(_xlsx({**VALID, key: value}), "uitgaven.xlsx", before)

    attack()


@FUZZ
@given(content=st.one_of(st.binary(max_size=4000), st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
                         st.binary(max_size=200).map(lambda b: "\ufeff".encode() + b)))
def test_any_bytes_at_all_are_refused_with_a_message(app, content):
    for name in ("uitgaven.xlsx", "uitgaven.csv"):
        _refused(content, name, row_counts())


def test_nul_in_a_csv_cell_refuses_the_file(app):
    before = row_counts()
    for key in ("supplier", "description", "gross", "period"):
        _refused(_csv({**VALID, key: "a\x00b"}), "uitgaven.csv", before)
    assert with_nul  # the strategy the forms use for the same attack
