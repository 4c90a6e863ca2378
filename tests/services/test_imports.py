import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.errors import NotFound, PermissionDenied
from app.extensions import db
from app.models import (
    AuditEvent,
    CategoryKind,
    CostCategory,
    Expenditure,
    ExpenditureImport,
    ExpenditureStatus,
    Organisation,
    Partner,
    Project,
    ReportingPeriod,
    User,
)
from app.services import expenditures
from app.services.audit import Actor, verify_chain
from app.services.expenditures import ExpenditureData
from app.services.imports import (
    COLUMNS,
    MAX_ROWS,
    ImportRejected,
    import_expenditures,
    template_csv,
    template_xlsx,
)
from tests.conftest import count_queries

HEADER = [c.label for c in COLUMNS]
HEADER_CSV = ";".join(HEADER)


def get(model, **kw):
    return db.session.scalar(select(model).filter_by(**kw))


@pytest.fixture
def les(app):
    return get(Project, code="LES")


def partner(les, name):
    return db.session.scalar(select(Partner).join(Organisation).where(
        Partner.project_id == les.id, Organisation.name == name))


def user(email):
    return get(User, email=email)


def actor(u):
    return Actor(u.id, u.email, "127.0.0.1")


def counts():
    return (db.session.scalar(select(func.count()).select_from(Expenditure)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
            db.session.scalar(select(func.count()).select_from(ExpenditureImport)))


def run(les, data, name="uitgaven.csv", partner_name="Howest", email="partner.howest@example.org"):
    u = user(email)
    return import_expenditures(actor(u), u, partner(les, partner_name), name, data)


def rejected(les, data, name="uitgaven.csv", **kw) -> ImportRejected:
    before = counts()
    with pytest.raises(ImportRejected) as info:
        run(les, data, name, **kw)
    db.session.rollback()
    assert counts() == before, "a rejected import saved something"
    return info.value


def csv_bytes(*rows, header=HEADER_CSV, bom=True, sep=";"):
    text = "\r\n".join([header.replace(";", sep), *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def row(category="external", period="1", ref="", supplier="Drukkerij De Letter", invoice="F-1",
        invoice_date="15-11-2019", payment_date="20-11-2019", description="Drukwerk",
        gross="1.210,00", vat="210,00", recoverable="", declared="1.210,00", sep=";"):
    return sep.join([category, period, ref, supplier, invoice, invoice_date, payment_date, description,
                     gross, vat, recoverable, declared])


def xlsx_bytes(rows, header=HEADER, title="Uitgaven", extra_sheet=False):
    wb = Workbook()
    ws = wb.active
    if extra_sheet:
        ws.title = "Toelichting"
        ws.append(["uitleg"])
        ws = wb.create_sheet(title)
    else:
        ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    wb.close()
    return buf.getvalue()


def messages(error: ImportRejected):
    return [(e.row, e.column, e.message) for e in error.errors]


# --- good files ------------------------------------------------------------------------------------------------


def test_good_csv_with_semicolons_dutch_amounts_and_bom(les):
    howest = partner(les, "Howest")
    data = csv_bytes(
        row(invoice="F-1", gross="1.210,00", vat="210,00", declared="1.210,00"),
        row(category="Kosten voor externe expertise en diensten", period="2", ref="BOEK-7", invoice="F-2",
            invoice_date="1/4/2020", payment_date="2020-04-15", gross="€ 2.420,50", vat="0", recoverable="nee",
            declared="2.420,50"),
        row(category="travel", period="Periode 3", invoice="F-3", gross="99,99", vat="0,00", declared="99,99"),
    )
    before = counts()
    result = run(les, data)
    assert (result.count, result.total) == (3, Decimal("3730.49"))
    assert result.duplicates == []
    db.session.commit()
    assert counts()[0] == before[0] + 3
    lines = db.session.scalars(select(Expenditure).where(Expenditure.import_id == result.import_id)
                               .order_by(Expenditure.invoice_number)).all()
    assert [e.invoice_number for e in lines] == ["F-1", "F-2", "F-3"]
    first, second, third = lines
    assert first.gross_amount == Decimal("1210.00") and first.vat_amount == Decimal("210.00")
    assert first.vat_recoverable is False  # Howest's default (BE)
    assert first.partner_id == howest.id and first.project_id == les.id
    assert first.status is ExpenditureStatus.ACTIVE
    assert first.created_at.tzinfo is not None
    assert second.internal_ref == "BOEK-7" and second.invoice_date == date(2020, 4, 1)
    assert second.payment_date == date(2020, 4, 15)
    assert second.category.kind is CategoryKind.EXTERNAL and second.period.number == 2
    assert third.category.kind is CategoryKind.TRAVEL and third.period.number == 3
    assert third.declared_amount == Decimal("99.99")


def test_csv_with_commas_english_headers_and_english_amounts(les):
    header = ",".join(["Category", "Period", "Internal reference", "Supplier", "Invoice number", "Invoice date",
                       "Payment date", "Description", "Gross amount", "VAT", "VAT recoverable",
                       "Declared amount"])
    data = csv_bytes(
        row(sep=",", category="equipment", supplier="Bol.com", invoice="INV 9", gross='"1,210.00"',
            vat="210.00", recoverable="yes", declared='"1,000.00"'),
        header=header, bom=False)
    result = run(les, data)
    assert (result.count, result.total) == (1, Decimal("1000.00"))
    exp = db.session.scalar(select(Expenditure).where(Expenditure.import_id == result.import_id))
    assert exp.vat_recoverable is True and exp.gross_amount == Decimal("1210.00")
    assert exp.dup_key == "bolcom|inv9"


def test_csv_with_excel_separator_hint_line(les):
    data = b"sep=,\r\n" + csv_bytes(row(sep=",", gross="121.00", vat="21.00", declared="121.00", invoice_date=""),
                                   bom=False, sep=",")
    error = rejected(les, data)
    assert messages(error) == [(2, "Factuurdatum", "Factuurdatum is verplicht.")]  # rows as Excel shows them


def test_good_xlsx_with_numeric_and_date_cells(les):
    data = xlsx_bytes([
        ["external", 1, "R1", "Drukkerij De Letter", 12345, datetime(2019, 11, 15), datetime(2019, 11, 20),
         "Drukwerk", 1210.1, 210, "nee", 1210.1],
        ["Reis- en verblijfkosten", 2.0, None, "NMBS", "T-1", "01-04-2020", date(2020, 4, 2), "Treinticket",
         "12,30", 0, False, Decimal("12.30")],
        [None] * 12,  # empty rows are skipped
        ["staff", 3, None, "Jan Peeters", "LOON-2020-10", datetime(2020, 10, 31), datetime(2020, 10, 31),
         "Loon oktober", 4321, 0, None, 4321],
    ], extra_sheet=True)
    result = run(les, data, name="Uitgaven 2020.XLSX")
    assert (result.count, result.total) == (3, Decimal("5543.40"))
    lines = {e.supplier: e for e in db.session.scalars(
        select(Expenditure).where(Expenditure.import_id == result.import_id))}
    assert lines["Drukkerij De Letter"].invoice_number == "12345"
    assert lines["Drukkerij De Letter"].gross_amount == Decimal("1210.10")
    assert lines["Drukkerij De Letter"].invoice_date == date(2019, 11, 15)
    assert lines["NMBS"].invoice_date == date(2020, 4, 1) and lines["NMBS"].payment_date == date(2020, 4, 2)
    assert lines["NMBS"].period.number == 2
    assert lines["Jan Peeters"].declared_amount == Decimal("4321.00")
    batch = db.session.get(ExpenditureImport, result.import_id)
    assert batch.filename == "Uitgaven 2020.XLSX" and batch.row_count == 3


def test_xlsx_float_with_more_than_two_decimals_is_refused_not_rounded(les):
    data = xlsx_bytes([["external", 1, None, "X", "F-1", datetime(2019, 11, 15), datetime(2019, 11, 20), "Iets",
                        1210.125, 0, None, 1.005]])
    error = rejected(les, data, name="u.xlsx")
    assert [(r, c) for r, c, _ in messages(error)] == [(2, "Brutobedrag"), (2, "Gedeclareerd bedrag")]
    assert "'1210.125' heeft meer dan twee decimalen. Rond in Excel af" in error.errors[0].message
    assert "'1.005' heeft meer dan twee decimalen" in error.errors[1].message


def test_float_cells_become_decimals_through_repr_never_float_arithmetic():
    from app.services.imports import CellError, _amount
    assert _amount(1210.1) == Decimal("1210.10") and _amount(0.07) == Decimal("0.07")
    assert _amount(4321) == Decimal("4321.00") and _amount(-5.5) == Decimal("-5.50")
    with pytest.raises(CellError, match="0.30000000000000004"):
        _amount(0.1 + 0.2)  # a computed Excel cell that is not a cent amount: refused, not rounded
    with pytest.raises(CellError, match="te groot"):
        _amount(1e20)
    with pytest.raises(CellError, match="geen bedrag"):
        _amount(True)


def test_template_example_row_is_refused_until_replaced(les):
    """Left in by mistake, the template's example row would become a real expenditure."""
    for data, name in ((template_xlsx(les), "sjabloon.xlsx"), (template_csv(les), "sjabloon.csv")):
        error = rejected(les, data, name=name)
        assert [(r, c) for r, c, _ in messages(error)] == [(2, "Omschrijving")]
        assert "voorbeeldrij van het sjabloon" in messages(error)[0][2]


def test_templates_have_header_and_help_sheet(les):
    wb = load_workbook(io.BytesIO(template_xlsx(les)))
    try:
        assert wb.sheetnames == ["Uitgaven", "Toelichting"]
        assert [c.value for c in wb["Uitgaven"][1]] == HEADER
        assert wb["Uitgaven"].column_dimensions["A"].width > 20
        texts = [c for r in wb["Toelichting"].iter_rows(values_only=True) for c in r if c is not None]
        assert "Kantoor- en administratiekosten" in texts and "office_admin" in texts
        assert date(2019, 10, 1) in [c.date() for c in texts if isinstance(c, datetime)]
    finally:
        wb.close()
    text = template_csv(les)
    assert text.startswith(b"\xef\xbb\xbf")
    assert text.decode("utf-8-sig").splitlines()[0] == HEADER_CSV


# --- refusals: every row error, nothing saved --------------------------------------------------------------------


def test_every_row_error_is_reported_with_row_numbers_and_nothing_is_saved(les):
    data = csv_bytes(
        row(invoice="OK-1"),                                                   # row 2: fine
        row(category="office_admin", invoice="A-1"),                            # row 3: flat rate (Howest)
        "",                                                                    # row 4: empty, skipped
        row(payment_date="30-09-2019", invoice="A-2"),                          # row 5: before eligibility
        row(payment_date="01-01-2023", invoice_date="01-01-2023", invoice="A-3"),  # row 6: after
        row(gross="1.000,00", vat="210,00", recoverable="ja", declared="1.000,00", invoice="A-4"),  # row 7
        row(gross="-5,00", vat="0", declared="-5,00", invoice="A-5"),            # row 8: negative
        row(gross="1.234", invoice="A-6"),                                      # row 9: ambiguous
        row(category="catering", invoice="A-7"),                                # row 10: unknown category
        row(period="9", invoice="A-8"),                                         # row 11: unknown period
        row(invoice_date="31-02-2020", payment_date="2020/03/01", invoice="A-9"),  # row 12: bad dates
        row(supplier="", invoice="", description="", invoice_date="", declared=""),  # row 13: missing values
        row(recoverable="misschien", invoice="A-10"),                           # row 14: bad yes/no
        row(vat="2.000,00", invoice="A-11"),                                    # row 15: VAT above gross
    )
    error = rejected(les, data)
    found = messages(error)
    by_row = {}
    for r, column, message in found:
        by_row.setdefault(r, []).append((column, message))
    assert sorted(by_row) == [3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    assert error.bad_rows == 12 and "12 rijen bevatten fouten" in str(error)

    def only(r):
        assert len(by_row[r]) == 1, by_row[r]
        return by_row[r][0]

    column, message = only(3)
    assert column == "Kostencategorie" and "forfaitair" in message and "Howest" in message
    column, message = only(5)
    assert column == "Betaaldatum" and "30-09-2019" in message and "01-10-2019 – 31-12-2022" in message
    # in the order of the columns; paid after period 1 as well as after the eligibility period
    assert [c for c, _ in by_row[6]] == ["Periode", "Factuurdatum", "Betaaldatum"]
    assert "na het einde van Periode 1" in by_row[6][0][1]
    assert by_row[6][1][1] == "De factuurdatum 01-01-2023 valt na de subsidiabiliteitsperiode."
    assert "01-01-2023" in by_row[6][2][1]
    column, message = only(7)
    assert column == "Gedeclareerd bedrag" and "min de terugvorderbare btw" in message and "790,00" in message
    assert {c for c, _ in by_row[8]} == {"Brutobedrag", "Gedeclareerd bedrag"}
    assert all("negatief" in m for _, m in by_row[8])
    column, message = only(9)
    assert column == "Brutobedrag" and "dubbelzinnig" in message
    column, message = only(10)
    assert column == "Kostencategorie" and "Onbekende kostencategorie 'catering'" in message
    column, message = only(11)
    assert column == "Periode" and "Periode 9 bestaat niet" in message and "1 tot 6" in message
    assert by_row[12] == [("Factuurdatum", "'31-02-2020' is geen bestaande datum."),
                          ("Betaaldatum", "'2020/03/01' is geen datum: schrijf 31-12-2021, 31/12/2021 of "
                                          "2021-12-31.")]
    assert [c for c, _ in by_row[13]] == ["Leverancier", "Factuurnummer", "Factuurdatum", "Omschrijving",
                                          "Gedeclareerd bedrag"]
    assert ("Leverancier", "Leverancier is verplicht.") in by_row[13]
    assert only(14) == ("Btw terugvorderbaar", "'misschien' is geen ja of nee.")
    assert only(15) == ("Btw", "De btw kan niet hoger zijn dan het brutobedrag.")
    assert found == sorted(found, key=lambda e: e[0])  # in the order of the file


def test_flat_rate_category_refused_for_howest_but_not_for_a_partner_without_flat_rate(les):
    error = rejected(les, csv_bytes(row(category="Kantoor- en administratiekosten")))
    assert error.errors[0].row == 2 and "forfaitair" in error.errors[0].message
    # Huis van het Leren has no flat rates; a finance officer registers for any partner.
    result = run(les, csv_bytes(row(category="office_admin", declared="1.000,00")), partner_name="Huis van het Leren",
                 email="finance@example.org")
    assert result.count == 1


def test_declared_within_gross_when_vat_not_recoverable(les):
    # Huis van het Leren is Dutch: VAT recoverable by default, so the VAT is not eligible.
    error = rejected(les, csv_bytes(row(gross="121,00", vat="21,00", declared="121,00")),
                     partner_name="Huis van het Leren", email="finance@example.org")
    assert messages(error) == [(2, "Gedeclareerd bedrag", "Het gedeclareerde bedrag (€\xa0121,00) is hoger dan "
                                "het brutobedrag min de terugvorderbare btw (€\xa0100,00).")]
    result = run(les, csv_bytes(row(gross="121,00", vat="21,00", recoverable="nee", declared="121,00")),
                 partner_name="Huis van het Leren", email="finance@example.org")
    assert result.total == Decimal("121.00")


def test_text_too_long_for_the_database_is_refused(les):
    error = rejected(les, csv_bytes(row(invoice="F" * 61, ref="R" * 61)))
    assert [(e.column, e.message) for e in error.errors] == [
        ("Interne referentie", "Interne referentie is te lang: hoogstens 60 tekens, hier 61."),
        ("Factuurnummer", "Factuurnummer is te lang: hoogstens 60 tekens, hier 61.")]


def test_missing_required_column(les):
    header = ";".join(h for h in HEADER if h not in ("Betaaldatum", "Btw"))
    error = rejected(les, csv_bytes("x", header=header))
    assert messages(error) == [(1, "Betaaldatum", "De verplichte kolom 'Betaaldatum' ontbreekt."),
                               (1, "Btw", "De verplichte kolom 'Btw' ontbreekt.")]


def test_optional_columns_may_be_left_out_and_other_columns_are_ignored(les):
    header = ";".join(["Opmerking", *(h for h in HEADER if h not in ("Interne referentie", "Btw terugvorderbaar"))])
    line = ";".join(["iets", "external", "1", "Drukkerij", "F-1", "15-11-2019", "20-11-2019", "Drukwerk",
                     "121,00", "21,00", "121,00"])
    result = run(les, csv_bytes(line, header=header))
    assert result.count == 1


@pytest.mark.parametrize("data, message", [
    (b"", "Het bestand is leeg."),
    (b"\xef\xbb\xbf", "geen gegevens"),
    (b"\r\n;;;\r\n", "geen gegevens"),
    (csv_bytes(), "geen uitgavenlijnen"),
    (csv_bytes(";;;;", "   "), "geen uitgavenlijnen"),
])
def test_empty_file(les, data, message):
    error = rejected(les, data)
    assert message in str(error) and error.errors == []


def test_empty_xlsx(les):
    assert "geen uitgavenlijnen" in str(rejected(les, xlsx_bytes([]), name="leeg.xlsx"))
    assert "geen gegevens" in str(rejected(les, xlsx_bytes([], header=[]), name="leeg.xlsx"))


def test_files_that_are_not_what_their_name_says(les):
    assert "geen Excel-werkmap" in str(rejected(les, csv_bytes(row()), name="uitgaven.xlsx"))
    assert ".xls" in str(rejected(les, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="oud.xlsx"))
    assert "kan niet gelezen" in str(rejected(les, b"PK\x03\x04 kapot", name="kapot.xlsx"))
    assert "Excel-bestand met de naam .csv" in str(rejected(les, xlsx_bytes([]), name="uitgaven.csv"))
    assert "niet in UTF-8" in str(rejected(les, csv_bytes(row(supplier="Caf\u00e9")).decode("utf-8").encode(
        "cp1252", errors="ignore"), name="ansi.csv"))
    assert "UTF-16" in str(rejected(les, HEADER_CSV.encode("utf-16"), name="utf16.csv"))
    assert "Alleen Excel-werkmappen" in str(rejected(les, csv_bytes(row()), name="uitgaven.txt"))


def test_too_many_rows(les):
    data = csv_bytes(*[row(invoice=f"F-{i}") for i in range(MAX_ROWS + 1)])
    error = rejected(les, data)
    assert "meer dan 20.000 uitgavenlijnen" in str(error)


# --- double financing --------------------------------------------------------------------------------------------


def test_duplicates_within_the_file_and_against_existing_lines_are_reported(les):
    finance = user("finance@example.org")
    odisee = partner(les, "Odisee")
    ext = get(CostCategory, project_id=les.id, kind=CategoryKind.EXTERNAL)
    p1 = get(ReportingPeriod, project_id=les.id, number=1)

    def existing(supplier, invoice):
        return expenditures.create(actor(finance), finance, odisee, ExpenditureData(
            category_id=ext.id, period_id=p1.id, supplier=supplier, invoice_number=invoice,
            invoice_date=date(2019, 11, 1), payment_date=date(2019, 11, 2), description="x",
            gross_amount=Decimal("10.00"), vat_amount=Decimal("0.00"), vat_recoverable=False,
            declared_amount=Decimal("10.00")))

    first = existing("Drukkerij De Letter NV", "F/2019-1")  # another partner's line: double financing
    withdrawn = existing("Hotel Zee", "H-1")
    expenditures.withdraw(actor(finance), finance, withdrawn, "dubbel ingevoerd")  # withdrawn: not a duplicate
    data = csv_bytes(
        row(supplier="drukkerij de letter nv", invoice="F 2019 1"),  # row 2: same as `first` once normalised
        row(supplier="Hotel Zee", invoice="H-1"),                    # row 3: only a withdrawn line
        row(supplier="Garage Peeters", invoice="G-7"),               # row 4 and 6: twice in the file
        row(supplier="Unieke bv", invoice="U-1"),
        row(supplier="Garage Peeters", invoice="G-7"),
    )
    result = run(les, data, email="finance@example.org")  # a finance officer sees every partner's lines
    assert result.count == 5
    assert [(d.row, d.existing_ids, d.file_rows) for d in result.duplicates] == [
        (2, (first.id,), ()), (4, (), (6,)), (6, (), (4,))]
    assert result.duplicates[0].describe() == f"rij 2: al geregistreerd als uitgave #{first.id}"
    assert "twee keer in het bestand (ook rij 6)" in result.duplicates[1].describe()


def test_a_partner_cannot_probe_for_another_partners_invoice_through_the_import(les):
    """A partner user learns of a possible double financing only among its own expenditures."""
    finance = user("finance@example.org")
    odisee = partner(les, "Odisee")
    expenditures.create(actor(finance), finance, odisee, ExpenditureData(
        category_id=get(CostCategory, project_id=les.id, kind=CategoryKind.EXTERNAL).id,
        period_id=get(ReportingPeriod, project_id=les.id, number=1).id,
        supplier="Drukkerij De Letter NV", invoice_number="F/2019-1", invoice_date=date(2019, 11, 1),
        payment_date=date(2019, 11, 5), description="x", gross_amount=Decimal("10.00"), vat_amount=Decimal("0"),
        vat_recoverable=False, declared_amount=Decimal("10.00")))
    result = run(les, csv_bytes(row(supplier="Drukkerij De Letter NV", invoice="F/2019-1")))
    assert result.count == 1 and result.duplicates == []


# --- saving ------------------------------------------------------------------------------------------------------


def test_bulk_insert_one_statement_with_import_id_and_one_audit_event(les):
    howest = partner(les, "Howest")
    finance = user("finance@example.org")
    data = csv_bytes(*[row(invoice=f"F-{i}", declared="1.000,01") for i in range(40)])
    before = counts()
    with count_queries() as statements:
        result = import_expenditures(actor(finance), finance, howest, "c:\\Users\\fien\\uitgaven.csv", data)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO EXPENDITURE ")]
    assert len(inserts) == 1
    assert len(statements) < 20  # a fixed number of queries, not one per row
    assert counts() == (before[0] + 40, before[1] + 1, before[2] + 1)
    batch = db.session.get(ExpenditureImport, result.import_id)
    assert (batch.filename, batch.row_count, batch.total_declared) == ("uitgaven.csv", 40, Decimal("40000.40"))
    assert batch.partner_id == howest.id and batch.created_by_id == finance.id and len(batch.sha256) == 64
    rows = db.session.scalars(select(Expenditure).where(Expenditure.import_id == batch.id)).all()
    assert len(rows) == 40 and {r.created_by_id for r in rows} == {finance.id}
    assert {r.dup_key for r in rows} >= {"drukkerijdeletter|f0", "drukkerijdeletter|f39"}
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "expenditure.imported"))
    assert (ev.object_type, ev.object_id, ev.project_id, ev.user_id) == (
        "expenditure_import", str(batch.id), les.id, finance.id)
    assert ev.role == "finance_officer" and ev.ip == "127.0.0.1"
    import hashlib
    assert json.loads(ev.after) == {"partner_id": howest.id, "filename": "uitgaven.csv",
                                    "sha256": hashlib.sha256(data).hexdigest(), "rows": 40,
                                    "total_declared": "40000.40"}
    db.session.commit()
    assert verify_chain().ok


def test_five_thousand_rows(les):
    categories = ["external", "staff", "travel", "equipment"]
    rows = [["external" if i % 7 else categories[i % 4], 1 + i % 6, f"R{i}", f"Leverancier {i % 300}", f"F-{i}",
             datetime(2020, 1, 1 + i % 28), datetime(2020, 2, 1 + i % 28), f"Uitgave {i}",
             Decimal(f"{100 + i}.{i % 100:02d}"), 0, None, f"{100 + i},{i % 100:02d}"] for i in range(5000)]
    result = run(les, xlsx_bytes(rows), name="groot.xlsx")
    assert result.count == 5000 and result.duplicates == []
    assert db.session.scalar(select(func.count()).select_from(Expenditure)
                             .where(Expenditure.import_id == result.import_id)) == 5000
    assert result.total == sum((r[8] for r in rows), Decimal("0.00"))


# --- permissions -------------------------------------------------------------------------------------------------


def test_other_partner_is_not_found_and_auditor_is_refused(les):
    before = counts()
    with pytest.raises(NotFound):
        run(les, csv_bytes(row()), partner_name="Howest", email="partner.odisee@example.org")
    with pytest.raises(PermissionDenied):
        run(les, csv_bytes(row()), partner_name="Howest", email="auditor@example.org")
    with pytest.raises(PermissionDenied):
        run(les, csv_bytes(row()), partner_name="Howest", email="admin@example.org")
    assert counts() == before



def test_the_benchmark_file_is_a_valid_import(les):
    """bench/bench_import.py measures a file that the rules accept (a rule change must not turn the
    benchmark into a measurement of rejections)."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_import.py"
    spec = importlib.util.spec_from_file_location("bench_import", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert run(les, bench.make_xlsx(40), name="bench.xlsx").count == 40
