"""Lists that cost what they show: keyset paging at its edges (first, last, empty, a row inserted between two
requests), statement counts that do not grow with the lines, and verifying a selection of a claim's lines."""
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, ClaimLine, ClaimStatus, LineStatus
from app.services import claims as claim_service
from app.services.expenditures import queries as expenditure_queries
from tests.conftest import count_queries, csrf_token, login
from tests.factories import actor, expenditure, partner, submitted_claim, user


def switch(client, email: str):
    """Sign in as another user (flask-login keeps the signed-in user on the test's app context)."""
    from flask import g
    page = client.get("/projects", follow_redirects=True).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    g.pop("_login_user", None)
    return login(client, email)


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*rel="{rel}"', html)
    return unescape(found.group(1)) if found else None


def ids(html: str) -> list[int]:
    body = html.split('id="expenditures"')[1].split("</table>")[0]
    return [int(i) for i in re.findall(r'/expenditures/(\d+)">', body)]


def expected(partner_id: int) -> list[int]:
    """The register's order: newest payment first, then highest number (the unique tie-breaker)."""
    from app.models import Expenditure, ExpenditureStatus
    return list(db.session.scalars(select(Expenditure.id).where(
        Expenditure.partner_id == partner_id, Expenditure.status == ExpenditureStatus.ACTIVE)
        .order_by(Expenditure.payment_date.desc(), Expenditure.id.desc())))


def test_keyset_pages_at_the_edges(client, monkeypatch):
    monkeypatch.setattr(expenditure_queries, "PAGE_SIZE", 3)
    days = [date(2019, 11, d) for d in (1, 5, 5, 5, 9, 12, 12, 20)]  # ties on the payment date
    for day in days:
        expenditure(payment_date=day)
    db.session.commit()
    howest = partner("Howest").id
    login(client, "finance@example.org")
    base = f"/projects/LES/expenditures?partner={howest}"
    order = expected(howest)
    first = client.get(base).get_data(as_text=True)
    assert ids(first) == order[:3] and link(first, "prev") is None and link(first, "first") is None
    seen, html = ids(first), first
    while link(html, "next"):
        html = client.get(link(html, "next")).get_data(as_text=True)
        seen += ids(html)
    assert seen == order  # every row once, in order, page by page
    last = client.get(link(first, "last")).get_data(as_text=True)
    assert ids(last) == order[-3:] and link(last, "next") is None and link(last, "prev")
    back = client.get(link(last, "prev")).get_data(as_text=True)
    assert ids(back) == order[-6:-3]
    # a row inserted between two requests: the next page goes on after the row the first page ended with
    newest = expenditure(payment_date=date(2019, 12, 31))
    middle = expenditure(payment_date=date(2019, 11, 10))  # after the first page's last row (the 12th)
    db.session.commit()
    second = client.get(link(first, "next")).get_data(as_text=True)
    now = expected(howest)
    rest = now[now.index(ids(first)[-1]) + 1:]
    assert ids(second) == rest[:3] and ids(second)[0] == middle.id and newest.id not in ids(second)
    assert not set(ids(second)) & set(ids(first))  # nothing repeats
    assert ids(client.get(base).get_data(as_text=True))[0] == newest.id
    # a position that does not parse is the first page; one past the end, the last page
    for junk in ("after=x_y", "before=2019-13-01_5", "after=--5_-x", "after=" + "9" * 40, "at=nowhere"):
        response = client.get(f"{base}&{junk}")
        assert response.status_code == 200 and ids(response.get_data(as_text=True))[0] == newest.id, junk
    stale = client.get(f"{base}&after=1900-01-01_1").get_data(as_text=True)
    assert ids(stale) == expected(howest)[-3:]


def test_an_empty_list_has_no_pager(client):
    login(client, "finance@example.org")
    html = client.get(f"/projects/LES/expenditures?partner={partner('Howest').id}&status=withdrawn")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and ids(text) == [] and 'class="pager"' not in text
    assert client.get(f"/projects/LES/expenditures?partner={partner('Howest').id}&status=withdrawn&at=last"
                      ).status_code == 200


def in_verification(lines: int, partner_name="Howest", email="partner.howest@example.org"):
    claim, exps = submitted_claim(partner_name, email, lines=[{"amount": "10.00"}] * lines)
    fin = user("finance@example.org")
    claim_service.start_verification(actor(fin), fin, claim)
    db.session.commit()
    return claim, exps


def test_claim_pages_run_a_fixed_number_of_queries_at_5_and_25_lines(client):
    small, _ = in_verification(5)
    big, _ = in_verification(25, "Odisee", "partner.odisee@example.org")
    login(client, "finance@example.org")
    counts = []
    for claim_id in (small.id, big.id):
        row = []
        for query in ("", "?status=pending&min=5&flagged=1", "?at=last", "?category=1&history_at=last"):
            url = f"/projects/LES/claims/{claim_id}{query}"
            client.get(url)
            with count_queries(as_new_request=True) as statements:
                assert client.get(url).status_code == 200
            row.append(len(statements))
        for url in ("/projects/LES/claims", "/projects/LES/audit", "/projects/LES/expenditures?sort=amount"):
            with count_queries(as_new_request=True) as statements:
                assert client.get(url).status_code == 200
            row.append(len(statements))
        counts.append(row)
    assert counts[0] == counts[1], counts


def test_a_draft_page_runs_a_fixed_number_of_queries_at_5_and_25_free_expenditures(client):
    from tests.factories import period
    counts = []
    for n, partner_name, email in ((5, "Howest", "partner.howest@example.org"),
                                   (25, "Odisee", "partner.odisee@example.org")):
        for _ in range(n):
            expenditure(partner_name, email)
        u = user(email)
        claim = claim_service.create_claim(actor(u), u, partner(partner_name), period(1).id)
        db.session.commit()
        switch(client, email)
        url = f"/projects/LES/claims/{claim.id}?q=drukkerij"
        client.get(url)
        with count_queries(as_new_request=True) as statements:
            html = client.get(url).get_data(as_text=True)
        assert html.count('name="expenditure_ids"') >= n
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def post_selection(client, claim, line_ids, extra=None):
    html = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    return client.post(f"/projects/LES/claims/{claim.id}/lines/verify",
                       data={"csrf_token": csrf_token(html), "line_ids": [str(i) for i in line_ids], **(extra or {})})


def test_a_selection_is_verified_in_one_request_with_an_event_per_line(client):
    claim, _ = in_verification(6)
    lines = list(db.session.scalars(select(ClaimLine.id).where(ClaimLine.claim_id == claim.id)
                                    .order_by(ClaimLine.id)))
    login(client, "finance@example.org")
    html = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    assert html.count('name="line_ids"') == 6 and 'id="verify-selected"' in html
    assert html.count('class="line-verify"') == 0  # a line's own form only on request
    assert client.get(f"/projects/LES/claims/{claim.id}?line={lines[0]}").get_data(as_text=True).count(
        'class="line-verify"') == 1
    before = db.session.scalar(select(func.max(AuditEvent.seq)))
    response = post_selection(client, claim, lines[:4], {"status": "pending"})
    assert response.status_code == 302 and "status=pending" in response.headers["Location"]
    db.session.expire_all()
    statuses = dict(db.session.execute(select(ClaimLine.id, ClaimLine.status)
                                       .where(ClaimLine.claim_id == claim.id)).tuples().all())
    assert [statuses[i] for i in lines] == [LineStatus.VERIFIED] * 4 + [LineStatus.PENDING] * 2
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)))
    assert [e.action for e in events] == ["claim.line_verified"] * 4
    assert [f'"line_id":{i}' in e.after for e, i in zip(events, lines[:4], strict=True)] == [True] * 4
    pending = client.get(f"/projects/LES/claims/{claim.id}?status=pending").get_data(as_text=True)
    assert pending.count('name="line_ids"') == 2


def test_a_selection_keeps_four_eyes_and_refuses_partners_and_foreign_lines(client):
    # the finance officer registered one of the lines: four eyes refuses the whole selection
    fin = user("finance@example.org")
    claim, exps = in_verification(3)
    other, _ = in_verification(2, "Odisee", "partner.odisee@example.org")
    lines = list(db.session.scalars(select(ClaimLine.id).where(ClaimLine.claim_id == claim.id)))
    foreign = db.session.scalar(select(ClaimLine.id).where(ClaimLine.claim_id == other.id))
    login(client, "finance@example.org")
    response = post_selection(client, claim, [lines[0], foreign])
    db.session.expire_all()
    assert response.status_code == 302 and db.session.scalar(select(func.count()).where(
        ClaimLine.claim_id == claim.id, ClaimLine.status == LineStatus.VERIFIED)) == 0
    switch(client, "partner.howest@example.org")
    assert post_selection(client, claim, lines).status_code == 403
    # an expenditure of the claim registered by this finance officer: another one must verify
    mine_claim, _ = submitted_claim("Scalda", "finance@example.org", lines=[{"amount": "10.00"}] * 2)
    assert mine_claim.status is ClaimStatus.SUBMITTED
    mine_lines = list(db.session.scalars(select(ClaimLine.id).where(ClaimLine.claim_id == mine_claim.id)))
    switch(client, "finance@example.org")
    assert post_selection(client, mine_claim, mine_lines).status_code == 403
    assert db.session.scalar(select(func.count()).where(ClaimLine.claim_id == mine_claim.id,
                                                        ClaimLine.status == LineStatus.VERIFIED)) == 0
    assert fin is not None


def test_possible_double_financing_is_not_verified_as_part_of_a_selection(client):
    claim, exps = submitted_claim(lines=[{"amount": "10.00", "invoice": "DUP-1"}, {"amount": "10.00"}])
    expenditure("Howest", supplier="Drukkerij De Letter", invoice="DUP-1")  # the same invoice again
    fin = user("finance@example.org")
    claim_service.start_verification(actor(fin), fin, claim)
    db.session.commit()
    lines = list(db.session.scalars(select(ClaimLine.id).where(ClaimLine.claim_id == claim.id)
                                    .order_by(ClaimLine.id)))
    login(client, "finance@example.org")
    flagged = client.get(f"/projects/LES/claims/{claim.id}?flagged=1").get_data(as_text=True)
    assert flagged.count('name="line_ids"') == 1
    response = post_selection(client, claim, lines)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"#{exps[0].id}" in html and "een voor een" in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(ClaimLine.claim_id == claim.id,
                                                        ClaimLine.status == LineStatus.VERIFIED)) == 0
    # while it is worked on, the page counts the claim's flagged lines; once certified it flags the page's lines
    # and counts none (the filter finds them)
    page = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    assert 'id="claim-duplicates"' in page and "op 1 lijn" in page and page.count("title=\"Ook op #") == 1
    for line in lines:
        claim_service.verify_line(actor(fin), fin, claim, line, confirm_duplicate=True)
    claim_service.certify(actor(fin), fin, claim)
    db.session.commit()
    page = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    assert 'id="claim-duplicates"' not in page and page.count("title=\"Ook op #") == 1
    assert "mogelijk dubbel, nagekeken" in page


@pytest.mark.demo_history
def test_claims_list_pages_by_keyset(client, monkeypatch):
    from app.services.claims import queries
    monkeypatch.setattr(queries, "CLAIMS_PAGE", 2)
    login(client, "auditor@example.org")
    html = client.get("/projects/LES/claims").get_data(as_text=True)
    seen = re.findall(r'/claims/(\d+)">', html)
    while link(html, "next"):
        html = client.get(link(html, "next")).get_data(as_text=True)
        seen += re.findall(r'/claims/(\d+)">', html)
    from app.models import Claim
    assert len(seen) == len(set(seen)) == db.session.scalar(select(func.count()).select_from(Claim).where(
        Claim.project_id == 1))
