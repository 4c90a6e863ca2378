"""The statement builders on plain data: typed cells, totals that are the sums of their rows, text that stays
text, PDF/A with embedded fonts, page numbers, long tables split with their header repeated."""
import io
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pikepdf
import pytest
from openpyxl import load_workbook

from app.models import CategoryKind, ClaimStatus, ErrorType, FlatRateBasis, LineStatus
from reports import labels
from reports.statements import (
    Anchor,
    Category,
    CategoryTotal,
    CheckpointInfo,
    ClaimInfo,
    ClaimLineRow,
    ClaimStatement,
    EvidenceRow,
    Header,
    build,
)
from reports.statements.pdf_doc import FONT_DIR, FONTS, INSTALL_HINT

NOW = datetime(2026, 11, 30, 10, 5, tzinfo=UTC)
FORMULAS = ["=SUM(A1:A9)", "+31 6 1234", "-2+3", "@cmd", "\tTab", "#N/A"]


def _absent(message: str):
    """Skip with an install hint; in CI (.ci/run installs the tools) fail instead."""
    if os.environ.get("COFUND_REQUIRE_STATEMENT_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def needs_fonts():
    if not all((FONT_DIR / f).exists() for f in FONTS.values()):
        _absent(f"DejaVu fonts missing: {INSTALL_HINT}")


def needs_tool(name: str, package: str):
    if shutil.which(name) is None:
        _absent(f"{name} not installed: apt-get install {package}")


def statement(n: int = 12) -> ClaimStatement:
    anchor = Anchor(321, "ab" * 32, CheckpointInfo(321, "ab" * 32, "2026-11-30T10:04:00.000000Z", "0" * 16, "c2ln"))
    header = Header("Interreg", "LES", "Lerende Euregio Scheldemond", NOW, "Aude Auditor", anchor)
    staff, external = Category("staff"), Category("external", "Eigen naam =1")
    lines = [ClaimLineRow(100 + i, f"REF-{i}", FORMULAS[i % len(FORMULAS)], f"F-{i}", date(2020, 1, 1) + timedelta(i),
                          date(2020, 2, 1) + timedelta(i), staff if i % 2 else external, "Omschrijving " * (i % 4),
                          Decimal("100.10") * (i + 1), Decimal("10.01") if i % 3 == 0 else Decimal("0.00"),
                          "verified" if i % 5 else "parked", "ineligible" if i % 3 == 0 else None, "")
             for i in range(n)]
    lines = [line if line.status == "verified" or not line.deduction else
             ClaimLineRow(*[getattr(line, f) for f in ("expenditure_id", "internal_ref", "supplier", "invoice_number",
                                                        "invoice_date", "payment_date", "category", "description",
                                                        "declared")], Decimal("0.00"), "parked", None, "")
             for line in lines]
    info = ClaimInfo(7, 3, "Howest", 1, date(2019, 10, 1), date(2020, 3, 31), "certified", NOW, NOW, "Hanne", "Fien",
                     NOW, "Fien", Decimal("50.00"), True, Decimal("1000.00"), Decimal("990.00"), Decimal("495.00"),
                     Decimal("495.00"), Decimal("0.00"), n)
    categories = [CategoryTotal(Category("office_admin", None, Decimal("15.00"), "staff_costs"), Decimal("100.00"),
                                Decimal("15.00"), Decimal("15.00"), Decimal("7.50"), Decimal("7.50")),
                  CategoryTotal(staff, Decimal("2000.00"), Decimal("985.00"), Decimal("975.00"), Decimal("487.50"),
                                Decimal("487.50"))]
    return ClaimStatement(header, info, lines, categories,
                          [EvidenceRow(100, "=factuur.pdf", "f" * 64, 1234)])


def test_every_code_of_the_app_has_a_label_in_both_languages():
    """A code without a label would show as the code: every value of the app's enums is named in Dutch
    (where the name differs from the code) and in English."""
    for values, label in ((ClaimStatus, labels.claim_status), (LineStatus, labels.line_status),
                          (ErrorType, labels.error_type), (CategoryKind, labels.category),
                          (FlatRateBasis, labels.flat_rate_basis)):
        for member in values:
            assert label(member.value, "nl") != member.value, member
            assert label(member.value, "en") and "_" not in label(member.value, "en"), member
    from app.models import AuditBody, AuditStatus, CorrectionKind, RecoveryMeasure
    for values, table in ((AuditBody, "audit_body"), (AuditStatus, "audit_status"),
                          (CorrectionKind, "correction_kind"), (RecoveryMeasure, "recovery_measure")):
        for member in values:
            assert labels.code(table, member.value, "nl") != member.value, member
            assert "_" not in labels.code(table, member.value, "en"), member
    assert labels.claim_status("certified", "nl") == "gecertificeerd"
    assert labels.category("staff", "nl") == "Personeelskosten" and labels.category("staff", "en") == "Staff costs"


@pytest.mark.empty_db
def test_the_pages_name_the_codes_from_the_same_table_as_the_statements(app):
    """One table of names: an enum's label on a page (in the request's language) is the statement's name of
    its code in that language, so a page and a statement never name the same state or category differently."""
    from flask_babel import force_locale

    from app.models import Role
    from app.models.project import default_category_label
    for lang in ("nl", "en"):
        with force_locale(lang):
            for values, label in ((ClaimStatus, labels.claim_status), (LineStatus, labels.line_status),
                                  (ErrorType, labels.error_type), (FlatRateBasis, labels.flat_rate_basis),
                                  (Role, labels.role)):
                for member in values:
                    assert member.label == label(member.value, lang), (lang, member)
            for kind in CategoryKind:
                assert default_category_label(kind) == labels.category(kind.value, lang), (lang, kind)
    assert default_category_label(CategoryKind.OFFICE, "en") == "Office and administration costs"


def test_the_labels_of_reports_are_extracted_for_the_catalogue():
    from tests.unit.test_translations import _extracted
    found = _extracted()
    for message in ("Statement of expenditure", "Page %(page)s of", "Deductions by type of error", "Staff costs"):
        assert message in found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_xlsx_claim_statement_cells(lang):
    data = statement()
    book = load_workbook(io.BytesIO(build("claim-statement", "xlsx", data, lang)))
    assert book.properties.creator == "Aude Auditor" and "LES" in book.properties.title
    assert book.properties.created.replace(tzinfo=UTC) == NOW.replace(tzinfo=UTC)
    lines = book.worksheets[2]
    assert lines.freeze_panes == "A2" and lines.auto_filter.ref == f"A1:O{len(data.lines) + 1}"
    rows = list(lines.iter_rows(min_row=2, max_row=len(data.lines) + 1))
    declared = [row[8] for row in rows]
    assert all(c.data_type == "n" and "€" in c.number_format for c in declared)
    assert all(isinstance(row[4].value, datetime) and row[4].number_format.startswith("DD") for row in rows)
    suppliers = [row[2] for row in rows]
    assert [c.value for c in suppliers] == [line.supplier for line in data.lines]
    assert all(c.data_type == "s" for c in suppliers)  # '=SUM(..)', '@cmd', '#N/A' stay text
    total = lines.cell(row=len(data.lines) + 2, column=9).value
    assert Decimal(str(total)).quantize(Decimal("0.01")) == sum((line.declared for line in data.lines), Decimal(0))
    certified = lines.cell(row=len(data.lines) + 2, column=11).value
    assert Decimal(str(certified)).quantize(Decimal("0.01")) == sum(
        (line.certified for line in data.lines if line.certified is not None), Decimal(0))
    categories = book.worksheets[1]
    assert categories.cell(row=2, column=1).value == ("Kantoor- en administratiekosten" if lang == "nl"
                                                      else "Office and administration costs")
    assert categories.cell(row=3, column=1).value == "Staff costs" if lang == "en" else "Personeelskosten"
    assert categories.cell(row=4, column=5).value == pytest.approx(990.00)
    evidence = book.worksheets[3]
    assert evidence.cell(row=2, column=2).value == "=factuur.pdf" and evidence.cell(row=2, column=2).data_type == "s"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_claim_statement_is_pdfa_with_embedded_fonts_and_page_numbers(lang, tmp_path):
    needs_fonts()
    data = statement(900)
    content = build("claim-statement", "pdf", data, lang)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        assert "/OutputIntents" in pdf.Root
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        assert {round(width), round(height)} == {842, 595}  # A4
        pages = len(pdf.pages)
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                assert "/FontFile2" in font.FontDescriptor, font.get("/BaseFont")
    path = tmp_path / "s.pdf"
    path.write_bytes(content)
    needs_tool("pdftotext", "poppler-utils")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    page_word = "Pagina" if lang == "nl" else "Page"
    numbers = [tuple(map(int, m)) for m in re.findall(rf"{page_word} (\d+) of (\d+)" if lang == "en"
                                                       else rf"{page_word} (\d+) van (\d+)", text)]
    assert numbers == [(i, pages) for i in range(1, pages + 1)] and pages > 10
    supplier_head = "Leverancier" if lang == "nl" else "Supplier"
    pages_text = text.split("\f")
    assert all(supplier_head in p for p in pages_text[2:pages - 2])  # the header repeats on every page
    total = sum((line.declared for line in data.lines), Decimal(0))
    from reports import formatting
    assert formatting.money(total, lang, sign=False) in text
    assert ("Kop van de auditketen" if lang == "nl" else "Audit chain head") in pages_text[pages - 1]
    needs_tool("qpdf", "qpdf")
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_long_tables_report_their_progress_as_they_go(fmt):
    """What a background job shows as its progress bar: rows written, rising, up to all of them."""
    if fmt == "pdf":
        needs_fonts()
    seen = []
    build("claim-statement", fmt, statement(2500), "en", seen.append)
    assert seen == sorted(seen) and len(seen) >= 2 and seen[-1] <= 2500 and seen[0] >= 1000
