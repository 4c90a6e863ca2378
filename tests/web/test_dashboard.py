"""The dashboard at / for signed-in users: what waits for each role, the charts with their tables, a partner's
scope, and a number of statements that does not grow with the data."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import BudgetLine, ClaimLine, Partner
from app.services import accounts, claims
from app.services.audit import Actor
from app.services.dashboard import figures
from tests.conftest import count_queries, login
from tests.factories import actor, expenditure, partner, project, submitted_claim, user

FIN, AUD, HOWEST, ODISEE = ("finance@example.org", "auditor@example.org", "partner.howest@example.org",
                            "partner.odisee@example.org")


def section(html: str, ident: str) -> str:
    match = re.search(rf'<section[^>]*id="{ident}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_an_anonymous_visitor_still_gets_the_public_start_page(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in html and 'id="absorption"' not in html


@pytest.mark.demo_history
def test_the_finance_officer_sees_what_waits(client):
    login(client, FIN)
    html = client.get("/").get_data(as_text=True)
    waiting = section(html, "waiting")
    # Howest's period-2 claim is in verification since 13 October 2020 (the demo clock)
    assert "PP3 Howest" in waiting and "in verificatie" in waiting and "13-10-2020" in waiting
    assert "Busreizen Van Wiele" in section(html, "duplicates")  # Odisee's repeated bus invoice
    assert "id=\"to-book\"" in html
    for chart in ("chart-partners", "chart-categories", "chart-over-time"):
        svg = re.search(rf'<svg[^>]*id="{chart}".*?</svg>', html, re.S).group(0)
        assert 'role="img"' in svg and f'aria-labelledby="{chart}-title {chart}-desc"' in svg
        assert f'<title id="{chart}-title">' in svg and f'<desc id="{chart}-desc">' in svg
    # every partner has a row in the table behind the chart, with the project total in the facts
    total = db.session.scalar(select(func.sum(BudgetLine.amount)).join(Partner).where(
        Partner.project_id == project().id))
    assert total == Decimal("2763165.00") and "€\xa02.763.165,00" in section(html, "absorption")
    assert "PP15 Stad Gent" in html and "PP2 Odisee" in html


@pytest.mark.demo_history
def test_payments_to_book_follow_the_claims(client):
    login(client, FIN)
    # the demo's payment requests are received and passed on: nothing to book
    assert 'class="empty"' in section(client.get("/").get_data(as_text=True), "to-book")
    claim, _exps = submitted_claim(period_no=3, lines=[{"amount": "1000.00"}])
    fin = user(FIN)
    claims.start_verification(actor(fin), fin, claim)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)):
        claims.verify_line(actor(fin), fin, claim, line.id)
    claims.certify(actor(fin), fin, claim)
    db.session.commit()
    text = section(client.get("/").get_data(as_text=True), "to-book")
    assert "1 gecertificeerde declaratie" in text and "€\xa0500,00" in text and "/projects/LES/payments" in text


@pytest.mark.demo_history
def test_a_partner_sees_only_its_own_partner(client):
    login(client, HOWEST)
    html = client.get("/").get_data(as_text=True)
    assert 'id="my-claims"' in html and 'id="missing"' in html
    assert 'id="waiting"' not in html and 'id="duplicates"' not in html and 'id="recent-events"' not in html
    assert 'id="chart-partners"' not in html  # no chart of the other partners
    for other in ("Odisee", "TUA West", "Stad Gent", "Provincie Oost-Vlaanderen", "Busreizen Van Wiele"):
        assert other not in html, other
    howest = partner("Howest")
    budget = db.session.scalar(select(func.sum(BudgetLine.amount)).where(BudgetLine.partner_id == howest.id))
    shown = re.search(r'id="dash-budget">([^<]+)<', html).group(1)
    assert shown == f"€\xa0{budget:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    # its figures are its own: the service's numbers for Howest alone
    mine = figures.breakdown(project(), {howest.id})
    assert mine.total.budget == budget and mine.total.certified < figures.breakdown(project(), None).total.certified


@pytest.mark.demo_history
def test_a_partner_is_told_what_is_missing(client):
    login(client, HOWEST)
    before = section(client.get("/").get_data(as_text=True), "missing")
    assert "Every expenditure has its evidence" in before or "Elke uitgave heeft haar bewijsstuk" in before
    exp = expenditure(supplier="Drukkerij Zonder Factuur", invoice="NOFILE-1", period_no=3)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    missing = section(html, "missing")
    assert "Drukkerij Zonder Factuur" in missing and f"/expenditures/{exp.id}" in missing
    assert "Periode 3" in missing  # a started period without a submitted claim


@pytest.mark.demo_history
def test_the_auditor_sees_events_chain_and_statements(client):
    login(client, AUD)
    html = client.get("/").get_data(as_text=True)
    assert section(html, "recent-events").count("<li>") == 8
    assert "/audit/chain" in section(html, "chain-status")
    statements = section(html, "dash-statements")
    assert re.search(r"/claims/\d+/certificate\.pdf\?lang=nl", statements)
    assert 'id="waiting"' not in html and 'id="my-claims"' not in html


def test_a_user_without_a_project_is_told_what_to_do(client):
    accounts.create_user(Actor.system("test"), "nobody@example.org", "Nobody", "a long enough password 1")
    db.session.commit()
    login(client, "nobody@example.org", "a long enough password 1")
    html = client.get("/").get_data(as_text=True)
    assert 'class="empty card"' in html


@pytest.mark.demo_history
@pytest.mark.parametrize("email", [FIN, HOWEST, AUD])
def test_the_dashboard_runs_the_same_number_of_statements_whatever_the_data(client, email):
    expenditure(supplier="Eerst BV", invoice="E-1")  # a recent event by a user, as there will be after
    db.session.commit()
    login(client, email)
    client.get("/")
    with count_queries(as_new_request=True) as before:
        assert client.get("/").status_code == 200
    # more claims with more lines, of more partners, and a supplier's invoice three times over
    for name, partner_email in (("Odisee", ODISEE), ("Howest", HOWEST)):
        submitted_claim(name, partner_email, period_no=3, lines=[{"amount": "100.00"}, {"amount": "200.00"}])
    for _ in range(3):
        expenditure(supplier="Dubbel BV", invoice="D-1")
    db.session.commit()
    with count_queries(as_new_request=True) as after:
        html = client.get("/").get_data(as_text=True)
    assert ("Dubbel BV" in html) == (email != AUD)  # doubles (finance), no evidence (Howest)
    selects = [[q for q in run if q.lstrip().upper().startswith("SELECT")] for run in (before, after)]
    assert len(selects[1]) == len(selects[0]) <= 30, (len(selects[0]), len(selects[1]))


@pytest.mark.demo_history
def test_possible_double_financing_lists_the_first_groups_by_supplier_and_says_there_are_more(client):
    """The dashboard shows the first LIST_LIMIT groups in the order of supplier and invoice (what the
    database reads through its index, stopping there) and says when there are more."""
    from app.services.dashboard import LIST_LIMIT
    login(client, FIN)
    first = section(client.get("/").get_data(as_text=True), "duplicates")
    assert "Busreizen Van Wiele" in first and 'id="more-duplicates"' not in first
    for n in range(LIST_LIMIT):
        for _ in range(2):
            expenditure(supplier=f"Aaa Dubbel {n:02d}", invoice=f"AD-{n}")
    db.session.commit()
    html = section(client.get("/").get_data(as_text=True), "duplicates")
    shown = re.findall(r"Aaa Dubbel (\d\d)", html)
    assert shown == [f"{n:02d}" for n in range(LIST_LIMIT)]  # by supplier: Busreizen comes after them
    assert "Busreizen Van Wiele" not in html and 'id="more-duplicates"' in html
    assert "2 lijnen, 1 partner" in html


@pytest.mark.demo_history
def test_waiting_claims_show_what_their_lines_declare(client):
    """Each claim waiting for verification shows the sum of its lines (read with the dashboard's breakdown)."""
    claim, _exps = submitted_claim("Odisee", ODISEE, period_no=3, lines=[{"amount": "100.10"}, {"amount": "200.20"}])
    db.session.commit()
    login(client, FIN)
    waiting = section(client.get("/").get_data(as_text=True), "waiting")
    row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*claims/{claim.id}\b(?:(?!</tr>).)*</tr>', waiting, re.S)
    assert row and "300,30" in row.group(0)
