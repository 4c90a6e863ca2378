"""What each role's dashboard holds, figure by figure, as issue 11 lists it: the age of every claim waiting for
verification (finance officer); a partner's budget and absorption per cost category (its own only); each
certified claim's statements for the auditor; and the charts' tables, one row per partner or category with
budget, declared, certified, paid and absorption, as the service computes them."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Claim
from app.models.claim import FINAL_STATES
from app.models.types import utcnow
from app.services.budget import categories_of, periods_of
from app.services.dashboard import figures
from app.services.dashboard.figures import OPEN_STATES, Amounts
from reports import formatting as fmt
from tests.conftest import login
from tests.factories import partner, project
from tests.web.test_dashboard import AUD, FIN, HOWEST, section

MEASURES = ("budget", "declared", "certified", "paid")


def chart_rows(html: str, chart: str) -> list[tuple[str, str]]:
    """(row label, the row's cells) of the table behind a chart."""
    figure = re.search(rf'<figure class="chart-box">(?:(?!</figure>).)*id="{chart}".*?</figure>', html, re.S)
    assert figure, chart
    return re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', figure.group(0), re.S)


def cells(row: str) -> list[str]:
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def expected(amounts: Amounts) -> list[str]:
    return [fmt.money(getattr(amounts, m), "nl") for m in MEASURES] + [fmt.share(amounts.net_certified, amounts.budget,
                                                                                  "nl")]


@pytest.mark.demo_history
def test_each_waiting_claim_shows_how_many_days_it_has_waited(client):
    login(client, FIN)
    before = utcnow()
    waiting = section(client.get("/").get_data(as_text=True), "waiting")
    after = utcnow()
    claims = list(db.session.scalars(select(Claim).where(Claim.project_id == project().id,
                                                         Claim.status.in_(OPEN_STATES)).order_by(Claim.id)))
    assert claims, "the demo has a claim in verification"
    for claim in claims:
        row = re.search(rf'<tr><td><a href="/projects/LES/claims/{claim.id}">.*?</tr>', waiting, re.S)
        assert row, claim.id
        age = row.group(0).split("</td>")[5]  # claim, partner, period, status, submitted, waiting (days)
        assert "late" in age  # more than 30 days: marked
        days = {(moment - claim.submitted_at).days for moment in (before, after)}
        assert age.rsplit(">", 1)[1].strip() in {fmt.number(d, "nl") for d in days}, (claim.id, age, days)
        assert fmt.day(claim.submitted_at, "nl") in row.group(0)


@pytest.mark.demo_history
def test_a_partner_sees_its_budget_and_absorption_per_cost_category(client):
    login(client, HOWEST)
    html = client.get("/").get_data(as_text=True)
    mine = figures.breakdown(project(), {partner("Howest").id})
    rows = chart_rows(html, "chart-categories")
    categories = categories_of(project())
    assert len(rows) == len(categories)
    for (label, row), category in zip(rows, categories, strict=True):
        assert cells(row) == expected(mine.by_category.get(category.id, Amounts())), label
    assert any(mine.by_category[c.id].certified for c in categories)  # Howest has certified costs to show


@pytest.mark.demo_history
def test_the_charts_tables_hold_every_partner_and_the_running_totals(client):
    login(client, FIN)
    html = client.get("/").get_data(as_text=True)
    everything = figures.breakdown(project(), None)
    rows = chart_rows(html, "chart-partners")
    assert len(rows) == 15
    howest = partner("Howest")
    [(label, row)] = [r for r in rows if r[0] == "PP3 Howest"]
    assert cells(row) == expected(everything.by_partner[howest.id])
    over_time = chart_rows(html, "chart-over-time")
    running = figures.cumulative(periods_of(project()), everything)
    assert [cells(row)[:3] for _label, row in over_time] == [
        [fmt.money(c.budget, "nl"), fmt.money(c.declared, "nl"), fmt.money(c.certified, "nl")] for c in running]
    assert fmt.money(running[-1].budget, "nl") == "€\xa02.763.165,00"


@pytest.mark.demo_history
def test_the_auditor_gets_both_statements_of_each_certified_claim(client):
    login(client, AUD)
    statements = section(client.get("/").get_data(as_text=True), "dash-statements")
    certified = db.session.scalars(select(Claim.id).where(Claim.project_id == project().id,
                                                          Claim.status.in_(FINAL_STATES)).limit(3))
    for claim_id in certified:
        for kind in ("claim-statement", "certificate"):
            for form in ("pdf", "xlsx"):
                link = f"/projects/LES/claims/{claim_id}/{kind}.{form}?lang=nl"
                assert link in statements, link
                assert client.get(link).status_code == 200
    assert "/projects/LES/audit#trail-extract" in statements and "/projects/LES#statements" in statements



@pytest.mark.demo_history
def test_absorption_is_net_of_the_corrections_as_in_the_financial_report(client):
    """Odisee's certified costs were corrected (the demo's audits): its absorption is what its claims
    certified less the corrections, over its budget, the figure the budget rule counts (corrections/net.py)."""
    from app.services.corrections.net import net_certified
    odisee = partner("Odisee")
    net = sum(net_certified(odisee.id).values(), start=0)
    everything = figures.breakdown(project(), None).by_partner[odisee.id]
    assert everything.corrected < 0 and everything.net_certified == net
    login(client, FIN)
    [(_label, row)] = [r for r in chart_rows(client.get("/").get_data(as_text=True), "chart-partners")
                       if r[0].endswith("Odisee")]
    assert cells(row)[-1] == fmt.share(net, everything.budget, "nl") != fmt.share(
        everything.certified, everything.budget, "nl")
