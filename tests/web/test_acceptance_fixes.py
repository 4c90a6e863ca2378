"""What acceptance testing found (issue 6), each through the pages as the user met it."""
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import or_, select

from app.extensions import db
from app.models import AuditEvent, CategoryKind, Claim, ClaimLine, ClaimStatus, ExpenditureDocument, Project, Role
from app.models.types import clock_at
from app.services import claims, documents
from app.services.accounts import create_user, grant_membership
from app.services.audit import Actor
from reports.formatting import money
from tests.conftest import login
from tests.factories import actor, data, expenditure, partner, period, project, submitted_claim, user
from tests.web.test_claims_web import flashes, post

FIN = "finance@example.org"
NBSP = "\u00a0"


def claim_url(claim_id):
    return f"/projects/LES/claims/{claim_id}"


def test_the_only_finance_officer_opens_every_invoice_then_verifies_and_certifies(client):
    """Defect 1: downloading evidence counted as changing the line, so the demo's only finance officer
    could not finish a claim after checking its invoices."""
    claim, exps = submitted_claim(lines=[{"amount": "1000.00"}, {"amount": "250.00"}])
    hu = user("partner.howest@example.org")
    for i, exp in enumerate(exps):
        documents.attach(actor(hu), hu, exp, [(f"factuur-{i}.pdf", b"%PDF-1.4 invoice " + str(i).encode())])
    db.session.commit()
    login(client, FIN)
    links = db.session.scalars(select(ExpenditureDocument.id).where(
        ExpenditureDocument.expenditure_id.in_([e.id for e in exps]))).all()
    for link_id in links:
        response = client.get(f"/projects/LES/documents/{link_id}")
        assert response.status_code == 200
        response.close()
    assert "Vier-ogenprincipe" not in client.get(claim_url(claim.id)).get_data(as_text=True)
    assert post(client, f"{claim_url(claim.id)}/start").status_code == 302
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)):
        post(client, f"{claim_url(claim.id)}/lines/{line.id}/verify", {"decision": "verify"})
    post(client, f"{claim_url(claim.id)}/certify")
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).status is ClaimStatus.CERTIFIED
    downloads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.downloaded")).all()
    assert len(downloads) == len(links)


def test_a_partner_adds_evidence_during_verification(client):
    """Defect 3: the page said evidence could still be added during verification, but the upload form was
    gone. The partner adds a file (audited), the amounts stay, and the verifier is not blocked."""
    claim, exps = submitted_claim()
    fin = user(FIN)
    claims.start_verification(actor(fin), fin, claim)
    db.session.commit()
    login(client, "partner.howest@example.org")
    claim_html = client.get(claim_url(claim.id)).get_data(as_text=True)
    assert "dat kan ook nu, tijdens de verificatie" in claim_html
    page = client.get(f"/projects/LES/expenditures/{exps[0].id}").get_data(as_text=True)
    assert 'id="evidence-files"' in page and "Wijzigen</a>" not in page
    response = client.post(f"/projects/LES/expenditures/{exps[0].id}/documents", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "files": [(io.BytesIO(b"%PDF-1.4 nagestuurd"), "nagestuurd.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.attached")).all()[-1]
    assert event.user_id == user("partner.howest@example.org").id
    assert claims.verifier_problem(fin, claim) is None


@pytest.mark.demo_history
def test_a_partner_sees_its_payments_and_nothing_of_other_partners(client):
    """Defect 4: the payments page answered 404 to partners."""
    login(client, "partner.howest@example.org")
    listing = client.get("/projects/LES/payments").get_data(as_text=True)
    howest_claim = db.session.scalar(select(Claim).where(Claim.partner_id == partner("Howest").id,
                                                         Claim.payment_request_id.is_not(None)))
    assert money(howest_claim.efro_total, "nl") in listing
    request = client.get(f"/projects/LES/payments/{howest_claim.payment_request_id}").get_data(as_text=True)
    assert "PP3 Howest" in request and "Odisee" not in request and "TUA West" not in request
    assert "Gevraagd EFRO" not in request and 'id="programme-outstanding"' not in request
    assert 'id="history"' not in request  # the request's history names other partners' transfers
    assert "22-09-2020" in request  # the date of the transfer to Howest


@pytest.mark.demo_history
def test_a_partner_without_claims_in_a_request_does_not_find_it(client):
    actor_ = Actor.system("test")
    scalda_user = create_user(actor_, "partner.scalda@example.org", "Sam Scalda", "lang-genoeg-wachtwoord")
    grant_membership(actor_, scalda_user, project(), Role.PARTNER, partner("Scalda"))
    db.session.commit()
    login(client, "partner.scalda@example.org", "lang-genoeg-wachtwoord")
    assert "Nog geen betaalaanvragen" in client.get("/projects/LES/payments").get_data(as_text=True)
    assert client.get("/projects/LES/payments/1").status_code == 404


def test_dates_and_times_follow_brussels_time(client):
    """Defect 5: 'Ingediend 30-11-2026 00:03' stood next to 'Gecertificeerd 29-11-2026' (a UTC date)."""
    hu, fin = user("partner.howest@example.org"), user(FIN)
    with clock_at(datetime(2026, 11, 29, 23, 3, tzinfo=UTC)):
        claim, _ = submitted_claim()
    with clock_at(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)):
        claims.start_verification(actor(fin), fin, claim)
        for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)):
            claims.verify_line(actor(fin), fin, claim, line.id)
        claims.certify(actor(fin), fin, claim)
    db.session.commit()
    assert hu is not None
    login(client, FIN)
    html = client.get(claim_url(claim.id)).get_data(as_text=True)
    assert "30-11-2026 00:03" in html and "30-11-2026 00:30" in html and "29-11-2026" not in html


@pytest.mark.demo_history
def test_history_reads_as_sentences(client):
    """Defect 6: the history showed raw keys such as 'certified: 8000.00; error_type: staff_costs'."""
    login(client, "auditor@example.org")
    howest_2 = db.session.scalar(select(Claim.id).where(Claim.partner_id == partner("Howest").id,
                                                        Claim.period_id == period(2).id))
    html = client.get(claim_url(howest_2)).get_data(as_text=True)
    history = re.search(r'<table[^>]*id="history".*?</table>', html, re.S).group(0)
    assert f"Korting €{NBSP}400,00, Ontbrekend of onvolledig bewijsstuk" in history
    assert "geparkeerd" in history and "Van ingediend naar in verificatie." in history
    assert "Fien Financiën" in history
    for raw in ("error_type", "duplicate_confirmed", "in_verification", "8000.00", "None"):
        assert raw not in history, raw


def _same_invoice_at_two_partners():
    expenditure(supplier="Drukkerij De Letter", invoice="F-77")  # Howest's line
    odisee = expenditure("Odisee", "partner.odisee@example.org", supplier="Drukkerij De Letter", invoice="F-77")
    db.session.commit()
    return odisee


def test_a_partner_cannot_probe_for_another_partners_invoice(client):
    """Defect 8: a partner learnt that the same supplier and invoice number exist at another partner."""
    odisee = _same_invoice_at_two_partners()
    login(client, "partner.odisee@example.org")
    for url in (f"/projects/LES/expenditures/{odisee.id}", "/projects/LES/expenditures"):
        html = client.get(url).get_data(as_text=True)
        assert "mogelijk dubbel" not in html.lower() and "duplicate-warning" not in html, url


def test_finance_officers_see_every_possible_double_financing(client):
    odisee = _same_invoice_at_two_partners()
    login(client, FIN)
    html = client.get(f"/projects/LES/expenditures/{odisee.id}").get_data(as_text=True)
    assert 'id="duplicate-warning"' in html and "PP3 Howest" in html


@pytest.mark.demo_history
def test_the_demo_tells_one_story_on_the_projects_dates(app):
    """Defect 9: claims dated 2026 were paid in 2020. Every step of the demo history happens in its period."""
    les = db.session.scalar(select(Project).where(Project.code == "LES"))
    for claim in db.session.scalars(select(Claim)):
        assert claim.period.end_date < claim.created_at.date()
        if claim.submitted_at:
            assert claim.period.end_date < claim.submitted_at.date()
        if claim.certified_at:
            assert claim.submitted_at < claim.certified_at
        if claim.paid_at:
            assert claim.certified_at.date() < claim.paid_at.date()
        if claim.project_id == les.id:  # LES's story: 2020 (and Odisee's period-4 draft of 2021), every
            # certified claim paid
            assert claim.created_at.year in (2020, 2021) and (claim.certified_at is None or claim.paid_at is not None)
    years = {ev.occurred_at.year for ev in db.session.scalars(select(AuditEvent).where(
        or_(AuditEvent.project_id == les.id, AuditEvent.project_id.is_(None))))}
    assert {2019, 2020} <= years <= {2019, 2020, 2021}  # 2021: LES's project modification (app/demo.py)
    # the other demo projects (app/demo_portfolio.py) tell theirs on their own dates, never today's
    assert max(ev.occurred_at for ev in db.session.scalars(select(AuditEvent))).year <= 2022


def test_correction_is_for_frozen_lines_and_edit_for_the_others(client):
    """Small ones: correction offered on an expenditure in no claim (edit it instead)."""
    free = expenditure()
    claim, (frozen,) = submitted_claim()
    db.session.commit()
    login(client, "partner.howest@example.org")
    free_html = client.get(f"/projects/LES/expenditures/{free.id}").get_data(as_text=True)
    assert "Correctielijn" not in free_html and "Wijzigen</a>" in free_html
    frozen_html = client.get(f"/projects/LES/expenditures/{frozen.id}").get_data(as_text=True)
    assert "<h2>Correctielijn</h2>" in frozen_html and "Wijzigen</a>" not in frozen_html
    assert "<h2>Intrekken</h2>" not in frozen_html


def test_a_category_without_budget_is_registered_with_a_warning(client):
    """Small ones: an expenditure in a category with zero budget was accepted without a word."""
    login(client, "partner.howest@example.org")
    form = client.get("/projects/LES/expenditures/new").get_data(as_text=True)
    infrastructure = data(kind=CategoryKind.INFRASTRUCTURE)
    response = client.post("/projects/LES/expenditures/new", data={
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1),
        "partner_id": partner("Howest").id, "category_id": infrastructure.category_id,
        "period_id": infrastructure.period_id, "supplier": "Aannemer", "invoice_number": "A-1",
        "invoice_date": "2019-11-15", "payment_date": "2019-11-15", "description": "Verbouwing",
        "gross_amount": "500,00", "vat_amount": "0", "declared_amount": "500,00"})
    assert response.status_code == 302
    assert any(kind == "warning" and "geen budget voor &#39;Infrastructuur en werken&#39;" in text
               for kind, text in flashes(client, response))


def test_the_template_says_the_flat_rate_remark_once(client):
    login(client, "partner.howest@example.org")
    book = load_workbook(io.BytesIO(client.get("/projects/LES/expenditures/import-template.xlsx").data))
    texts = [c for row in book["Toelichting"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert sum("forfaitair" in t for t in texts) == 1


def test_claim_totals_are_money_with_the_euro_sign(client):
    claim, _ = submitted_claim(lines=[{"amount": "1234.50"}])
    db.session.commit()
    login(client, "partner.howest@example.org")
    html = client.get(claim_url(claim.id)).get_data(as_text=True)
    assert f'id="claim-declared">€{NBSP}1.234,50<' in html
    assert "uitgave(n)" not in html and "lijn(en)" not in html
