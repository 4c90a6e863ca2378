import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Expenditure, ExpenditureImport
from app.services.imports import COLUMNS
from tests.conftest import csrf_token
from tests.web.test_pages import cells, partner_id

HEADER = ";".join(c.label for c in COLUMNS)


def line(invoice="F-1", gross="1.210,00", declared="1.210,00", category="external", payment="20-11-2019",
         vat="210,00"):
    return ";".join([category, "1", "", "Drukkerij De Letter", invoice, "15-11-2019", payment, "Drukwerk",
                     gross, vat, "", declared])


def csv_file(*lines):
    return ("\ufeff" + "\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")


def url(name="Howest"):
    return f"/projects/LES/partners/{partner_id(name)}/expenditures/import"


def upload(client, data, filename="uitgaven.csv", target=None, token=True):
    target = target or url()
    form = {"file": (io.BytesIO(data), filename)}
    if token:
        page = client.get(target)
        assert page.status_code == 200, page.status_code
        form["csrf_token"] = csrf_token(page.get_data(as_text=True))
    return client.post(target, data=form, content_type="multipart/form-data")


def count(model=Expenditure):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_partner_imports_its_own_lines(as_user):
    client = as_user("partner.howest@example.org")
    page = client.get(url()).get_data(as_text=True)
    assert "PP3 Howest" in page
    assert "/projects/LES/expenditures/import-template.xlsx" in page
    assert "/projects/LES/expenditures/import-template.csv" in page
    assert "forfaitair voor Howest" in page  # office and administration is a flat rate for Howest
    before = count()
    response = upload(client, csv_file(line("F-1"), line("F-2", gross="100,00", vat="0", declared="50,00")))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/projects/LES/expenditures?partner={partner_id('Howest')}")
    assert count() == before + 2
    lines = db.session.scalars(select(Expenditure).where(Expenditure.import_id.is_not(None))
                               .order_by(Expenditure.invoice_number)).all()
    assert [(e.invoice_number, e.declared_amount, e.partner_id) for e in lines] == [
        ("F-1", Decimal("1210.00"), partner_id("Howest")), ("F-2", Decimal("50.00"), partner_id("Howest"))]
    assert lines[0].import_id is not None and lines[0].import_id == lines[1].import_id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "expenditure.imported")) is not None
    with client.session_transaction() as session:
        flashes = session["_flashes"]
    assert ("success", "2 uitgaven geïmporteerd (totaal €\xa01.260,00).") in flashes


def test_duplicates_are_imported_with_a_warning(as_user):
    client = as_user("finance@example.org")
    before = count()
    assert upload(client, csv_file(line("F-1"))).status_code == 302
    response = upload(client, csv_file(line("F-1"), line("F-9"), line("F-9")))
    assert response.status_code == 302
    assert count() == before + 4
    with client.session_transaction() as session:
        warnings = [m for c, m in session["_flashes"] if c == "warning"]
    assert len(warnings) == 1
    assert "mogelijke dubbele financiering" in warnings[0] and "rij 2: al geregistreerd als uitgave #" in warnings[0]
    assert "rij 3: twee keer in het bestand (ook rij 4)" in warnings[0]


def test_other_partner_is_not_found(as_user):
    client = as_user("partner.howest@example.org")
    before = count()
    assert client.get(url("Odisee")).status_code == 404
    token = csrf_token(client.get(url()).get_data(as_text=True))
    response = client.post(url("Odisee"), data={"file": (io.BytesIO(csv_file(line())), "u.csv"),
                                                "csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 404
    assert count() == before


def test_auditor_is_refused(as_user):
    client = as_user("auditor@example.org")
    before = count()
    assert client.get(url()).status_code == 403
    token = csrf_token(client.get("/projects").get_data(as_text=True))
    response = client.post(url(), data={"file": (io.BytesIO(csv_file(line())), "u.csv"), "csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert count() == before


def test_without_csrf_token_400(as_user):
    client = as_user("partner.howest@example.org")
    before = count()
    response = upload(client, csv_file(line()), token=False)
    assert response.status_code == 400
    assert count() == before


def test_not_logged_in_goes_to_login(client):
    response = client.get(url())
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_rejected_file_lists_every_bad_row_with_422(as_user):
    client = as_user("partner.howest@example.org")
    before, audit_before = count(), count(AuditEvent)
    response = upload(client, csv_file(
        line("F-1"),
        line("F-2", gross="1.234"),
        line("F-3", category="office_admin"),
        line("F-4", payment="01-01-2023")))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Er is niets opgeslagen" in html
    rows = cells(html, "import-errors")
    assert rows[0] == ["Rij", "Kolom", "Fout"]
    assert [r[:2] for r in rows[1:]] == [["3", "Brutobedrag"], ["4", "Kostencategorie"], ["5", "Periode"],
                                         ["5", "Betaaldatum"]]
    assert "dubbelzinnig" in rows[1][2] and "forfaitair" in rows[2][2] and "na het einde" in rows[3][2]
    assert "subsidiabiliteitsperiode" in rows[4][2]
    assert count() == before and count(ExpenditureImport) == 0 and count(AuditEvent) == audit_before


def test_file_checks_by_name_content_and_size(as_user, app):
    client = as_user("partner.howest@example.org")
    before = count()
    response = upload(client, csv_file(line()), filename="uitgaven.xlsx")  # a CSV renamed .xlsx
    assert response.status_code == 422
    assert "geen Excel-werkmap (.xlsx)" in response.get_data(as_text=True)
    response = upload(client, csv_file(line()), filename="uitgaven.txt")
    assert response.status_code == 422
    assert "Alleen Excel-werkmappen (.xlsx) en CSV-bestanden (.csv)." in response.get_data(as_text=True)
    response = upload(client, b"", filename="leeg.csv")
    assert response.status_code == 422
    app.config["MAX_UPLOAD_MB"] = 0.25  # kept under the test client's 500 KB spooling threshold
    big = csv_file(*[line(f"F-{i}") for i in range(4_000)])
    assert 256 * 1024 < len(big) < 500 * 1024
    response = upload(client, big)
    assert response.status_code == 422
    assert "groter dan 0,25 MB" in response.get_data(as_text=True)
    assert count() == before


def test_template_downloads(as_user):
    client = as_user("partner.odisee@example.org")
    response = client.get("/projects/LES/expenditures/import-template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    try:
        assert wb.sheetnames == ["Uitgaven", "Toelichting"]
        header = next(wb["Uitgaven"].iter_rows(min_row=1, max_row=1, values_only=True))
        assert list(header) == [c.label for c in COLUMNS]
    finally:
        wb.close()
    response = client.get("/projects/LES/expenditures/import-template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[0] == HEADER
    assert client.get("/projects/NOPE/expenditures/import-template.xlsx").status_code == 404


def test_downloaded_template_uploads_back_once_the_example_is_replaced(as_user):
    from openpyxl import load_workbook
    client = as_user("partner.howest@example.org")
    before = count()
    template = client.get("/projects/LES/expenditures/import-template.xlsx").get_data()
    response = upload(client, template, filename="sjabloon.xlsx")
    assert response.status_code == 422 and "voorbeeldrij van het sjabloon" in response.get_data(as_text=True)
    wb = load_workbook(io.BytesIO(template))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Omschrijving") + 1, value="Drukwerk flyers jobbeurs")
    filled = io.BytesIO()
    wb.save(filled)
    response = upload(client, filled.getvalue(), filename="uitgaven.xlsx")
    assert response.status_code == 302
    assert count() == before + 1
