"""reports/ takes plain data and returns bytes: it imports nothing of Flask, the database or the app."""
import ast
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from reports import demo_invoice, expenditure_template

FORBIDDEN = ("flask", "flask_babel", "flask_login", "sqlalchemy", "app", "werkzeug")


def test_reports_import_nothing_of_the_web_application():
    for path in Path(expenditure_template.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_template_from_plain_data():
    data = expenditure_template.TemplateData(
        project_code="TST", project_name="=Testproject", eligibility_start=date(2020, 1, 1),
        eligibility_end=date(2021, 12, 31),
        categories=[expenditure_template.Category("Personeelskosten", "staff"),
                    expenditure_template.Category("Kosten voor externe expertise en diensten", "external")],
        periods=[expenditure_template.Period(1, date(2020, 1, 1), date(2020, 6, 30))],
        flat_rate_categories=["Kantoor- en administratiekosten"])
    book = load_workbook(io.BytesIO(expenditure_template.template_xlsx(data)))
    sheet, notes = book["Uitgaven"], book["Toelichting"]
    assert [c.value for c in sheet[1]] == [c.label for c in expenditure_template.COLUMNS]
    assert sheet["A2"].value == "Kosten voor externe expertise en diensten"
    assert sheet["I2"].value == Decimal("1210.00") or sheet["I2"].value == 1210
    texts = [c for row in notes.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Kantoor- en administratiekosten forfaitair" in t for t in texts)
    assert notes["A1"].data_type == "s"  # a project name starting with '=' stays text
    csv_text = expenditure_template.template_csv(data).decode("utf-8-sig")
    assert csv_text.splitlines()[1].split(";")[0] == "Kosten voor externe expertise en diensten"


def test_demo_invoice_is_a_reproducible_pdf():
    invoice = demo_invoice.Invoice("Drukkerij", "F-1", date(2020, 1, 2), date(2020, 1, 20), "Howest", "Drukwerk",
                                   Decimal("121.00"), Decimal("21.00"))
    first, second = demo_invoice.invoice_pdf(invoice), demo_invoice.invoice_pdf(invoice)
    assert first.startswith(b"%PDF") and first == second


def test_template_in_english_from_plain_data():
    """The builders take the language with the data and read the shared catalogue themselves (no Flask)."""
    data = expenditure_template.TemplateData(
        project_code="TST", project_name="Test", eligibility_start=date(2020, 1, 1),
        eligibility_end=date(2021, 12, 31), categories=[expenditure_template.Category("Staff costs", "staff")],
        periods=[expenditure_template.Period(1, date(2020, 1, 1), date(2020, 6, 30))],
        flat_rate_categories=["Office and administration costs"], language="en")
    book = load_workbook(io.BytesIO(expenditure_template.template_xlsx(data)))
    sheet, notes = book["Expenditures"], book["Explanation"]
    assert [c.value for c in sheet[1]] == [c.english for c in expenditure_template.COLUMNS]
    assert sheet["H2"].value == "EXAMPLE - replace or delete this row: printing of a brochure"
    texts = [c for row in notes.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Eligibility period" in texts and "01/01/2020 – 31/12/2021" in texts
    assert any(t.startswith("This partner claims Office and administration costs at a flat rate") for t in texts)
    csv_lines = expenditure_template.template_csv(data).decode("utf-8-sig").splitlines()
    assert csv_lines[0].startswith("Cost category,Period,") and '"1,210.00"' in csv_lines[1]
