"""The portfolio page and its statements, and a project's funding sources page, through the HTTP client:
who sees them, sorting in the URL, totals equal to the projects' own figures, audit events, both languages."""
import io
import re
from datetime import date
from decimal import Decimal

import pikepdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services.funding.portfolio import portfolio
from app.services.funding.sources import sources_of
from tests.conftest import csrf_token, login, post_form
from tests.factories import project, user

FIN, AUDITOR, ADMIN = "finance@example.org", "auditor@example.org", "admin@example.org"


def cents(text: str) -> Decimal:
    """'€ 2.763.165,00' or '€2,763,165.00' as a Decimal."""
    digits = re.sub(r"[^\d,.-]", "", text)
    return Decimal(re.sub(r"[.,](?=\d{3}\b)", "", digits).replace(",", "."))


def cell(html: str, row_id: str, cls: str) -> str:
    row = re.search(rf'<tr (?:id|data-code)="{row_id}".*?</tr>', html, re.S).group(0)
    return re.sub(r"<[^>]+>", "", re.search(rf'class="num {cls}">(.*?)</td>', row, re.S).group(1)).strip()


@pytest.mark.demo_history
@pytest.mark.parametrize("email", [FIN, AUDITOR, ADMIN])
def test_portfolio_page_totals_are_the_projects_figures(client, email):
    login(client, email)
    html = client.get("/portfolio?at=2026-11-30").get_data(as_text=True)
    rows = portfolio(user(email), date(2026, 11, 30))
    assert [r.code for r in rows] == re.findall(r'<tr data-code="(\w+)"', html)
    for field in ("budget", "declared", "certified", "paid"):
        assert cents(cell(html, "portfolio-total", field)) == sum(getattr(r, field) for r in rows)
        for r in rows:
            assert cents(cell(html, r.code, field)) == getattr(r, field)
    assert cents(cell(html, "LES", "budget")) == Decimal("2763165.00")
    assert "Provincie West-Vlaanderen 100%" in html and "Ministerie van OCW 50%" in html
    assert '<svg' in html and 'id="chart-figures"' in html and 'data-code="OOST"' in html


@pytest.mark.demo_history
def test_sorting_is_in_the_url(client):
    login(client, FIN)
    html = client.get("/portfolio?sort=budget&dir=desc").get_data(as_text=True)
    assert re.findall(r'<tr data-code="(\w+)"', html) == ["LES", "OOST", "ICT", "LLL"]
    assert 'aria-sort="descending"' in html and "sort=budget&amp;dir=asc" in html
    html = client.get("/portfolio?sort=nonsense&dir=sideways").get_data(as_text=True)  # unknown: by code
    assert re.findall(r'<tr data-code="(\w+)"', html) == ["ICT", "LES", "LLL", "OOST"]


@pytest.mark.parametrize("url", ["/portfolio?at=2026-13-01", "/portfolio?at=0001-01-01", "/portfolio?at=%00",
                                 "/portfolio/portfolio.xlsx?lang=de", "/portfolio/portfolio.csv"])
def test_hostile_queries_get_a_404(client, url):
    login(client, FIN)
    assert client.get(url).status_code in (400, 404)  # a NUL in the query: 400 (app/guards.py)


def test_partner_users_have_no_portfolio_and_no_funding_page(client):
    login(client, "partner.pom@example.org")
    assert client.get("/portfolio").status_code == 404
    assert client.get("/portfolio/portfolio.pdf").status_code == 404
    assert client.get("/projects/LLL/funding").status_code == 404
    assert client.get("/projects/LES").status_code == 404  # not a member of LES at all
    assert "Portefeuille" not in client.get("/projects").get_data(as_text=True)


@pytest.mark.demo_history
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_statements_equal_the_page_and_are_audited(client, lang):
    login(client, AUDITOR)
    rows = portfolio(user(AUDITOR), date(2026, 11, 30))
    response = client.get(f"/portfolio/portfolio.xlsx?at=2026-11-30&lang={lang}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[1]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    header, body, total = values[0], values[1:-1], values[-1]
    assert [r[0] for r in body] == [r.code for r in rows]
    budget = header.index("Budget")
    assert Decimal(str(total[budget])) == sum(r.budget for r in rows)
    assert Decimal(str(total[budget + 2])).quantize(Decimal("0.01")) == sum(r.certified for r in rows)
    sources = [[c.value for c in r] for r in book.worksheets[2].iter_rows()]
    assert ["ICT", "Provincie Zeeland"] == sources[2][:2]
    assert Decimal(str(sources[-1][4])).quantize(Decimal("0.01")) == sum(r.certified_fund for r in rows)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statement.downloaded")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.object_type == "portfolio" and '"statement":"portfolio"' in event.after
    pdf = client.get(f"/portfolio/portfolio.pdf?at=2026-11-30&lang={lang}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    title = "Portefeuilleoverzicht" if lang == "nl" else "Portfolio overview"
    with pikepdf.open(io.BytesIO(pdf.data)) as doc:  # the PDF's title, in the statement's language
        assert str(doc.docinfo["/Title"]).startswith(title)


def test_funding_page_read_by_finance_and_auditors(client):
    for email in (FIN, AUDITOR):
        login(client, email)
        html = client.get("/projects/ICT/funding").get_data(as_text=True)
        assert "Ministerie van OCW" in html and "Provincie Zeeland" in html and 'id="funding-form"' not in html
        client.post("/logout", data={"csrf_token": csrf_token(html)})
    login(client, FIN)
    response = post_form(client, "/projects/ICT/funding", {"name": "X", "source_id": "", "kind": "other_public",
                                                            "rate": "10", "ceiling": "1,00"})
    assert response.status_code == 403
    assert [s.name for s in sources_of(project("ICT"))] == ["Ministerie van OCW", "Provincie Zeeland"]


def test_admin_sets_sources_in_the_browser_form(client):
    login(client, ADMIN)
    lll = sources_of(project("LLL"))[0]
    html = client.get("/projects/LLL/funding").get_data(as_text=True)
    assert 'id="funding-form"' in html
    response = client.post("/projects/LLL/funding", data={
        "csrf_token": csrf_token(html), "source_id": [str(lll.id), "", ""],
        "name": ["Provincie West-Vlaanderen", "Stad Kortrijk", ""], "kind": ["other_public"] * 3,
        "rate": ["90", "10", ""], "ceiling": ["576.000,00", "64.000,00", ""]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Financieringsbronnen opgeslagen" in page
    assert [(s.name, s.rate) for s in sources_of(project("LLL"))] == [
        ("Provincie West-Vlaanderen", Decimal("90.00")), ("Stad Kortrijk", Decimal("10.00"))]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "project.funding_set")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.user_id == user(ADMIN).id and "Stad Kortrijk" in event.after
    trail = client.get("/projects/LLL/audit").get_data(as_text=True)
    assert "financieringsbronnen ingesteld" in trail and "Stad Kortrijk" in trail
    # refused: the rates add up to more than 100%; nothing changes, the form says why
    html = client.get("/projects/LLL/funding").get_data(as_text=True)
    response = client.post("/projects/LLL/funding", data={
        "csrf_token": csrf_token(html), "source_id": [str(lll.id)], "name": ["Provincie West-Vlaanderen"],
        "kind": ["other_public"], "rate": ["100,01"], "ceiling": ["640.000,00"]}, follow_redirects=True)
    assert "geen percentage" in response.get_data(as_text=True) or "tussen 0 en 100" in response.get_data(
        as_text=True)
    assert len(sources_of(project("LLL"))) == 2


def test_pages_name_the_projects_own_sources(client):
    login(client, FIN)
    html = client.get("/projects/ICT").get_data(as_text=True)
    assert "Cofinancieringsgraad Ministerie van OCW + Provincie Zeeland" in html
    les = client.get("/projects/LES").get_data(as_text=True)
    assert "Cofinancieringsgraad EFRO" in les and "Ministerie" not in les
    client.post("/language", data={"language": "en", "next": "/projects/ICT",
                                   "csrf_token": csrf_token(html)})
    english = client.get("/projects/ICT").get_data(as_text=True)
    assert "Ministerie van OCW + Provincie Zeeland co-financing rate" in english
    assert "ERDF co-financing rate" in client.get("/projects/LES").get_data(as_text=True)
    assert "Portfolio" in client.get("/portfolio").get_data(as_text=True)
