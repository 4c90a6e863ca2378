"""Audits, corrections and recoveries through HTTP, on the demo (the audit authority's 25% procurement
correction on Odisee's certified period-1 bus invoice, to be offset against Odisee's next transfer)."""
from decimal import Decimal

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditFinding, Claim, ClaimLine, FinancialCorrection, Recovery
from app.services.statements.produce import Spec, make
from tests.conftest import csrf_token, login
from tests.factories import partner, period, project

pytestmark = pytest.mark.demo_history


def fresh(app):
    """Another browser: a new client, and no signed-in user left in the test's application context."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return app.test_client()


def test_demo_correction_and_recovery_visible_to_the_partner_only(app, client):
    c = db.session.scalar(select(FinancialCorrection))
    assert (c.total, c.efro, c.contribution) == (Decimal("-200.00"), Decimal("-100.00"), Decimal("-100.00"))
    login(client, "partner.odisee@example.org")
    page = client.get("/projects/LES/corrections").get_data(as_text=True)
    assert "100,00" in page and "Odisee" in page
    assert client.get("/projects/LES/audits").status_code == 404
    client = fresh(app)
    assert login(client, "partner.howest@example.org").status_code == 302
    response = client.get("/projects/LES/corrections")
    assert response.status_code == 200, response.location
    page = response.get_data(as_text=True)
    assert "Odisee" not in page
    assert client.post(f"/projects/LES/recoveries/{db.session.scalar(select(Recovery.id))}/write-off",
                       data={"csrf_token": csrf_token(page),
                             "reason": "x"}).status_code == 404


def test_pages_for_auditor_and_finance(app, client):
    login(client, "auditor@example.org")
    audit_id = db.session.scalar(select(AuditFinding.audit_id))
    assert client.get("/projects/LES/audits?body=audit_authority&status=closed").status_code == 200
    assert client.get("/projects/LES/audits?body=nonsense&partner=99999999999").status_code == 200
    page = client.get(f"/projects/LES/audits/{audit_id}").get_data(as_text=True)
    assert "AA-2020-LES-01" in page and "Busreizen Van Wiele" in page
    claim = db.session.scalar(select(Claim).where(Claim.partner_id == partner("Odisee").id,
                                                  Claim.period_id == period(1).id))
    page = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    assert "AA-2020-LES-01" in page and 'id="claim-corrections"' in page
    assert client.get("/projects/LES/audits/99999").status_code == 404
    # the auditor records an audit with a finding on a certified line
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.id))
    page = client.get("/projects/LES/audits").get_data(as_text=True)
    r = client.post("/projects/LES/audits", data={
        "csrf_token": csrf_token(page), "body": "european_commission", "reference": "EC-2022", "status": "ongoing",
        "started_on": "2022-03-01", "line_ids": f"#{line.id}"})
    assert r.status_code == 302 and "/audits/" in r.location
    new_id = int(r.location.rsplit("/", 1)[1])
    r = client.post(f"/projects/LES/audits/{new_id}/findings", data={
        "csrf_token": csrf_token(page), "claim_line_id": str(line.id), "error_type": "staff_costs",
        "description": "Uurregistratie ontbreekt", "amount": "1.000,00"})
    assert r.status_code == 302
    finding = db.session.scalar(select(AuditFinding).where(AuditFinding.audit_id == new_id))
    # the auditor books no correction
    assert client.post(f"/projects/LES/findings/{finding.id}/corrections", data={
        "csrf_token": csrf_token(page), "kind": "line", "amount": "10", "comment": "x"}).status_code == 403
    client = fresh(app)
    login(client, "finance@example.org")
    page = client.get(f"/projects/LES/audits/{new_id}").get_data(as_text=True)
    r = client.post(f"/projects/LES/findings/{finding.id}/corrections", data={
        "csrf_token": csrf_token(page), "kind": "line", "amount": "1.000,00", "comment": "Geen uren",
        "measure": "offset"})
    assert r.status_code == 302
    booked = db.session.scalar(select(FinancialCorrection).where(FinancialCorrection.finding_id == finding.id))
    assert booked.total == Decimal("-1150.00")  # staff 1,000.00 and office 15% following
    for data in ({"kind": "bogus"}, {"kind": "claim_rate", "rate": "33"}, {"kind": "line", "amount": "9" * 30}):
        r = client.post(f"/projects/LES/findings/{finding.id}/corrections",
                        data={"csrf_token": csrf_token(page), "comment": "x", **data})
        assert r.status_code == 302


def test_register_xlsx_and_pdf_agree_with_the_page(app):
    for fmt in ("xlsx", "pdf"):
        name, content = make(None, project(), Spec.parse("corrections-register", fmt, "nl"), "test")
        assert content
    import io
    wb = load_workbook(io.BytesIO(make(None, project(), Spec.parse("corrections-register", "xlsx", "en"), "t")[1]))
    values = [c.value for row in wb.worksheets[2].iter_rows() for c in row]
    assert Decimal("-200.00") in [Decimal(str(v)).quantize(Decimal("0.01")) for v in values
                                  if isinstance(v, int | float | Decimal)]


def test_demo_offset_on_the_next_payment_request_and_the_open_recovery(app, client):
    """The demo's 2020 recovery offset against Odisee's period-2 claim (payment request 3); the 2021 control's
    recovery still open, shown to Odisee's users; the claim page counts the other claims net of corrections."""
    import re

    from app.models import PaymentRequest
    request = db.session.scalar(select(PaymentRequest).where(PaymentRequest.project_id == project().id,
                                                             PaymentRequest.number == 3))
    login(client, "finance@example.org")
    page = client.get(f"/projects/LES/payments/{request.id}").get_data(as_text=True)
    shares = re.search(r'<table[^>]*id="shares".*?</table>', page, re.S).group(0)
    offset = re.search(r'class="num offset">([^<]+)<', shares).group(1)
    assert "Odisee" in shares and "-" in offset and "100,00" in offset
    assert re.search(r"100,00 verrekend met terugvorderingen\.", page)  # the request's history says so too
    client = fresh(app)
    login(client, "partner.odisee@example.org")
    page = client.get("/projects/LES/corrections").get_data(as_text=True)
    open_table = re.search(r'<table[^>]*id="open-recoveries".*?</table>', page, re.S).group(0)
    assert open_table.count("<tr>") == 2 and "100,00" in open_table  # the header and the 2021 recovery
    p2 = db.session.scalar(select(Claim).where(Claim.partner_id == partner("Odisee").id,
                                               Claim.period_id == period(2).id))
    page = client.get(f"/projects/LES/claims/{p2.id}").get_data(as_text=True)
    assert "Andere declaraties (netto gecertificeerd)" in page
    assert "Betaalaanvraag" in client.get(f"/projects/LES/payments/{request.id}").get_data(as_text=True)
