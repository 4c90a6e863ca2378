"""The fund register as a statement, downloaded from the register page: with the page's filters, the page's
rule for personal data (finance officers, admins and auditors: every contact person; the managing partner:
those of the actions it pays for; other partners: none, in either file), audited, 404 outside the project."""
import io
import json
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models.types import clock_at
from app.services.fund import register
from tests.conftest import csrf_token, login
from tests.factories import project, user
from tests.fund_factories import FIN, MANAGER, NOW, four_actions, manager
from tests.reports.test_statement_builders import needs_fonts, needs_tool

CONTACTS = {"paid": ("Els Peeters", "els.peeters@devlieger.be"), "closed": ("Anja Smit", "anja@sas.example"),
            "rejected": ("Piet de Vries", "piet@dow.example"), "open": ("Jan Janssens", "jan@zelzate.example")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def demo_clock():
    with clock_at(NOW):
        yield


@pytest.fixture
def actions(app):
    return four_actions()


def xlsx_texts(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
                     if c is not None)


def pdf_text(content: bytes, tmp_path) -> str:
    needs_tool("pdftotext", "poppler-utils")
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\xa0", " ")


def download(client, fmt: str, lang: str = "nl", **filters):
    query = "&".join([f"lang={lang}"] + [f"{k}={v}" for k, v in filters.items()])
    return client.get(f"/projects/LES/fund/register.{fmt}?{query}")


def both_files(client, tmp_path, lang="en", **filters) -> tuple[str, str]:
    needs_fonts()
    xlsx, pdf = download(client, "xlsx", lang, **filters), download(client, "pdf", lang, **filters)
    assert xlsx.status_code == 200 and pdf.status_code == 200
    assert xlsx.mimetype == XLSX and pdf.mimetype == "application/pdf"
    assert xlsx.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in pdf.headers["Content-Disposition"] and "LES_fund-register" in pdf.headers[
        "Content-Disposition"]
    return xlsx_texts(xlsx.data), pdf_text(pdf.data, tmp_path)


def seen(text: str, who: str) -> set[str]:
    return {key for key, (name, email) in CONTACTS.items() if name in text or email in text}


@pytest.mark.parametrize("email", [FIN, "auditor@example.org", "admin@example.org"])
def test_finance_auditors_and_admins_get_every_contact_person(client, actions, email, tmp_path):
    login(client, email)
    xlsx, pdf = both_files(client, tmp_path)
    assert seen(xlsx, "xlsx") == seen(pdf, "pdf") == set(CONTACTS)
    assert "Contact person" in xlsx and "Basisschool De Vlieger" in pdf


def test_the_managing_partner_gets_the_contacts_of_the_actions_it_pays_for(client, actions, tmp_path):
    manager()
    login(client, MANAGER, "lang-genoeg-wachtwoord")
    xlsx, pdf = both_files(client, tmp_path)
    assert seen(xlsx, "xlsx") == seen(pdf, "pdf") == {"paid", "closed"}  # not the rejected or open ones
    assert "Dow Benelux" in xlsx and "Gemeente Zelzate" in pdf  # the register itself is complete


def test_another_partner_gets_the_register_without_personal_data(client, actions, tmp_path):
    login(client, "partner.howest@example.org")
    xlsx, pdf = both_files(client, tmp_path)
    for text in (xlsx, pdf):
        assert seen(text, "") == set()
        assert "@" not in text.replace("@example.org", "")  # no e-mail address of anyone but the reader
        assert "Basisschool De Vlieger" in text and "Dow Benelux" in text and "Muziekvereniging Sas" in text
        assert "Without personal data" in text
    assert "Contact person" not in xlsx and "E-mail address" not in xlsx
    for lang in ("nl", "en"):
        assert "Els Peeters" not in xlsx_texts(download(client, "xlsx", lang).data)


def test_the_files_add_up_to_the_cent_and_match_the_register_page(client, actions):
    login(client, FIN)
    reg = register.fund_register(user(FIN), project())
    book = load_workbook(io.BytesIO(download(client, "xlsx", "en").data))
    summary, sheet = book.worksheets
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    cents = lambda v: Decimal(str(v)).quantize(Decimal("0.01"))  # noqa: E731
    assert cents(facts["Ceiling"]) == reg.fund.ceiling == Decimal("100000.00")
    assert cents(facts["Committed"]) == reg.fund.committed == Decimal("1583.33")
    assert cents(facts["Paid"]) == reg.fund.paid == Decimal("1280.03")
    assert cents(facts["Released by closed actions"]) == reg.fund.released == Decimal("166.67")
    assert cents(facts["Available"]) == reg.fund.available == Decimal("98416.67")
    head = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    body, totals = rows[:-1], rows[-1]
    assert [r[0] for r in body] == [r.reference for r in reg.rows] and totals[0] == "Total (4 actions)"
    for name, field in (("Requested", "requested"), ("Approved", "approved"), ("Committed", "committed"),
                        ("Paid", "paid"), ("Released", "released"), ("Still to pay", "to_pay")):
        col = head.index(name)
        assert sum(cents(r[col]) for r in body) == cents(totals[col]) == getattr(reg.listed, field), name
    assert cents(totals[head.index("Committed")]) == reg.fund.committed  # no filter: listed = the whole fund
    assert cents(totals[head.index("Paid")]) + cents(totals[head.index("Still to pay")]) == reg.fund.committed


def test_the_page_offers_the_downloads_with_its_filters_and_the_download_honours_them(client, actions, tmp_path):
    login(client, FIN)
    html = client.get("/projects/LES/fund?country=NL&status=nonsense").get_data(as_text=True)
    for fmt in ("xlsx", "pdf"):
        for lang in ("nl", "en"):
            assert f"/projects/LES/fund/register.{fmt}?lang={lang}&amp;country=NL\"" in html
    xlsx, pdf = both_files(client, tmp_path, "nl", country="NL")
    for text in (xlsx, pdf):
        assert "Dow Benelux" in text and "Muziekvereniging Sas" in text
        assert "Basisschool De Vlieger" not in text and "Gemeente Zelzate" not in text
        assert "Filter: Land" in text and "Fondsregister" in text
    assert "Totaal (2 acties)" in xlsx and "433,33" in pdf  # the listed NL actions' payments
    book = load_workbook(io.BytesIO(download(client, "xlsx", "en", country="NL", type="company").data))
    assert [r[0] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)] == [
        "2021-1-002", "Total (1 actions)"]


@pytest.mark.parametrize("email, personal", [(FIN, True), ("partner.howest@example.org", False), (MANAGER, True)])
def test_every_download_is_audited_with_its_filters_and_whether_it_held_personal_data(client, actions, email,
                                                                                        personal):
    manager()
    login(client, email, *(["lang-genoeg-wachtwoord"] if email == MANAGER else []))
    assert download(client, "xlsx", "en", status="approved").status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statement.downloaded")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.object_type == "fund" and event.object_id == str(actions["fund"].id)
    after = json.loads(event.after)
    assert after["statement"] == "fund-register" and after["filters"] == {"status": "approved"}
    assert after["personal_data"] is personal and after["filename"].endswith(".xlsx")
    assert event.user_id == user(email).id


def test_the_download_reads_as_a_sentence_in_the_audit_trail(client, actions):
    login(client, FIN)
    download(client, "pdf", "en", country="NL")
    trail = client.get("/projects/LES/audit?action=statement.downloaded").get_data(as_text=True)
    assert "Fondsregister (PDF" in trail and "LES_fund-register_NL_" in trail


def test_outside_the_project_or_without_a_fund_it_is_not_found(client, actions):
    assert client.get("/projects/LES/fund/register.xlsx").status_code in (302, 401)  # not signed in
    login(client, "partner.howest@example.org")  # a partner of LES only
    assert client.get("/projects/LLL/fund/register.xlsx").status_code == 404
    assert client.get("/projects/NOPE/fund/register.xlsx").status_code == 404
    assert client.get("/projects/LES/fund/register.csv").status_code == 404


def test_a_project_without_a_fund_has_no_register(client, actions):
    login(client, FIN)  # a finance officer of LES and LLL; LLL has no fund
    assert client.get("/projects/LLL/fund/register.pdf").status_code == 404


@pytest.mark.parametrize("query", ["call=99999999999999999999", "call=2147483648", "call=²", "call=-1", "lang=xx",
                                   "type=<b>", "country=be&country=NL", "call=%F0%9F%92%A5", "status=%00"])
def test_hostile_query_strings_give_a_file_not_a_500(client, actions, query):
    login(client, FIN)
    response = client.get(f"/projects/LES/fund/register.xlsx?{query}")
    if "%00" in query:  # app/guards.py refuses NUL characters in every request
        assert response.status_code == 400
    else:
        assert response.status_code == 200 and response.mimetype == XLSX


def test_the_register_is_not_a_background_job(client, actions):
    login(client, FIN)
    page = client.get("/projects/LES").get_data(as_text=True)
    response = client.post("/projects/LES/exports", data={"kind": "fund-register", "format": "xlsx", "lang": "en",
                                                           "csrf_token": csrf_token(page)})
    assert response.status_code == 404
