"""Claims through the HTTP client: scope, the whole workflow as users click it, and refusals."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimLine, ClaimStatus, Expenditure, LineStatus
from tests.conftest import csrf_token, login
from tests.factories import expenditure, partner, period, project, submitted_claim


def token(client, url="/projects"):
    return csrf_token(client.get(url).get_data(as_text=True))


def post(client, url, data=None, token_url="/projects"):
    return client.post(url, data={**(data or {}), "csrf_token": token(client, token_url)})


def flashes(client, response):
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.findall(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', html, re.S)


@pytest.mark.demo_history
def test_claim_lists_are_scoped_to_the_partner(client):
    login(client, "partner.howest@example.org")
    html = client.get("/projects/LES/claims").get_data(as_text=True)
    assert "PP3 Howest" in html and "PP2 Odisee" not in html and "PP1 TUA West" not in html
    odisee_claim = db.session.scalar(select(Claim.id).where(Claim.partner_id == partner("Odisee").id))
    assert client.get(f"/projects/LES/claims/{odisee_claim}").status_code == 404
    odisee_exp = db.session.scalar(select(Expenditure.id).where(Expenditure.partner_id == partner("Odisee").id))
    assert client.get(f"/projects/LES/expenditures/{odisee_exp}").status_code == 404
    assert "Busreizen Van Wiele" not in client.get("/projects/LES/expenditures").get_data(as_text=True)
    payments = client.get("/projects/LES/payments").get_data(as_text=True)  # its own payments only
    assert "PP3 Howest" not in payments or "PP2 Odisee" not in payments


@pytest.mark.demo_history
def test_auditor_sees_everything_and_changes_nothing(client):
    login(client, "auditor@example.org")
    for url in ["/projects/LES/claims", "/projects/LES/claims/4", "/projects/LES/expenditures",
                "/projects/LES/payments", "/projects/LES/payments/1"]:
        assert client.get(url).status_code == 200, url
    html = client.get("/projects/LES/claims/4").get_data(as_text=True)
    assert "Certificeren" not in html and "Verifiëren" not in html
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == 4, ClaimLine.status == LineStatus.PENDING))
    assert post(client, "/projects/LES/claims/4/certify").status_code == 403
    assert post(client, f"/projects/LES/claims/4/lines/{line.id}/verify", {"decision": "verify"}).status_code == 403
    assert post(client, "/projects/LES/payments", {"claim_ids": "1"}).status_code == 403
    db.session.expire_all()
    assert line.status is LineStatus.PENDING


def test_partner_registers_submits_and_finance_verifies_in_the_browser_flow(client, app):
    """The workflow as a partner and a finance officer click it (HTTP client)."""
    login(client, "partner.howest@example.org")
    html = client.get("/projects/LES/expenditures/new").get_data(as_text=True)
    form = {
        "partner_id": partner("Howest").id, "category_id": _category_id("external"), "period_id": period(1).id,
        "internal_ref": "HW-77", "supplier": "Drukkerij Vanden Broele", "invoice_number": "2019/9001",
        "invoice_date": "2019-11-02", "payment_date": "2019-11-20", "description": "Affiches",
        "gross_amount": "1.210,00", "vat_amount": "210,00", "declared_amount": "1.000,00",
        "csrf_token": csrf_token(html)}
    response = client.post("/projects/LES/expenditures/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    exp = db.session.scalar(select(Expenditure).where(Expenditure.invoice_number == "2019/9001"))
    assert exp.declared_amount == Decimal("1000.00") and exp.created_by.email == "partner.howest@example.org"

    response = post(client, "/projects/LES/claims", {"partner_id": partner("Howest").id, "period_id": period(1).id})
    claim_url = response.headers["Location"]
    claim_id = int(claim_url.rsplit("/", 1)[1])
    # submitting an empty claim is refused with a message, nothing changes
    response = post(client, f"{claim_url}/submit")
    assert ("error", "Een lege declaratie kan niet ingediend worden: voeg eerst uitgaven toe.") in \
        flashes(client, response)
    assert post(client, f"{claim_url}/lines", {"expenditure_ids": str(exp.id)}).status_code == 302
    page = client.get(claim_url).get_data(as_text=True)
    assert "1.000,00" in page and "Declaratie indienen" in page
    assert post(client, f"{claim_url}/submit").status_code == 302
    claim = db.session.get(Claim, claim_id)
    assert claim.status is ClaimStatus.SUBMITTED
    # the partner can no longer edit the line: the edit page says why, a forged POST changes nothing
    response = client.get(f"/projects/LES/expenditures/{exp.id}/edit")
    assert response.status_code == 302 and any("kan niet meer gewijzigd" in m for _, m in flashes(client, response))
    response = client.post(f"/projects/LES/expenditures/{exp.id}/edit",
                           data={**form, "declared_amount": "999,00", "csrf_token": token(client)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Expenditure, exp.id).declared_amount == Decimal("1000.00")

    client.post("/logout", data={"csrf_token": token(client)})
    login(client, "finance@example.org")
    assert post(client, f"{claim_url}/start").status_code == 302
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim_id))
    response = post(client, f"{claim_url}/lines/{line.id}/verify",
                    {"deduction": "100,00", "error_type": "", "comment": "", "decision": "verify"})
    assert ("error", "Een korting vraagt een fouttype en een toelichting.") in flashes(client, response)
    post(client, f"{claim_url}/lines/{line.id}/verify", {"deduction": "100,00", "error_type": "missing_evidence",
                                                         "comment": "Geen betaalbewijs", "decision": "verify"})
    assert post(client, f"{claim_url}/certify").status_code == 302
    db.session.expire_all()
    claim = db.session.get(Claim, claim_id)
    assert claim.status is ClaimStatus.CERTIFIED
    assert (claim.certified_total, claim.efro_total, claim.contribution_total) == (
        Decimal("900.00"), Decimal("450.00"), Decimal("450.00"))
    html = client.get(claim_url).get_data(as_text=True)
    assert 'id="claim-efro">€\xa0450,00' in html

    response = post(client, "/projects/LES/payments", {"claim_ids": str(claim_id)})
    request_url = response.headers["Location"]
    response = post(client, f"{request_url}/received", {"received_date": "2021-02-01", "amount": "450,00"})
    assert response.status_code == 302
    response = post(client, f"{request_url}/transfers", {"partner_id": partner("Howest").id,
                                                         "transfer_date": "2021-02-03", "amount": "450,00"})
    assert ("success", "Doorstorting geboekt.") in flashes(client, response)
    response = post(client, f"{request_url}/transfers", {"partner_id": partner("Howest").id,
                                                         "transfer_date": "2021-02-04", "amount": "450,00"})
    assert any("tweede betaling" in m for _, m in flashes(client, response))
    db.session.expire_all()
    assert db.session.get(Claim, claim_id).status is ClaimStatus.PAID


def _category_id(kind):
    from app.models import CategoryKind
    from tests.factories import category
    return category(CategoryKind(kind)).id


def test_four_eyes_shown_and_enforced_on_the_page(client, app):
    claim, _ = submitted_claim("Howest", "finance@example.org")
    login(client, "finance@example.org")
    html = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    assert "Vier-ogenprincipe" in html and "Verificatie starten" not in html
    assert post(client, f"/projects/LES/claims/{claim.id}/start").status_code == 403
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).status is ClaimStatus.SUBMITTED


def test_bad_expenditure_input_gets_messages_and_saves_nothing(client, app):
    login(client, "partner.howest@example.org")
    page = client.get("/projects/LES/expenditures/new").get_data(as_text=True)
    before = db.session.scalar(select(func.count()).select_from(Expenditure))
    response = client.post("/projects/LES/expenditures/new", data={
        "partner_id": partner("Howest").id, "category_id": _category_id("office_admin"), "period_id": period(1).id,
        "supplier": "X", "invoice_number": "1", "invoice_date": "2023-01-01", "payment_date": "2023-01-05",
        "description": "Y", "gross_amount": "100,00", "vat_amount": "21,00", "vat_recoverable": "y",
        "declared_amount": "100,00", "csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "forfaitair" in html and "buiten de subsidiabiliteitsperiode" in html
    assert "min de terugvorderbare btw" in html
    assert db.session.scalar(select(func.count()).select_from(Expenditure)) == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "expenditure.created")) == 0


def test_partner_cannot_register_for_another_partner(client, app):
    login(client, "partner.howest@example.org")
    page = client.get("/projects/LES/expenditures/new").get_data(as_text=True)
    assert "Odisee" not in page
    response = client.post("/projects/LES/expenditures/new", data={
        "partner_id": partner("Odisee").id, "csrf_token": csrf_token(page)})
    assert response.status_code == 422  # not a valid choice for this user
    assert db.session.scalar(select(func.count()).select_from(Expenditure)) == 0


def test_withdraw_and_correct_through_the_pages(client, app):
    exp = expenditure()
    db.session.commit()
    login(client, "partner.howest@example.org")
    url = f"/projects/LES/expenditures/{exp.id}"
    response = post(client, f"{url}/correct", {"amount": "-250,00", "period_id": period(2).id,
                                               "reason": "Creditnota"}, token_url=url)
    corr_url = response.headers["Location"]
    assert "Correctielijn van" in client.get(corr_url).get_data(as_text=True)
    response = post(client, f"{url}/withdraw", {"reason": ""}, token_url=url)
    assert ("error", "Geef een reden.") in flashes(client, response)
    # the original cannot be withdrawn while a correction of it is active: the correction would outlive it
    response = post(client, f"{url}/withdraw", {"reason": "Dubbel ingevoerd"}, token_url=url)
    assert any("trek eerst die in" in m for _, m in flashes(client, response))
    post(client, f"{corr_url}/withdraw", {"reason": "Creditnota vervalt"}, token_url=corr_url)
    post(client, f"{url}/withdraw", {"reason": "Dubbel ingevoerd"}, token_url=url)
    html = client.get(url).get_data(as_text=True)
    assert "Ingetrokken op" in html and "Dubbel ingevoerd" in html
    assert "withdrawn" in client.get("/projects/LES/expenditures?status=all").get_data(as_text=True)


@pytest.mark.demo_history
def test_demo_history_is_realistic_and_the_chain_is_intact(app):
    from app.services.audit import verify_chain
    statuses = dict(db.session.execute(select(Claim.id, Claim.status).where(Claim.project_id == project().id)).all())
    # three period-1 claims, the managing partner's small-grants claim of the LES Fonds (app/demo_fund.py),
    # Odisee's period-2 claim that offset its recovery and its period-4 draft (app/demo_recovery.py)
    assert sorted(s.value for s in statuses.values()) == ["draft", "in_verification"] + ["paid"] * 5
    lines = db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == 4)).all()
    assert {ln.status for ln in lines} == {LineStatus.VERIFIED, LineStatus.PARKED, LineStatus.PENDING}
    assert any(ln.deduction > 0 for ln in lines)
    for claim in db.session.scalars(select(Claim).where(Claim.status == ClaimStatus.PAID)):
        assert claim.efro_total + claim.contribution_total == claim.certified_total
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK: audit chain intact" in result.output
    assert verify_chain().ok


@pytest.mark.demo_history
def test_demo_evidence_opens_for_the_auditor(client):
    from app.models import ExpenditureDocument
    link = db.session.scalar(select(ExpenditureDocument).order_by(ExpenditureDocument.id))
    login(client, "auditor@example.org")
    response = client.get(f"/projects/LES/documents/{link.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    response.close()


def test_claim_and_expenditure_pages_run_a_fixed_number_of_queries(client, app):
    """Five lines or twenty-five: the same number of SQL statements."""
    from tests.conftest import count_queries
    small, _ = submitted_claim(lines=[{"amount": "10.00"}] * 5)
    big, _ = submitted_claim("Odisee", "partner.odisee@example.org", lines=[{"amount": "10.00"}] * 25)
    counts = []
    login(client, "finance@example.org")
    pages = [(small.id, partner("Howest").id), (big.id, partner("Odisee").id)]
    for claim_id, partner_id in pages:
        client.get(f"/projects/LES/claims/{claim_id}")
        with count_queries(as_new_request=True) as claim_page:
            assert client.get(f"/projects/LES/claims/{claim_id}").status_code == 200
        with count_queries(as_new_request=True) as list_page:
            assert client.get(f"/projects/LES/expenditures?partner={partner_id}").status_code == 200
        counts.append((len(claim_page), len(list_page)))
    assert counts[0] == counts[1], counts


@pytest.mark.demo_history
def test_claim_list_and_payment_pages_do_not_query_per_row(client, app):
    from tests.conftest import count_queries
    login(client, "finance@example.org")

    def counts():
        result = []
        for url in ("/projects/LES/claims", "/projects/LES/payments", "/projects/LES/payments/1"):
            client.get(url)
            with count_queries(as_new_request=True) as statements:
                assert client.get(url).status_code == 200
            result.append(len(statements))
        return result

    before = counts()
    for name in ("Scalda", "Dethon", "Unizo", "UZ Gent"):  # four more claims of other partners
        submitted_claim(name, "finance@example.org")
    assert counts() == before
