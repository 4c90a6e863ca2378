"""The inputs of the security probe (issue 9), each as an attacker would send it: never a 500, always a
message or a 404, and nothing stored."""
import logging
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, CategoryKind, Claim, ClaimLine, ClaimStatus, LineStatus, PaymentRequest
from app.services.imports import COLUMNS
from tests.conftest import csrf_token, login
from tests.factories import category, expenditure, partner, period
from tests.hostile import messages, row_counts
from tests.web.test_imports import csv_file, line, upload

HUGE = "99999999999999999999"
THIRTY_ONES = "1" * 30

pytestmark = pytest.mark.demo_history


def _token(client, url="/projects"):
    return csrf_token(client.get(url).get_data(as_text=True))


def _post(client, url, data, token_url="/projects"):
    return client.post(url, data={**data, "csrf_token": _token(client, token_url)})


def _refused(client, response, *expected):
    """Refused with a message (containing each of ``expected``), not a server error."""
    assert response.status_code < 500
    shown = " | ".join(messages(client, response))
    assert shown, f"no message for the user (HTTP {response.status_code})"
    for text in expected:
        assert text in shown, shown
    return shown


@pytest.mark.parametrize("path", [
    f"/projects/LES/claims/{HUGE}", "/projects/LES/claims/2147483648", f"/projects/LES/expenditures/{HUGE}",
    f"/projects/LES/expenditures/{HUGE}/edit", f"/projects/LES/partners/{HUGE}", f"/projects/LES/payments/{HUGE}",
    f"/projects/LES/partners/{HUGE}/budget", f"/projects/LES/documents/{HUGE}",
    f"/projects/LES/partners/{HUGE}/expenditures/import", "/projects/%00", "/projects/LES%00/claims",
    "/projects/LES/claims/1%00",
    # the fund's and the statements' pages (merged after the guards came in: bounded all the same)
    f"/projects/LES/fund/actions/{HUGE}", "/projects/LES/fund/actions/2147483648/invoices/new",
    f"/projects/LES/fund/actions/1/report/{HUGE}", f"/fund/calls/{HUGE}/apply", "/fund/status/abc%00",
    f"/projects/LES/claims/{HUGE}/claim-statement.pdf", f"/projects/LES/claims/{HUGE}/certificate.xlsx",
    f"/projects/LES/exports/{'a' * 32}%00", "/projects/LES/exports/" + "9" * 200,
])
def test_ids_past_the_database_and_nul_in_paths_are_not_found(client, path):
    login(client, "finance@example.org")
    response = client.get(path)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    f"/projects/LES/claims/{HUGE}/submit", f"/projects/LES/claims/1/lines/{HUGE}/verify",
    f"/projects/LES/expenditures/{HUGE}/withdraw", f"/projects/LES/payments/{HUGE}/received",
])
def test_ids_past_the_database_in_posted_paths_are_not_found(client, path):
    login(client, "finance@example.org")
    before = row_counts()
    assert _post(client, path, {"amount": "1,00", "received_date": "2020-09-15"}).status_code == 404
    assert row_counts() == before


@pytest.mark.parametrize("query", [
    "partner=2147483648", f"partner={HUGE}", "partner=²", "partner=-1", "page=1e20", f"page={HUGE}",
    "page=2147483648", "page=-5", "status=%00x", "partner=%00",
])
def test_hostile_query_strings_never_break_the_register(client, query):
    login(client, "finance@example.org")
    response = client.get(f"/projects/LES/expenditures?{query}")
    if "%00" in query:
        assert response.status_code == 400
        assert "onzichtbaar NUL-teken" in response.get_data(as_text=True)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("path", [
    f"/projects/LES/fund/actions/{HUGE}/decision", "/projects/LES/fund/actions/2147483648/scores",
    f"/fund/calls/{HUGE}/apply",
])
def test_ids_past_the_database_in_the_funds_posted_paths_are_not_found(client, path):
    login(client, "finance@example.org")
    before = row_counts()
    assert _post(client, path, {"decision": "approve", "amount": "1,00"}).status_code == 404
    assert row_counts() == before


@pytest.mark.parametrize("query", [
    f"call={HUGE}", "call=2147483648", "call=²", "call=-1", "call=%00",
])
def test_hostile_query_strings_never_break_the_fund_register(client, query):
    login(client, "finance@example.org")
    response = client.get(f"/projects/LES/fund?{query}")
    assert response.status_code == (400 if "%00" in query else 200)


@pytest.mark.parametrize("query, message", [
    ("user=²", "Kies een gebruiker"), (f"user={HUGE}", "Kies een gebruiker"), ("user=2147483648", "Kies een"),
    ("object_type=claim&object_id=²", "geheel getal"), (f"object_type=claim&object_id={HUGE}", "geheel getal"),
    ("page=²", None), (f"page={HUGE}", None), ("page=-1", None),
])
def test_hostile_filters_of_the_audit_trail_get_a_message(client, query, message):
    login(client, "finance@example.org")
    response = client.get(f"/projects/LES/audit?{query}")
    assert response.status_code == 200
    if message:
        assert message in " | ".join(messages(client, response))


def test_hostile_query_strings_on_the_forms(client):
    login(client, "finance@example.org")
    assert client.get(f"/projects/LES/expenditures/new?partner={HUGE}").status_code == 200
    assert client.get(f"/projects/LES/partners/3/budget?category={HUGE}&period=2147483648").status_code == 200


def test_nul_in_the_login_email_is_refused_and_not_audited(client):
    page = client.get("/login")
    before = row_counts()
    response = client.post("/login", data={"email": "a\x00b", "password": "x",
                                           "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 400
    assert "onzichtbaar NUL-teken" in response.get_data(as_text=True)
    assert row_counts() == before


@pytest.mark.parametrize("field", ["supplier", "invoice_number", "description", "internal_ref"])
def test_nul_in_an_expenditure_text_field_is_refused(client, field):
    login(client, "partner.howest@example.org")
    before = row_counts()
    response = _post(client, "/projects/LES/expenditures/new", {**_expenditure_form(), field: "Drukkerij\x00"},
                     "/projects/LES/expenditures/new")
    assert response.status_code == 400
    _refused(client, response, "NUL-teken", "niets opgeslagen")
    assert row_counts() == before


def _expenditure_form(**changes):
    return {"partner_id": str(partner("Howest").id), "category_id": str(category(CategoryKind.EXTERNAL).id),
            "period_id": str(period(1).id),
            "supplier": "Drukkerij De Letter", "invoice_number": "F-1", "invoice_date": "2019-11-15",
            "payment_date": "2019-11-15", "description": "Drukwerk", "gross_amount": "100,00",
            "vat_amount": "0,00", "declared_amount": "100,00", **changes}


@pytest.mark.parametrize("field", ["gross_amount", "vat_amount", "declared_amount"])
@pytest.mark.parametrize("value, message", [(THIRTY_ONES, "te groot"), ("1e300", "geen bedrag"),
                                            (" ", "Vul "), ("\u00a0", "Vul ")])
def test_hostile_amounts_in_the_expenditure_form(client, field, value, message):
    login(client, "partner.howest@example.org")
    before = row_counts()
    response = _post(client, "/projects/LES/expenditures/new", _expenditure_form(**{field: value}),
                     "/projects/LES/expenditures/new")
    assert response.status_code == 422
    _refused(client, response, message)
    assert row_counts() == before


@pytest.mark.parametrize("value, message", [(THIRTY_ONES, "te groot"), (" ", "Vul een bedrag in")])
def test_hostile_amounts_in_the_budget_form(client, value, message):
    login(client, "finance@example.org")
    before = row_counts()
    url = f"/projects/LES/partners/{partner('Howest').id}/budget"
    response = _post(client, url, {"category_id": "1", "period_id": str(period(1).id), "amount": value}, url)
    assert response.status_code == 422
    _refused(client, response, message)
    assert row_counts() == before


@pytest.mark.parametrize("value, message", [(THIRTY_ONES, "te groot"), ("-" + THIRTY_ONES, "te groot"),
                                            (" ", "Vul het correctiebedrag in")])
def test_hostile_amounts_in_a_correction(client, value, message):
    login(client, "finance@example.org")
    exp_id = db.session.scalar(select(ClaimLine.expenditure_id).order_by(ClaimLine.id))
    before = row_counts()
    response = _post(client, f"/projects/LES/expenditures/{exp_id}/correct",
                     {"amount": value, "period_id": str(period(2).id), "reason": "Creditnota"})
    _refused(client, response, message)
    assert row_counts() == before


def _verifiable_line():
    claim = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.IN_VERIFICATION))
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id,
                                                     ClaimLine.status == LineStatus.PENDING))
    return claim, line


def test_a_thirty_digit_deduction_is_refused(client):
    login(client, "finance@example.org")
    claim, line = _verifiable_line()
    before = row_counts()
    response = _post(client, f"/projects/LES/claims/{claim.id}/lines/{line.id}/verify",
                     {"decision": "verify", "deduction": THIRTY_ONES, "error_type": "other", "comment": "x"})
    _refused(client, response, "te groot")
    assert row_counts() == before


@pytest.mark.parametrize("field", ["amount", "date"])
def test_hostile_payment_amounts_and_dates(client, field):
    login(client, "finance@example.org")
    pr = db.session.scalar(select(PaymentRequest))
    before = row_counts()
    received = {"amount": THIRTY_ONES if field == "amount" else "1,00",
                "received_date": "2020-09-15" if field == "amount" else "99999-01-01"}
    _refused(client, _post(client, f"/projects/LES/payments/{pr.id}/received", received))
    transfer = {"partner_id": str(partner("Howest").id), "amount": received["amount"],
                "transfer_date": received["received_date"]}
    _refused(client, _post(client, f"/projects/LES/payments/{pr.id}/transfers", transfer))
    assert row_counts() == before


@pytest.mark.parametrize("value", ["2147483648", HUGE, "²", "١", "-3", "1e3", "\u0663"])
def test_hostile_ids_in_forms(client, value):
    login(client, "finance@example.org")
    pr = db.session.scalar(select(PaymentRequest))
    draft = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.DRAFT))
    before = row_counts()
    assert _post(client, "/projects/LES/claims", {"partner_id": value, "period_id": "1"}).status_code == 404
    _refused(client, _post(client, "/projects/LES/claims", {"partner_id": str(partner("Howest").id),
                                                             "period_id": value}), "rapportageperiode")
    _refused(client, _post(client, f"/projects/LES/claims/{draft.id}/lines", {"expenditure_ids": [value, value]}),
             "minstens één uitgave")
    _refused(client, _post(client, "/projects/LES/payments", {"claim_ids": [value]}), "minstens één")
    _refused(client, _post(client, f"/projects/LES/payments/{pr.id}/transfers",
                           {"partner_id": value, "amount": "1,00", "transfer_date": "2020-09-22"}))
    if value.isascii() or not value.isdigit():  # WTForms' int() reads "١" as 1, which is a category here
        url = f"/projects/LES/partners/{partner('Howest').id}/budget"
        response = _post(client, url, {"category_id": value, "period_id": value, "amount": "5,00"}, url)
        assert response.status_code == 422
    assert row_counts() == before


def test_an_error_we_did_not_foresee_gets_our_own_page_without_a_traceback(app, client, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail: password=hunter2")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error is handled, not raised
    login(client, "finance@example.org")
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<link rel="stylesheet" href="/static/style.css">' in page and "Er ging aan onze kant iets mis" in page
    assert "Traceback" not in page and "hunter2" not in page and "RuntimeError" not in page
    reference = page.split("de foutcode ")[1][:8]
    assert "RuntimeError: secret detail" in caplog.text  # logged, with its traceback, for the office
    assert f"error reference {reference}: GET /boom answered 500 (RuntimeError)" in caplog.text


@pytest.mark.parametrize("language, heading, text", [
    ("nl", "Er ging iets mis", "Er ging aan onze kant iets mis"),
    ("en", "Something went wrong", "Something went wrong on our side"),
])
def test_our_500_page_in_each_language(app, client, language, heading, text):
    @app.get("/boom")
    def boom():
        raise RuntimeError("detail for the log: password=hunter2")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom", headers={"Accept-Language": language})
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and f'<html lang="{language}"' in page
    assert f"<h1>{heading}</h1>" in page and text in page and "hunter2" not in page


@pytest.mark.parametrize("language, text", [("nl", "onzichtbaar NUL-teken"), ("en", "invisible NUL character")])
def test_the_nul_refusal_in_each_language(client, language, text):
    response = client.get("/login?next=%00", headers={"Accept-Language": language})
    assert response.status_code == 400 and text in response.get_data(as_text=True)


def test_the_error_page_still_answers_when_the_database_is_gone(app, client, caplog, monkeypatch):
    @app.get("/boom")
    def boom():
        raise RuntimeError("database went away")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    import app.guards as guards

    def broken(*args, **kwargs):
        raise RuntimeError("cannot render")
    monkeypatch.setattr(guards, "render_template", broken)
    response = client.get("/boom")
    assert response.status_code == 500 and "Er ging aan onze kant iets mis" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_import_refuses_a_thirty_digit_amount_and_1e300(client, kind):
    login(client, "partner.howest@example.org")
    before = row_counts()
    if kind == "csv":
        data = csv_file(line("F-1", gross=THIRTY_ONES), line("F-2", declared="1" * 27 + ",00"))
    else:
        workbook = Workbook()
        workbook.active.append([c.label for c in COLUMNS])
        workbook.active.append(["external", 1, "", "Drukkerij", "F-1", "15-11-2019", "20-11-2019", "Drukwerk",
                                1e300, 0, "", 1e300])
        out = BytesIO()
        workbook.save(out)
        data = out.getvalue()
    response = upload(client, data, f"uitgaven.{kind}")
    assert response.status_code == 422
    shown = _refused(client, response, "niet geïmporteerd")
    page = response.get_data(as_text=True)
    assert "te groot" in page and shown
    assert row_counts() == before


@pytest.mark.parametrize("filename", ["\r", "\n", "\x00.pdf", "a\x00.pdf"])
def test_evidence_with_a_line_break_or_nul_for_a_name_is_refused(client, filename):
    own = expenditure()
    db.session.commit()
    login(client, "partner.howest@example.org")
    url = f"/projects/LES/expenditures/{own.id}"
    before = row_counts()
    response = client.post(f"{url}/documents", content_type="multipart/form-data",
                           data={"files": (BytesIO(b"%PDF-1.4 not really"), filename),
                                 "csrf_token": _token(client, url)})
    assert response.status_code == (400 if "\x00" in filename else 302)
    _refused(client, response, "NUL-teken" if "\x00" in filename else "")
    assert row_counts() == before


@pytest.mark.parametrize("address", ["1" * 100, "203.0.113.7, 198.51.100.1", "::ffff:1.2.3.4", "evil\x00host"])
def test_a_forged_client_address_is_kept_short_in_the_audit_trail(client, address):
    """Behind PROXY_FIX the address comes from X-Forwarded-For; whatever it says, a login is no 500."""
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    response = client.post("/login", environ_base={"REMOTE_ADDR": address}, data={
        "email": "finance@example.org", "password": "wrong", "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 401
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
    assert event.action == "auth.login_failed" and len(event.ip) <= 45 and "\x00" not in event.ip
