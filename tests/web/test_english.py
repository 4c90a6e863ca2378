"""The English pages as a user meets them: messages, form errors, money and dates in English notation,
plurals, cost categories translated by their kind, and the import template in the user's language."""
import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import CategoryKind, Expenditure, ExpenditureStatus, Project
from tests.conftest import csrf_token, login, post_form
from tests.factories import category, partner, period
from tests.web.test_claims_web import flashes
from tests.web.test_language_crawl import DUTCH

EN = {"Accept-Language": "en-GB,en;q=0.9"}
FIN, HOWEST = "finance@example.org", "partner.howest@example.org"


@pytest.fixture
def english(client):
    """A client whose browser prefers English; its user has chosen nothing."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = EN["Accept-Language"]
    return client


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_page_that_needs_signing_in_says_so_in_english(english):
    response = english.get("/projects/LES", follow_redirects=True)
    assert "Sign in to continue." in response.get_data(as_text=True)


def test_a_refused_sign_in_is_explained_in_english(english):
    response = login(english, FIN, "wrong password")
    assert response.status_code == 401
    assert "Unknown e-mail address or wrong password." in response.get_data(as_text=True)


def test_expenditure_form_errors_are_english_and_at_their_fields(english):
    login(english, HOWEST)
    response = post_form(english, "/projects/LES/expenditures/new", {
        "partner_id": partner("Howest").id, "category_id": category(CategoryKind.EXTERNAL).id,
        "period_id": period(1).id, "supplier": "", "invoice_number": "F-9", "invoice_date": "2019-11-15",
        "payment_date": "2019-11-20", "description": "Print", "gross_amount": "twelve", "vat_amount": "0",
        "declared_amount": "1.234"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ["Enter the supplier.",
                    "&#39;twelve&#39; is not an amount.", "can be read two ways (thousands or decimals?)",
                    "for example 1,234.00 or 1.23"]:
        assert message in html, message
    assert not DUTCH.search(text(html).replace("Nederlands", ""))


def test_amounts_are_accepted_in_both_notations_and_shown_in_english(english):
    login(english, HOWEST)
    for typed in ("1,210.00", "1.210,00"):
        response = post_form(english, "/projects/LES/expenditures/new", {
            "partner_id": partner("Howest").id, "category_id": category(CategoryKind.EXTERNAL).id,
            "period_id": period(1).id, "supplier": "Printer", "invoice_number": f"F-{typed}",
            "invoice_date": "2019-11-15", "payment_date": "2019-11-20", "description": "Brochure",
            "gross_amount": typed, "vat_amount": "0", "declared_amount": typed})
        assert response.status_code == 302, typed
        [(kind, message)] = [f for f in flashes(english, response) if f[0] == "success"]
        assert message.endswith("registered. Now add the evidence.")
        page = english.get(response.headers["Location"]).get_data(as_text=True)
        assert "€1,210.00" in page and "15/11/2019" in page and "20/11/2019" in page
    declared = db.session.scalars(select(Expenditure.declared_amount).where(
        Expenditure.supplier == "Printer")).all()
    assert declared == [Decimal("1210.00"), Decimal("1210.00")]


@pytest.mark.demo_history
def test_money_dates_and_plurals_follow_the_language(client, english):
    login(english, FIN)
    html = english.get("/projects/LES/expenditures").get_data(as_text=True)
    # the register's count and total are those of the database (the demo grows: the fund's invoices count too)
    count, total = db.session.execute(
        select(func.count(), func.sum(Expenditure.declared_amount)).join(Project, Expenditure.project_id == Project.id)
        .where(Project.code == "LES", Expenditure.status == ExpenditureStatus.ACTIVE)).one()
    assert count > 1
    assert f"{count} expenditures, together €{total:,.2f} declared." in text(html)
    assert "30/09/2020" in html
    claim = english.get("/projects/LES/claims/4").get_data(as_text=True)
    assert "Of which parked (1 line)" in text(claim) and "2 lines to verify, 1 parked." in text(claim)
    assert "1 document" in text(claim) and "€43,612.98" in claim
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl-BE"
    dutch = english.get("/projects/LES/claims/4").get_data(as_text=True)
    assert "Waarvan geparkeerd (1 lijn)" in text(dutch) and "2 lijnen te verifiëren, 1 geparkeerd." in text(dutch)
    assert "€\xa043.612,98" in dutch and "30-09-2020" in dutch


def test_default_category_names_are_translated_and_a_custom_one_is_shown_as_entered(english):
    travel = category(CategoryKind.TRAVEL)
    travel.name = "Reizen naar Terneuzen"  # a project's own name for the category (set up by an administrator)
    db.session.commit()
    login(english, FIN)
    page = english.get(f"/projects/LES/partners/{partner('Howest').id}").get_data(as_text=True)
    assert "Staff costs" in page and "Office and administration costs" in page and "Personeelskosten" not in page
    assert "Reizen naar Terneuzen" in page and "Travel and accommodation costs" not in page
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    page = english.get(f"/projects/LES/partners/{partner('Howest').id}").get_data(as_text=True)
    assert "Personeelskosten" in page and "Reizen naar Terneuzen" in page


@pytest.mark.usefixtures("before_les_start")
def test_the_budget_history_names_the_category_in_english(english):
    login(english, FIN)
    howest = partner("Howest")
    url = f"/projects/LES/partners/{howest.id}/budget"
    response = post_form(english, url, {"category_id": category(CategoryKind.STAFF).id, "period_id": period(1).id,
                                        "amount": "20,000.00"})
    assert response.status_code == 302
    assert ("success", "The budget has been changed.") in flashes(english, response)
    from app.models import AuditEvent
    from app.services import history
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "budget.line_changed"))
    from flask_babel import force_locale
    with force_locale("en"):
        [entry] = history.entries([event])
    assert entry.what == "budget changed"
    assert entry.sentence.startswith("PP3 Howest, Staff costs, period 1: from €")
    assert "its share of ERDF from" in entry.sentence


def test_refusals_of_the_services_are_english(english):
    login(english, FIN)
    html = english.get("/projects/LES/claims").get_data(as_text=True)
    token = csrf_token(html)
    data = {"partner_id": partner("Howest").id, "period_id": period(1).id, "csrf_token": token}
    english.post("/projects/LES/claims", data=data)
    response = english.post("/projects/LES/claims", data=data)
    assert ("error", "Howest already has a claim for Period 1.") in flashes(english, response)


def test_error_pages_are_english(english):
    login(english, "auditor@example.org")
    response = english.get(f"/projects/LES/partners/{partner('Howest').id}/budget")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "<h1>No access</h1>" in html and "Only an administrator or a finance officer changes the budget." in html
    response = english.get("/projects/NOPE")
    assert response.status_code == 404
    assert "This page does not exist, or you have no access to it." in response.get_data(as_text=True)


def test_the_import_template_comes_in_the_users_language_and_imports_in_either(english):
    login(english, HOWEST)
    response = english.get("/projects/LES/expenditures/import-template.xlsx")
    assert 'filename="expenditures-LES-template.xlsx"' in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.get_data()))
    assert wb.sheetnames == ["Expenditures", "Explanation"]
    sheet = wb["Expenditures"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Cost category", "Period", "Internal reference", "Supplier"]
    assert sheet["A2"].value == "External expertise and services costs"
    assert sheet["F2"].number_format == "DD/MM/YYYY"
    notes = " ".join(str(c) for row in wb["Explanation"].iter_rows(values_only=True) for c in row if c)
    assert "A category that a partner claims at a flat rate (e.g. office and administration costs" in notes
    assert not DUTCH.search(notes.replace("Lerende Euregio Scheldemond", ""))
    # Filled in and uploaded: read in the English and in the Dutch pages alike.
    sheet.cell(row=2, column=header.index("Description") + 1, value="Printing of flyers")
    filled = io.BytesIO()
    wb.save(filled)
    before = db.session.scalar(select(func.count()).select_from(Expenditure))
    target = f"/projects/LES/partners/{partner('Howest').id}/expenditures/import"
    for language, name in (("en", "a.xlsx"), ("nl", "b.xlsx")):
        english.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        page = english.get(target).get_data(as_text=True)
        if name == "b.xlsx":  # the same invoice again: imported, and reported as possible double financing
            assert "Cost category" not in page and "Kostencategorie" in page
        response = english.post(target, data={"file": (io.BytesIO(filled.getvalue()), name),
                                              "csrf_token": csrf_token(page)}, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Expenditure)) == before + 2


def test_the_csv_template_is_english_with_commas(english):
    login(english, HOWEST)
    body = english.get("/projects/LES/expenditures/import-template.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["Cost category", "Period"] and rows[0][-1] == "Declared amount"
    assert rows[1][8] == "1,210.00" and re.fullmatch(r"\d\d/\d\d/\d{4}", rows[1][5])
    assert rows[1][10] == "no" and rows[1][7].startswith("EXAMPLE - replace or delete this row")


def test_an_english_file_with_errors_is_explained_in_english(english):
    login(english, HOWEST)
    wb = Workbook()
    ws = wb.active
    ws.title = "Expenditures"
    ws.append(["Cost category", "Period", "Supplier", "Invoice number", "Invoice date", "Payment date",
               "Description", "Gross amount", "VAT", "Declared amount"])
    ws.append(["Trips", "9", "", "F-1", "31/02/2020", "2020-03-01", "Train", "12.345", "0", "10"])
    data = io.BytesIO()
    wb.save(data)
    target = f"/projects/LES/partners/{partner('Howest').id}/expenditures/import"
    page = english.get(target).get_data(as_text=True)
    response = english.post(target, data={"file": (io.BytesIO(data.getvalue()), "x.xlsx"),
                                          "csrf_token": csrf_token(page)}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ["The file has not been imported: 1 row has errors.", "Unknown cost category &#39;Trips&#39;",
                    "see the sheet Explanation of the template", "Period 9 does not exist in this project "
                    "(periods 1 to 6).", "Supplier is required.", "&#39;31/02/2020&#39; is not an existing date.",
                    "can be read two ways"]:
        assert message in html, message

