"""Spreadsheet bombs (issue 9): small files that unpack into gigabytes or millions of rows are refused with a
message before they cost a worker minutes and memory; the three the probe built are uploaded as it did. The
time and memory they take are measured by bench/bench_bombs.py (no timing asserts here)."""
import io
import zipfile
from functools import cache

import pytest
from openpyxl import Workbook

from app.services.imports import zipcheck
from app.services.imports.reading import MAX_COLUMNS, MAX_SHEET_ROWS, read_sheet
from app.services.imports.zipcheck import check_xlsx_zip
from tests import bombs
from tests.conftest import csrf_token
from tests.hostile import row_counts
from tests.services.test_imports import HEADER, csv_bytes, rejected, row, run, xlsx_bytes
from tests.web.test_imports import url

cached = {name: cache(getattr(bombs, name)) for name in
          ("shared_string_bomb", "wide_row_bomb", "blank_row_bomb", "far_row_bomb")}


@pytest.mark.parametrize("bomb, size_kb, message", [
    ("shared_string_bomb", (250, 400), "uitgepakt groter dan 64 MB (xl/sharedStrings.xml alleen al is 300 MB)"),
    ("wide_row_bomb", (80, 140), "geen uitgavenlijnen"),
    ("blank_row_bomb", (13_000, 17_000), "(xl/worksheets/sheet1.xml alleen al is"),
    ("far_row_bomb", (1, 20), "meer dan 21.000 rijen, lege rijen meegeteld"),
])
def test_the_probes_bombs_are_refused_with_a_message(as_user, bomb, size_kb, message):
    data = cached[bomb]()
    assert size_kb[0] * 1024 <= len(data) <= size_kb[1] * 1024  # the sizes the probe uploaded
    client = as_user("partner.howest@example.org")
    before = row_counts()
    response = _upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="import-rejected"' in page and message in page and "niets opgeslagen" in page
    assert row_counts() == before


def _upload(client, data: bytes):
    """The file as a browser posts it. (Encoded here in memory: the test client spools bodies over 500 KB
    to a temporary file that it never closes.)"""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    token = csrf_token(client.get(url()).get_data(as_text=True))
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(
        io.BytesIO(data), "uitgaven.xlsx", content_type="application/octet-stream")})
    return client.post(url(), data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_only_the_first_columns_are_read_however_far_a_row_reaches(app):
    # A real line, with a stray cell in XFD: it imports; the row as read is at most MAX_COLUMNS wide.
    line = ["external", 1, "", "Drukkerij", "F-1", "15-11-2019", "20-11-2019", "Drukwerk", 100, 0, "", 100]
    frame = xlsx_bytes([line])
    with zipfile.ZipFile(io.BytesIO(frame)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    sheet_xml = members[bombs.SHEET].decode()
    stray = '<c r="XFD2"><v>1</v></c></row></sheetData>'
    members[bombs.SHEET] = sheet_xml.replace("</row></sheetData>", stray).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    sheet = read_sheet("uitgaven.xlsx", out.getvalue())
    assert [len(values) for _, values in sheet.rows] == [MAX_COLUMNS]


def test_blank_rows_count_towards_the_row_limit(app, les):
    error = rejected(les, cached["far_row_bomb"](), "uitgaven.xlsx")
    assert f"meer dan {MAX_SHEET_ROWS:,} rijen".replace(",", ".") in str(error)
    small_bomb = bombs.blank_row_bomb(rows=MAX_SHEET_ROWS + 10, level=9)  # within the zip limits
    assert len(small_bomb) < 1024 * 1024
    assert "lege rijen meegeteld" in str(rejected(les, small_bomb, "uitgaven.xlsx"))
    blank_csv = csv_bytes(row()) + b"\r\n" * (MAX_SHEET_ROWS + 10) + row(invoice="F-2").encode()
    assert "lege rijen meegeteld" in str(rejected(les, blank_csv))


def test_blank_rows_within_the_limit_are_skipped(app, les):
    data = csv_bytes(row()) + b";;;;\r\n" * 500 + row(invoice="F-2").encode() + b"\r\n"
    assert run(les, data).count == 2


@pytest.fixture
def les(app):
    from tests.factories import project
    return project()


def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_the_zip_is_checked_before_it_is_unpacked(app, monkeypatch):
    monkeypatch.setattr(zipcheck, "MAX_MEMBERS", 5)
    with pytest.raises(zipcheck.ImportRejected, match="uit 6 onderdelen; .* hoogstens 5"):
        check_xlsx_zip(_zip({f"part{i}.xml": b"<x/>" for i in range(6)}))
    monkeypatch.setattr(zipcheck, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(zipcheck.ImportRejected, match="groter dan .* MB \\(big.xml alleen al is"):
        check_xlsx_zip(_zip({"small.xml": b"x" * 10, "big.xml": bytes(range(256)) * 4}))
    monkeypatch.setattr(zipcheck, "MAX_MEMBER_BYTES", 10_000)
    monkeypatch.setattr(zipcheck, "MAX_TOTAL_BYTES", 15_000)
    parts = {f"p{i}.xml": bytes(range(256)) * 30 for i in range(2)}  # 7,680 bytes each, 15,360 together
    with pytest.raises(zipcheck.ImportRejected, match="groter dan"):
        check_xlsx_zip(_zip(parts))
    monkeypatch.setattr(zipcheck, "RATIO_FROM", 100_000)
    monkeypatch.setattr(zipcheck, "MAX_MEMBER_BYTES", 10**9)
    monkeypatch.setattr(zipcheck, "MAX_TOTAL_BYTES", 10**9)
    with pytest.raises(zipcheck.ImportRejected, match="sheet.xml van deze werkmap .* keer groter; .* zipbom"):
        check_xlsx_zip(_zip({"sheet.xml": b"A" * 5_000_000}))
    check_xlsx_zip(_zip({"sheet.xml": b"A" * 99_000}))  # below RATIO_FROM: small parts may pack well


def test_a_zip64_or_lying_end_record_is_refused_before_the_directory_is_read(app):
    data = bytearray(_zip({"a.xml": b"<a/>"}))
    end = data.rfind(b"PK\x05\x06")
    data[end + 10:end + 12] = b"\xff\xff"  # 65,535 entries declared
    with pytest.raises(zipcheck.ImportRejected, match="65.535 onderdelen"):
        check_xlsx_zip(bytes(data))


def test_a_real_workbook_passes_the_zip_check(app):
    workbook = Workbook()
    for i in range(5):
        workbook.create_sheet(f"Blad {i}").append(["tekst"] * 20)
    out = io.BytesIO()
    workbook.save(out)
    check_xlsx_zip(out.getvalue())


def test_text_is_capped_as_the_form_caps_it(app, les):
    error = rejected(les, csv_bytes(row(description="d" * 130_000)))
    assert [(e.column, e.message) for e in error.errors] == [
        ("Omschrijving", "Omschrijving is te lang: hoogstens 2000 tekens, hier 130000.")]
    error = rejected(les, csv_bytes(row(supplier="s" * 201, description="d" * 2001)))
    assert [e.message for e in error.errors] == ["Leverancier is te lang: hoogstens 200 tekens, hier 201.",
                                                 "Omschrijving is te lang: hoogstens 2000 tekens, hier 2001."]
    assert run(les, csv_bytes(row(description="d" * 2000))).count == 1


def test_the_form_and_the_import_have_the_same_text_limits():
    from wtforms.validators import Length

    from app.expenditures.forms import ExpenditureForm
    from app.services.expenditures.rules import TEXT_LIMITS
    form_limits = {name: next(v.max for v in getattr(ExpenditureForm, name).kwargs["validators"]
                              if isinstance(v, Length)) for name in TEXT_LIMITS}
    assert form_limits == TEXT_LIMITS


def test_a_nul_in_a_text_cell_is_refused(app, les, monkeypatch):
    """XML cannot carry a NUL and a CSV with one is refused whole; should a reader ever hand one over, the
    row is refused, as the web forms refuse it."""
    from app.services.imports import rows
    real = rows.read_sheet

    def with_nul(filename, data):
        sheet = real(filename, data)
        number, values = sheet.rows[0]
        sheet.rows[0] = (number, tuple(("Druk\x00kerij" if v == "Drukkerij De Letter" else v) for v in values))
        return sheet
    monkeypatch.setattr(rows, "read_sheet", with_nul)
    error = rejected(les, csv_bytes(row()))
    assert [(e.column, e.message) for e in error.errors] == [
        ("Leverancier", "Leverancier bevat een onzichtbaar NUL-teken (code 0), dat niet bewaard kan worden: "
                        "verwijder het.")]


def test_header_only_is_still_a_message(app, les):
    assert "geen uitgavenlijnen" in str(rejected(les, xlsx_bytes([], header=HEADER), "uitgaven.xlsx"))


def test_an_xml_entity_bomb_is_refused(app, les):
    """A billion laughs in the sheet's XML: a few hundred bytes that would expand to gigabytes."""
    entities = ('<!DOCTYPE lolz [<!ENTITY lol0 "lollollollollollollollollollol">'
                + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)) + "]>")
    frame = bombs.workbook(iter([bombs.header_row(), '<row r="2"><c r="H2" t="inlineStr"><is><t>&lol9;</t></is>'
                                 "</c></row>"]))
    with zipfile.ZipFile(io.BytesIO(frame)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members[bombs.SHEET] = members[bombs.SHEET].replace(b"<worksheet", entities.encode() + b"<worksheet", 1)
    assert "kan niet gelezen worden" in str(rejected(les, _zip(members), "uitgaven.xlsx"))
