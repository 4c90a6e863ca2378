"""Spreadsheet bombs, as the security probe of issue 9 built them: small uploads that unpack into a lot.

Each is a real workbook (openpyxl writes the frame: content types, relations, styles) whose sheet and shared
strings are written here, streamed into the zip, so that a bomb of hundreds of megabytes unpacked never sits
in memory while it is built. Used by the tests and by bench/bench_bombs.py.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.services.imports import COLUMNS

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
_SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_END = "</sheetData></worksheet>"
_STRINGS_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">')


def _frame() -> dict[str, bytes]:
    """The members of a one-sheet workbook ("Uitgaven") that has shared strings."""
    workbook = Workbook()
    workbook.active.title = "Uitgaven"
    workbook.active["A1"] = "x"
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(out) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    # openpyxl writes its strings inline; Excel puts them in a shared string table, declared here.
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    return members


def _cell(column: int, row: int, text: str) -> str:
    return f'<c r="{get_column_letter(column)}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return '<row r="1">' + "".join(_cell(i, 1, c.label) for i, c in enumerate(COLUMNS, start=1)) + "</row>"


def workbook(sheet_rows: Iterator[str], shared_strings: Iterator[str] | None = None, level: int = 9) -> bytes:
    """A workbook whose sheet holds ``sheet_rows`` (XML of <row> elements, header included) and whose shared
    string table holds ``shared_strings`` (XML chunks of one <si>)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in _frame().items():
            if name in (SHEET, STRINGS):
                continue
            zf.writestr(name, data)
        with zf.open(SHEET, "w", force_zip64=True) as member:
            _write(member, [_SHEET_START], sheet_rows, [_SHEET_END])
        with zf.open(STRINGS, "w", force_zip64=True) as member:
            _write(member, [_STRINGS_START], shared_strings or iter(()), ["</sst>"])
    return out.getvalue()


def _write(member, head, body, tail, chunk: int = 1 << 20) -> None:
    buffer: list[str] = []
    size = 0
    for part in (*head, *body, *tail):
        buffer.append(part)
        size += len(part)
        if size >= chunk:
            member.write("".join(buffer).encode())
            buffer, size = [], 0
    member.write("".join(buffer).encode())


def shared_string_bomb(megabytes: int = 300) -> bytes:
    """About 300 KB: one line, valid but for its description: a shared string of ``megabytes`` MB."""
    def string():
        yield "<si><t>"
        for _ in range(megabytes):
            yield "A" * (1 << 20)
        yield "</t></si>"
    line = {"category": "external", "period": "1", "supplier": "Drukkerij De Letter", "invoice_number": "F-1",
            "invoice_date": "15-11-2019", "payment_date": "20-11-2019", "gross": "1210,00", "vat": "210,00",
            "vat_recoverable": "nee", "declared": "1000,00"}
    cells = "".join(f'<c r="{get_column_letter(i)}2" t="s"><v>0</v></c>' if c.key == "description"
                    else _cell(i, 2, line.get(c.key, "")) for i, c in enumerate(COLUMNS, start=1))
    return workbook(iter([header_row(), f'<row r="2">{cells}</row>']), string())


def wide_row_bomb(rows: int = 20_000) -> bytes:
    """About 100 KB: under the header, ``rows`` rows that each have one cell, in column XFD (16,384)."""
    def body():
        yield header_row()
        for r in range(2, rows + 2):
            yield f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
    return workbook(body())


def blank_row_bomb(rows: int = 3_000_000, level: int = 1) -> bytes:
    """About 15 MB: under the header, ``rows`` rows with one blank cell each."""
    def body():
        yield header_row()
        for r in range(2, rows + 2):
            yield f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t> </t></is></c></row>'
    return workbook(body(), level=level)


def far_row_bomb() -> bytes:
    """A few KB: the header, and one cell in the last row of a sheet (1,048,576): the rows between are blank."""
    return workbook(iter([header_row(), '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>']))
