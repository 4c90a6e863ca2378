import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Partner, Project
from app.money import parse_money
from tests.conftest import count_queries


def partner_id(name, code="LES"):
    return db.session.scalar(select(Partner.id).join(Organisation).join(Project).where(
        Organisation.name == name, Project.code == code))


def cells(html, table_id):
    """Rows of a table as lists of cell texts (tags stripped)."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        texts = [re.sub(r"<[^>]+>|\s+", " ", c).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows.append(texts)
    return rows


def amount(text):
    return parse_money(text) if text else Decimal("0.00")


def test_finance_officer_sees_les_totals_that_add_up(as_user):
    html = as_user("finance@example.org").get("/projects/LES").get_data(as_text=True)
    assert '<dd class="num" id="project-total">€\xa02.763.165,00</dd>' in html
    assert '<dd class="num" id="project-efro">€\xa01.381.582,00</dd>' in html
    rows = cells(html, "budget-by-category")
    header, body, footer = rows[0], rows[1:-1], rows[-1]
    assert len(body) == 15
    total_col, efro_col = header.index("Totaal"), header.index("EFRO")
    assert footer[total_col] == "€ 2.763.165,00" and footer[efro_col] == "€ 1.381.582,00"
    assert sum(amount(r[total_col]) for r in body) == Decimal("2763165.00")
    assert sum(amount(r[efro_col]) for r in body) == Decimal("1381582.00")
    for column in range(1, len(header)):  # every column's rows add up to its footer
        assert sum(amount(r[column]) for r in body) == amount(footer[column]), header[column]
    for r in body:  # each row: categories add up to the total; EFRO + other + own = total
        assert sum(amount(c) for c in r[1:total_col]) == amount(r[total_col])
        assert amount(r[efro_col]) + amount(r[efro_col + 1]) + amount(r[efro_col + 2]) == amount(r[total_col])
    period_rows = cells(html, "budget-by-period")
    assert period_rows[-1][-1] == "€ 2.763.165,00"
    assert sum(amount(r[-1]) for r in period_rows[1:-1]) == Decimal("2763165.00")


def test_partner_user_sees_only_its_own_partner_and_project_totals(as_user):
    client = as_user("partner.howest@example.org")
    html = client.get("/projects/LES").get_data(as_text=True)
    body = cells(html, "budget-by-category")[1:-1]
    assert len(body) == 1 and "Howest" in body[0][0]
    assert "Odisee" not in html
    assert 'id="project-total">€\xa02.763.165,00' in html  # published to all members
    assert client.get(f"/projects/LES/partners/{partner_id('Howest')}").status_code == 200
    assert client.get(f"/projects/LES/partners/{partner_id('Odisee')}").status_code == 404
    assert client.get("/projects/LLL").status_code == 404  # not a member of that project
    assert client.get(f"/projects/LLL/partners/{partner_id('TUA West', 'LLL')}").status_code == 404


def test_partner_of_another_project_is_not_found_under_this_project(as_user):
    client = as_user("finance@example.org")
    assert client.get(f"/projects/LES/partners/{partner_id('POM West-Vlaanderen', 'LLL')}").status_code == 404
    assert client.get("/projects/NOPE").status_code == 404


ROLE_MATRIX = [
    # user, overview, own partner page (Howest), other partner page (Odisee), budget form, audit trail and the
    # verification of the chain (a partner's user: no such page, 404)
    ("admin@example.org", 200, 200, 200, 200, 200),
    ("finance@example.org", 200, 200, 200, 200, 200),
    ("auditor@example.org", 200, 200, 200, 403, 200),
    ("partner.howest@example.org", 200, 200, 404, 403, 404),
    ("partner.odisee@example.org", 200, 404, 200, 404, 404),
]


@pytest.mark.parametrize("email, overview, howest, odisee, budget_form, audit", ROLE_MATRIX)
def test_role_page_matrix(as_user, email, overview, howest, odisee, budget_form, audit):
    client = as_user(email)
    h, o = partner_id("Howest"), partner_id("Odisee")
    assert client.get("/projects").status_code == 200
    assert client.get("/projects/LES").status_code == overview
    assert client.get(f"/projects/LES/partners/{h}").status_code == howest
    assert client.get(f"/projects/LES/partners/{o}").status_code == odisee
    assert client.get(f"/projects/LES/partners/{h}/budget").status_code == budget_form
    assert client.get("/projects/LES/audit").status_code == audit
    assert client.get("/projects/LES/audit/chain").status_code == audit


def test_partner_page_shows_lines_flat_rates_and_funding(as_user):
    html = as_user("auditor@example.org").get(
        f"/projects/LES/partners/{partner_id('Howest')}").get_data(as_text=True)
    assert 'id="partner-total">€\xa0198.500,00' in html
    assert 'id="partner-efro">€\xa099.250,00' in html
    assert "15% van de personeelskosten" in html
    rows = cells(html, "budget-lines")
    assert rows[-1][-1] == "€ 198.500,00"
    assert "Budgetlijn wijzigen" not in html  # auditors change nothing


def test_overview_links_to_partner_pages(as_user):
    html = as_user("finance@example.org").get("/projects/LES").get_data(as_text=True)
    assert f'href="/projects/LES/partners/{partner_id("Stad Gent")}"' in html


def test_overview_query_count_does_not_grow_with_partners(as_user):
    """LES has 15 partners and 6 periods, LLL 4 partners: the pages run the same number of statements."""
    client = as_user("finance@example.org")
    counts = {}
    for code in ("LES", "LLL"):
        client.get(f"/projects/{code}")  # warm up
        with count_queries(as_new_request=True) as statements:
            assert client.get(f"/projects/{code}").status_code == 200
        counts[code] = len(statements)
    assert counts["LES"] == counts["LLL"], counts
    assert counts["LES"] <= 17  # the funding sources and the indicators' progress are on the page too
    with count_queries(as_new_request=True) as s1:
        client.get(f"/projects/LES/partners/{partner_id('Howest')}")
    with count_queries(as_new_request=True) as s2:
        client.get(f"/projects/LLL/partners/{partner_id('TUA West', 'LLL')}")
    assert len(s1) == len(s2)


def test_the_expenditure_page_title_is_plain_text(as_user):
    """The title block of the expenditure page held the history table (markup in <title>)."""
    from tests.factories import expenditure
    client = as_user("partner.howest@example.org")
    exp = expenditure()
    db.session.commit()
    html = client.get(f"/projects/LES/expenditures/{exp.id}").get_data(as_text=True)
    assert re.search(r"<title>(.*?)</title>", html, re.S).group(1) == f"Uitgave #{exp.id} – LES · Cofund"
