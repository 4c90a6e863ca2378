"""The fund's pages for signed-in users: who sees personal data, the register's filters and totals to the
cent, the assessment on the action page, and the audit trail in words for every fund event."""
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ReportKind
from app.models.types import clock_at
from app.services import history
from app.services.fund import assessment, execution, public, register
from tests.conftest import csrf_token, login
from tests.factories import actor, project, user
from tests.fund_factories import (
    APPLICANT,
    FIN,
    MANAGER,
    NOW,
    four_actions,
    manager,
    second_finance_officer,
)

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def demo_clock():
    with clock_at(NOW):
        yield


@pytest.fixture
def actions(app):
    return four_actions()


def test_the_register_totals_add_up_to_the_cent(actions):
    fin = user(FIN)
    reg = register.fund_register(fin, project())
    t = reg.fund
    assert t.ceiling == Decimal("100000.00")
    assert t.approved == Decimal("1750.00")  # 1,150 + 600
    assert t.paid == Decimal("1280.03")  # 846.70 + 433.33
    assert t.released == Decimal("166.67")  # 600 - 433.33
    assert t.committed == Decimal("1583.33") == t.paid + t.to_pay
    assert t.to_pay == Decimal("303.30")  # 1,150 - 846.70
    assert t.available == Decimal("98416.67") == t.ceiling - t.committed
    assert t.approved == t.committed + t.released
    assert reg.listed.actions == 4 and reg.listed.requested == Decimal("1150.00") * 2 + Decimal("2600.00")
    assert reg.listed.paid == t.paid and reg.listed.released == t.released and reg.listed.committed == t.committed
    nl = register.fund_register(fin, project(), register.RegisterFilters.parse(country="NL"))
    assert [r.organisation for r in nl.rows] == ["Dow Benelux", "Muziekvereniging Sas"]
    assert nl.listed.paid == Decimal("433.33") and nl.fund == t  # the fund's totals do not follow filters
    assert [r.reference for r in register.fund_register(fin, project(), register.RegisterFilters.parse(
        status="rejected")).rows] == ["2021-1-002"]
    assert register.RegisterFilters.parse(status="'; drop", country="DE", org_type=1) == register.RegisterFilters()


def test_the_register_page_shows_the_totals_and_filters(client, actions):
    login(client, FIN)
    html = client.get("/projects/LES/fund").get_data(as_text=True)
    assert f'id="total-committed">€{NBSP}1.583,33<' in html and f'id="total-available">€{NBSP}98.416,67<' in html
    assert f'id="total-released">€{NBSP}166,67<' in html and f'id="total-paid">€{NBSP}1.280,03<' in html
    assert "Els Peeters" in html and "anja@sas.example" in html  # a finance officer sees contacts
    filtered = client.get("/projects/LES/fund?type=company&status=nonsense&call=x").get_data(as_text=True)
    assert "Dow Benelux" in filtered and "Basisschool De Vlieger" not in filtered


@pytest.mark.parametrize("email, sees_contacts", [
    ("auditor@example.org", True), ("admin@example.org", True), ("partner.howest@example.org", False)])
def test_personal_data_only_for_finance_admins_and_auditors(client, actions, email, sees_contacts):
    login(client, email)
    html = client.get("/projects/LES/fund").get_data(as_text=True)
    assert "Basisschool De Vlieger" in html and "Dow Benelux" in html  # the register itself is published
    for personal in ("Els Peeters", "els.peeters@devlieger.be", "Piet de Vries", "anja@sas.example"):
        assert (personal in html) is sees_contacts, personal
    action_page = client.get(f"/projects/LES/fund/actions/{actions['paid'].id}")
    assert action_page.status_code == (200 if sees_contacts else 404)


def test_the_managing_partner_sees_the_contact_of_what_it_pays_and_nothing_of_the_assessment(client, actions):
    manager()
    login(client, MANAGER, "lang-genoeg-wachtwoord")
    html = client.get("/projects/LES/fund").get_data(as_text=True)
    # the register: the contact persons of the actions it pays for (as on their pages), of no other application
    assert "Els Peeters" in html and "anja@sas.example" in html
    assert "Piet de Vries" not in html and "piet@dow.example" not in html and "Jan Janssens" not in html
    page = client.get(f"/projects/LES/fund/actions/{actions['paid'].id}").get_data(as_text=True)
    assert "Els Peeters" in page and "els.peeters@devlieger.be" in page and "+32 9" not in page
    assert 'id="scores"' not in page and 'id="history"' not in page and "Register an invoice" in page \
        or "Factuur registreren" in page
    for hidden in ("rejected", "open"):  # applications it does not pay for
        assert client.get(f"/projects/LES/fund/actions/{actions[hidden].id}").status_code == 404


def test_the_assessment_on_the_action_page(client, actions):
    action = actions["open"]
    login(client, FIN)
    page = client.get(f"/projects/LES/fund/actions/{action.id}").get_data(as_text=True)
    assert 'id="declare"' in page and 'id="score"' not in page
    client.post(f"/projects/LES/fund/actions/{action.id}/declaration", data={
        "organisation": "Gemeente Zelzate", "csrf_token": csrf_token(page)})
    page = client.get(f"/projects/LES/fund/actions/{action.id}").get_data(as_text=True)
    assert 'id="conflicted"' in page and 'id="score"' not in page and 'id="decide"' not in page


def test_every_fund_event_reads_as_a_sentence(actions):
    paid, fin = actions["paid"], user(FIN)
    question = assessment.ask(actor(fin), fin, paid, "Hoeveel begeleiders?")
    public.answer(APPLICANT, paid, question.id, "Drie.")
    with clock_at(NOW.replace(month=4, day=21)):
        execution.mark_executed(actor(fin), fin, paid, date(2021, 4, 20))
    fin2 = second_finance_officer()
    execution.decide_overrun(actor(fin2), fin2, paid, Decimal("50.00"), date(2021, 2, 1), "Brandstoftoeslag")
    public.revoke_link(actor(fin), fin, paid)
    public.renew_link(actor(fin), fin, paid)
    from app.services.fund import setup
    setup.update_fund(actor(fin), fin, actions["fund"], setup.FundData(
        actions["fund"].managing_partner_id, Decimal("90000.00"), Decimal("4000.00"), ["bus_hire", "speakers"]))
    db.session.commit()
    fund_actions = set(history.action_labels()) - {a for a in history.action_labels() if not a.startswith("fund.")}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("fund.%"))).all()
    seen = {e.action for e in events}
    assert seen >= fund_actions - {"fund.report_submitted", "fund.report_downloaded"}  # (tests/web/test_fund_public)
    for entry in history.entries(events):
        assert entry.what != entry.action and entry.sentence and entry.action in history.DESCRIBERS
        assert not re.search(r"\b(None|approved_amount|max_per_action|partner_id|org_type)\b|\d+\.\d\d\b",
                             entry.sentence), entry.sentence


def test_hostile_input_on_the_officers_forms_gets_messages_not_errors(client, actions):
    login(client, FIN)
    paid, open_ = actions["paid"], actions["open"]
    page = client.get(f"/projects/LES/fund/actions/{paid.id}").get_data(as_text=True)
    token = csrf_token(page)
    posts = [
        (f"/projects/LES/fund/actions/{open_.id}/decision", {"decision": "approve", "amount": "1,2,3",
                                                             "meeting_date": "gisteren"}),
        (f"/projects/LES/fund/actions/{open_.id}/scores", {"score_1": "99999999999", "comment_1": "x" * 5000}),
        (f"/projects/LES/fund/actions/{open_.id}/declaration", {"organisation": ""}),
        (f"/projects/LES/fund/actions/{paid.id}/invoices/new", {"supplier": "X", "gross_amount": "veel"}),
        (f"/projects/LES/fund/actions/{paid.id}/invoices/new", {"supplier": "X", "invoice_number": "1"}),
        (f"/projects/LES/fund/actions/{paid.id}/overrun", {"amount": "-5", "meeting_date": "2021-02-01"}),
        (f"/projects/LES/fund/actions/{paid.id}/executed", {"executed_on": "2099-01-01"}),
        ("/projects/LES/fund/setup", {"managing_partner_id": "abc", "ceiling": "1e9", "max_per_action": ""}),
        ("/projects/LES/fund/calls/new", {"code": "X", "opens_on": "2021-02-30", "criteria-0-weight": "zwaar"}),
    ]
    for url, data in posts:
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code in (302, 422), (url, response.status_code)
    assert client.get(f"/projects/LES/fund/actions/{paid.id}/report/999").status_code == 404
    assert client.get("/projects/LES/fund/actions/999999").status_code == 404
    assert client.get("/projects/LLL/fund").get_data(as_text=True).count("Fonds inrichten") == 1  # no fund yet


def test_the_report_events_read_as_sentences(client, actions):
    from tests.web.test_fund_public import pdf_bytes
    paid = actions["paid"]
    with clock_at(NOW.replace(month=4, day=21)):
        public.submit_report(APPLICANT, paid, 41, "Geslaagd.", [(ReportKind.ATTENDANCE,
                                                                 ("lijst.pdf", pdf_bytes()))])
        doc = public.report_documents(paid)[0]
        fin = user(FIN)
        public.report_document(actor(fin), fin, paid, doc.id)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ["fund.report_submitted", "fund.report_downloaded"])).order_by(AuditEvent.seq)).all()
    sentences = [e.sentence for e in history.entries(events)]
    assert sentences[0] == "41 deelnemers bereikt: “Geslaagd”. Bewijsstuk: “lijst.pdf” (aanwezigheidslijst)."
    assert sentences[1].startswith("“lijst.pdf” (SHA-256 ")
