"""The auditor's workspace: the audit trail page (filters, server-side paging, events in words), the
verification of the chain, the histories on object pages, and from a claim line to its evidence in two clicks."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimLine, ClaimStatus, ExpenditureDocument, User
from app.services.statements.trail import PAGE_SIZE
from tests.conftest import csrf_token, login
from tests.factories import partner, project
from tests.web.test_statements_web import wait_for

pytestmark = pytest.mark.demo_history


def seqs(html: str) -> list[int]:
    body = html.split('id="trail"')[1].split("</table>")[0]
    return [int(s) for s in re.findall(r'<tr><td class="num">(\d+)</td>', body)]


def project_events(*conditions) -> list[int]:
    return list(db.session.scalars(select(AuditEvent.seq).where(AuditEvent.project_id == project().id, *conditions)
                                   .order_by(AuditEvent.seq.desc())))


def link(html: str, rel: str) -> str:
    return unescape(re.search(rf'<a href="([^"]+)"[^>]*rel="{rel}"', html).group(1))


def test_trail_pages_newest_first_on_the_server(client):
    login(client, "auditor@example.org")
    everything = project_events()
    assert len(everything) > PAGE_SIZE
    first = client.get("/projects/LES/audit")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and seqs(html) == everything[:PAGE_SIZE]
    assert f"{len(everything)} gebeurtenissen" in html and 'rel="next"' in html
    second = client.get(link(html, "next")).get_data(as_text=True)  # keyset: the position in the URL
    assert seqs(second) == everything[PAGE_SIZE:2 * PAGE_SIZE] and 'rel="prev"' in second
    assert seqs(client.get(link(second, "prev")).get_data(as_text=True)) == everything[:PAGE_SIZE]
    last = client.get(link(html, "last")).get_data(as_text=True)
    assert seqs(last) == everything[-PAGE_SIZE:] and 'rel="next"' not in last
    assert "Gecertificeerd € " in html or "gecertificeerd" in html  # events in words


def test_trail_filters_by_action_user_object_and_dates(client):
    login(client, "finance@example.org")
    certified = client.get("/projects/LES/audit?action=claim.certified").get_data(as_text=True)
    certified_claims = db.session.scalar(select(func.count()).select_from(Claim).where(
        Claim.certified_at.is_not(None), Claim.project_id == project().id))
    # the demo's period-1 claims, the fund's managing partner's period-2 claim and Odisee's period-2 claim
    assert certified_claims == 5
    assert seqs(certified) == project_events(AuditEvent.action == "claim.certified")
    assert len(seqs(certified)) == certified_claims
    howest = db.session.scalar(select(User).where(User.email == "partner.howest@example.org"))
    by_user = client.get(f"/projects/LES/audit?user={howest.id}").get_data(as_text=True)
    assert set(seqs(by_user)) == set(project_events(AuditEvent.user_id == howest.id)[:PAGE_SIZE])
    claim = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.PAID).order_by(Claim.id).limit(1))
    one = client.get(f"/projects/LES/audit?object_type=claim&object_id={claim.id}").get_data(as_text=True)
    assert seqs(one) == project_events(AuditEvent.object_type == "claim", AuditEvent.object_id == str(claim.id))
    # the demo certified its period-1 claims on 15 and 16 June 2020 (Brussels time)
    june = client.get("/projects/LES/audit?from=2020-06-15&to=2020-06-15&action=claim.certified")
    assert len(seqs(june.get_data(as_text=True))) == 2
    swapped = client.get("/projects/LES/audit?from=2020-06-16&to=2020-06-15&action=claim.certified")
    assert len(seqs(swapped.get_data(as_text=True))) == 3 and "omgewisseld" in swapped.get_data(as_text=True)


@pytest.mark.parametrize("query", ["from=31-12-2020", "to=2020-13-45", "user=abc", "user=99999999999",
                                   "action=drop.table", "object_type=user_account", "object_id=1%20OR%201=1",
                                   "object_id=5", "page=-1", "page=abc", "page=" + "9" * 30])
def test_hostile_filters_give_a_message_never_a_500(client, query):
    login(client, "auditor@example.org")
    response = client.get(f"/projects/LES/audit?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert seqs(html) or "Geen gebeurtenissen" in html


def test_chain_verification_inline_and_as_a_job(client, app):
    login(client, "auditor@example.org")
    page = client.get("/projects/LES/audit/chain").get_data(as_text=True)
    assert "nog niet geverifieerd" in page and "Keten nu verifiëren" in page
    token = csrf_token(page)
    response = client.post("/projects/LES/audit/chain", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/projects/LES/audit/chain")
    html = client.get("/projects/LES/audit/chain").get_data(as_text=True)
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert 'id="chain-verdict"' in html and "Intact" in html and f"{count:,}".replace(",", ".") in html
    app.config["CHAIN_INLINE_LIMIT"] = 0  # a large chain: verified in the background
    response = client.post("/projects/LES/audit/chain", data={"csrf_token": token})
    assert "/exports/" in response.headers["Location"]
    job = wait_for(response.headers["Location"].rsplit("/", 1)[1])
    assert job.status == "finished" and job.done == count
    assert "Intact" in client.get("/projects/LES/audit/chain").get_data(as_text=True)


def test_finance_runs_the_verification_an_admin_only_reads_it(client):
    login(client, "admin@example.org")
    page = client.get("/projects/LES/audit/chain").get_data(as_text=True)
    assert "Keten nu verifiëren" not in page
    assert client.post("/projects/LES/audit/chain", data={"csrf_token": csrf_token(page)}).status_code == 403


def test_from_a_certified_line_to_its_evidence_and_history_in_two_clicks(client):
    login(client, "auditor@example.org")
    claim = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.PAID).order_by(Claim.id).limit(1))
    line = db.session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id).limit(1))
    claim_page = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    link = f"/projects/LES/expenditures/{line.expenditure_id}"
    assert f'href="{link}"' in claim_page  # click 1
    expenditure_page = client.get(link).get_data(as_text=True)
    assert 'id="history"' in expenditure_page and "uitgave geregistreerd" in expenditure_page
    document = db.session.scalar(select(ExpenditureDocument).where(
        ExpenditureDocument.expenditure_id == line.expenditure_id))
    evidence = f"/projects/LES/documents/{document.id}"
    assert f'href="{evidence}"' in expenditure_page  # click 2
    response = client.get(evidence)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response.close()


@pytest.mark.usefixtures("before_les_start")
def test_the_budget_page_has_its_history(client):
    from decimal import Decimal

    from app.models import CategoryKind
    from app.services.budget import set_budget_line
    from tests.factories import actor, category, period, user
    finance, howest = user("finance@example.org"), partner("Howest")
    set_budget_line(actor(finance), finance, howest, category(CategoryKind.TRAVEL).id, period(2).id,
                    Decimal("1234.56"))
    db.session.commit()
    login(client, "finance@example.org")
    history = client.get(f"/projects/LES/partners/{howest.id}").get_data(as_text=True).split('id="history"')[1]
    assert "partner aangemaakt" in history and "budget gewijzigd" in history and "1.234,56" in history
    assert "Fien Financiën" in history


@pytest.mark.db_owner  # tampers as the owner would, behind the application's back
def test_the_chain_page_says_what_broke_in_the_readers_language_and_the_cli_in_english(client, app):
    """verify_chain words its findings in English for `flask audit verify`; the page says them in the language
    of whoever reads it (not of whoever ran the verification)."""
    from sqlalchemy import text

    from tests.conftest import post_form
    from tests.services.test_audit import _drop_triggers
    _drop_triggers()
    db.session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3"))
    db.session.commit()
    login(client, "auditor@example.org")
    assert post_form(client, "/projects/LES/audit/chain", {}).status_code == 302
    dutch = client.get("/projects/LES/audit/chain").get_data(as_text=True)
    assert "Gebroken bij gebeurtenis 3: de inhoud komt niet overeen met de hash (ze werd gewijzigd)." in dutch
    assert "de keten breekt vóór het ondertekende controlepunt" in dutch
    assert "content does not match" not in dutch and "the chain breaks" not in dutch
    post_form(client, "/language", {"language": "en", "next": "/projects/LES/audit/chain"}, form_url="/projects")
    english = client.get("/projects/LES/audit/chain").get_data(as_text=True)
    assert "Broken at event 3: its content does not match its hash (it was altered)." in english
    assert "the chain breaks before the signed checkpoint" in english
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN: audit event 3: content does not match its hash (altered)" in result.output
