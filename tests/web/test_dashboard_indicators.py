"""The dashboard at / shows the progress of the indicators each user may see, with the figures of the one
aggregation the project page and the progress report use (app/services/indicators/progress.py): charts drawn
by app/charts.py, and per indicator its periods as a table. A partner user sees the indicators assigned to its
partner, and nothing of the other partners."""
import re
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import IndicatorAssignment
from app.services.indicators import progress
from tests.conftest import login
from tests.factories import partner, project, user
from tests.web.test_dashboard import section

pytestmark = pytest.mark.demo_history
FIN, AUD, HOWEST, TUA = ("finance@example.org", "auditor@example.org", "partner.howest@example.org",
                         "partner.tuawest@example.org")


def board(client, email) -> str:
    login(client, email)
    return section(client.get("/").get_data(as_text=True), "indicator-progress")


def shown_codes(html: str) -> list[str]:
    return re.findall(r'<tr data-indicator="([^"]+)"', html)


def period_rows(html: str, code: str) -> list[tuple[str, str, str]]:
    figure = re.search(rf'<figure class="chart-box" data-indicator="{code}">.*?</figure>', html, re.S).group(0)
    return re.findall(r'<tr data-period="(\d+)">.*?class="num achieved">([^<]*)<.*?class="num cumulative">([^<]*)<',
                      figure, re.S)


def number(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".")


@pytest.mark.parametrize("email", [FIN, AUD])
def test_the_finance_officer_and_the_auditor_see_every_indicator_with_chart_and_table(client, email):
    html = board(client, email)
    assert shown_codes(html) == ["O1", "O2", "R1"]
    expected = {p.code: p for p in progress.progress(user(email), project())}
    for code, p in expected.items():
        svg = re.search(rf'<svg[^>]*id="chart-indicator-{p.indicator_id}".*?</svg>', html, re.S).group(0)
        assert 'role="img"' in svg and f'<title id="chart-indicator-{p.indicator_id}-title">' in svg
        assert [(int(n), a, c) for n, a, c in period_rows(html, code)] == [
            (r.number, number(r.achieved), number(r.cumulative)) for r in p.periods]
    o2 = re.search(r'<tr data-indicator="O2">.*?</tr>', html, re.S).group(0)
    assert ">60<" in o2 and ">17<" in o2 and "28,3%" in o2 and "achter op schema" in o2  # demo: 9 + 8 of 60
    assert period_rows(html, "O2")[:2] == [("1", "9", "9"), ("2", "8", "17")]
    assert 'href="/projects/LES/indicators/progress.pdf"' in html
    assert "<script" not in html


def test_a_partner_sees_only_the_indicators_of_its_own_partner(client):
    html = board(client, HOWEST)
    assert shown_codes(html) == ["O2"]  # Howest reports on O2; R1 is TUA West's, O1 the fund's
    assert "R1" not in html and "Werkgevers" not in html and "LES Fonds" not in html
    assert "Odisee" not in html and "TUA West" not in html  # the other partner of O2 is not named
    assert period_rows(html, "O2")[:2] == [("1", "9", "9"), ("2", "8", "17")]  # the project's figures, as elsewhere


def test_another_partner_does_not_see_the_first_partners_indicators(client):
    html = board(client, TUA)
    assert shown_codes(html) == ["R1"]
    assert "O2" not in shown_codes(html) and "Grensoverschrijdende stages" not in html
    assert "Howest" not in html and "Odisee" not in html


def test_the_dashboard_has_no_indicator_section_without_indicators(client):
    login(client, "partner.odisee@example.org")
    assert shown_codes(section(client.get("/").get_data(as_text=True), "indicator-progress")) == ["O2"]
    db.session.execute(db.delete(IndicatorAssignment).where(IndicatorAssignment.partner_id == partner("Odisee").id))
    db.session.commit()
    assert 'id="indicator-progress"' not in client.get("/").get_data(as_text=True)
