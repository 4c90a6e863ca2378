"""Property: whatever hostile value goes into any one field of any form (the others valid), the answer is
a message for the user, never a server error, and nothing is stored (every table counted before and after).

The app runs with TESTING on, so an unhandled exception is raised into the test instead of becoming a 500:
hypothesis then shrinks it to the smallest input that breaks the form."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.documents.routes import documents
from app.extensions import db
from app.models import CategoryKind, Claim, ClaimLine, ClaimStatus, ErrorType, LineStatus, PaymentRequest
from tests.conftest import csrf_token, login
from tests.factories import category, expenditure, partner, period
from tests.hostile import bad_amount, bad_date, bad_id, bad_text, blank, messages, row_counts, with_nul

pytestmark = pytest.mark.demo_history
FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ANSWERS = {200, 302, 400, 401, 403, 404, 413, 422}


@dataclass
class Form:
    user: str | None  # None: not logged in
    url: str
    valid: dict
    hostile: dict = field(default_factory=dict)  # field -> strategy of values it must refuse
    token_url: str | None = None  # the page with the form (for the CSRF token); default the URL itself


def _new_expenditure_fields():
    return {
        "partner_id": bad_id(), "category_id": bad_id(), "period_id": bad_id(),
        "supplier": bad_text(200), "invoice_number": bad_text(60), "internal_ref": bad_text(60, required=False),
        "description": bad_text(2000), "invoice_date": bad_date(), "payment_date": bad_date(),
        "gross_amount": bad_amount(), "vat_amount": bad_amount(), "declared_amount": bad_amount(),
    }


def _expenditure_values(partner_id: int) -> dict:
    return {"partner_id": str(partner_id), "category_id": str(category(CategoryKind.EXTERNAL).id),
            "period_id": str(period(1).id), "supplier": "Drukkerij De Letter", "invoice_number": "F-77",
            "internal_ref": "", "invoice_date": "2019-11-15", "payment_date": "2019-11-15",
            "description": "Drukwerk", "gross_amount": "100,00", "vat_amount": "0,00",
            "declared_amount": "100,00"}


def _forms() -> dict[str, Form]:
    """Every form of the application, with the objects they act on taken from the demo history."""
    howest = partner("Howest")
    own = expenditure()  # Howest's, in no claim: editable, withdrawable
    db.session.commit()
    in_verification = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.IN_VERIFICATION))
    pending = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == in_verification.id,
                                                        ClaimLine.status == LineStatus.PENDING))
    draft = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.DRAFT))
    paid = db.session.scalar(select(PaymentRequest))
    claimed = db.session.scalar(select(ClaimLine.expenditure_id).order_by(ClaimLine.id))
    budget = f"/projects/LES/partners/{howest.id}/budget"
    claim = f"/projects/LES/claims/{in_verification.id}"
    error_types = {e.value for e in ErrorType}
    return {
        "login": Form(None, "/login", {"email": "finance@example.org", "password": "cofund-demo-2026"},
                      {"email": bad_text(254), "password": bad_text(1024)}),
        "new expenditure": Form("partner.howest@example.org", "/projects/LES/expenditures/new",
                                _expenditure_values(howest.id), _new_expenditure_fields()),
        "edit expenditure": Form("partner.howest@example.org", f"/projects/LES/expenditures/{own.id}/edit",
                                 _expenditure_values(howest.id), _new_expenditure_fields()),
        "withdraw": Form("partner.howest@example.org", f"/projects/LES/expenditures/{own.id}/withdraw",
                         {"reason": "Dubbel ingevoerd"}, {"reason": bad_text(1000)},
                         f"/projects/LES/expenditures/{own.id}"),
        "correct": Form("finance@example.org", f"/projects/LES/expenditures/{claimed}/correct",
                        {"amount": "-1,00", "period_id": str(period(2).id), "reason": "Creditnota"},
                        {"amount": bad_amount(allow_negative=True), "period_id": bad_id(),
                         "reason": bad_text(1000)}, f"/projects/LES/expenditures/{claimed}"),
        "budget": Form("finance@example.org", budget,
                       {"category_id": str(category(CategoryKind.EXTERNAL).id), "period_id": str(period(1).id),
                        "amount": "5.000,00"},
                       {"category_id": bad_id(), "period_id": bad_id(), "amount": bad_amount()}),
        "new claim": Form("partner.howest@example.org", "/projects/LES/claims",
                          {"partner_id": str(howest.id), "period_id": str(period(3).id)},
                          {"partner_id": bad_id(), "period_id": bad_id()}, "/projects/LES/claims"),
        "claim lines": Form("partner.odisee@example.org", f"/projects/LES/claims/{draft.id}/lines",
                            {"expenditure_ids": []},
                            {"expenditure_ids": st.lists(bad_id(), min_size=1, max_size=4)},
                            f"/projects/LES/claims/{draft.id}"),
        "verify line": Form("finance@example.org", f"{claim}/lines/{pending.id}/verify",
                            {"decision": "verify", "deduction": "10,00", "error_type": "other",
                             "comment": "Te veel"},
                            {"deduction": bad_amount(), "comment": with_nul(),
                             "error_type": st.text(min_size=1, max_size=20).filter(lambda s: s not in error_types)},
                            claim),
        "return claim": Form("finance@example.org", f"{claim}/return", {"reason": "Factuur ontbreekt"},
                             {"reason": st.one_of(with_nul(), blank)}, claim),
        "payment request": Form("finance@example.org", "/projects/LES/payments", {"claim_ids": []},
                                {"claim_ids": st.lists(bad_id(), min_size=1, max_size=4)}, "/projects/LES/payments"),
        "payment received": Form("finance@example.org", f"/projects/LES/payments/{paid.id}/received",
                                 {"amount": "1,00", "received_date": "2020-09-15"},
                                 {"amount": bad_amount(), "received_date": bad_date()},
                                 f"/projects/LES/payments/{paid.id}"),
        "transfer": Form("finance@example.org", f"/projects/LES/payments/{paid.id}/transfers",
                         {"partner_id": str(howest.id), "amount": "1,00", "transfer_date": "2020-09-22"},
                         {"partner_id": bad_id(), "amount": bad_amount(), "transfer_date": bad_date()},
                         f"/projects/LES/payments/{paid.id}"),
    }


FORM_NAMES = ["login", "new expenditure", "edit expenditure", "withdraw", "correct", "budget", "new claim",
              "claim lines", "verify line", "return claim", "payment request", "payment received", "transfer"]


def _check_refused(client, response, before):
    assert response.status_code in ANSWERS, response.status_code
    assert messages(client, response), f"no message for the user (HTTP {response.status_code})"
    assert row_counts() == before


@pytest.mark.parametrize("name", FORM_NAMES)
def test_no_hostile_value_in_any_field_gets_past_a_form(client, name):
    form = _forms()[name]
    if form.user:
        login(client, form.user)
    token = csrf_token(client.get(form.token_url or form.url).get_data(as_text=True))
    before = row_counts()

    @FUZZ
    @given(data=st.data())
    def attack(data):
        name = data.draw(st.sampled_from(sorted(form.hostile)), label="field")
        value = data.draw(form.hostile[name], label="value")
        response = client.post(form.url, data={**form.valid, name: value, "csrf_token": token})
        _check_refused(client, response, before)

    attack()


def test_every_form_is_fuzzed(app):
    """A new form (a POST route) must be added to the fuzz table above, or named here as having no fields."""
    no_fields = {"auth.logout", "claims.submit", "claims.start", "claims.certify", "claims.remove_line"}
    separate = {"documents.upload", "imports.upload"}  # their own property tests (files)
    fuzzed = {"auth.login", "expenditures.create", "expenditures.edit", "expenditures.withdraw",
              "expenditures.correct", "projects.edit_budget", "claims.create", "claims.add_lines",
              "claims.verify_line", "claims.return_claim", "payments.create", "payments.received",
              "payments.transfer"}
    assert len(fuzzed) == len(FORM_NAMES)
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posted == no_fields | separate | fuzzed


def test_no_hostile_evidence_upload_is_stored(client):
    own = expenditure()
    db.session.commit()
    login(client, "partner.howest@example.org")
    url = f"/projects/LES/expenditures/{own.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    before = row_counts()

    @FUZZ
    @given(content=st.binary(max_size=3000).filter(lambda b: documents.sniff(b) is None),
           name=st.one_of(st.text(max_size=300), with_nul()))
    def attack(content, name):
        from io import BytesIO
        response = client.post(f"{url}/documents", content_type="multipart/form-data",
                               data={"files": (BytesIO(content), name or "x"), "csrf_token": token})
        _check_refused(client, response, before)

    attack()
