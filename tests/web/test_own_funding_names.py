"""A project that is not EFRO-funded (LLL: Provincie West-Vlaanderen at 100%) is never said to be: its pages, its
claim's history and its budget messages name its own funding source."""
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.models import CategoryKind, Claim, ClaimStatus, PaymentRequest
from app.models.types import clock_at
from tests.conftest import login, post_form
from tests.factories import category, partner, period, project

ADMIN, FUND = "admin@example.org", "Provincie West-Vlaanderen"


def main(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)


@pytest.mark.demo_history
def test_the_pages_of_a_province_funded_project_name_the_province_not_efro(client, app):
    from app.extensions import db
    lll = project("LLL")
    claim = db.session.scalar(select(Claim).where(Claim.project_id == lll.id, Claim.status == ClaimStatus.PAID)
                              .order_by(Claim.id).limit(1))
    request = db.session.scalar(select(PaymentRequest).where(PaymentRequest.project_id == lll.id).limit(1))
    pom = partner("POM West-Vlaanderen", "LLL")
    login(client, ADMIN)
    for url in ("/admin/projects/LLL", f"/admin/projects/LLL/partners/{pom.id}", f"/projects/LLL/claims/{claim.id}",
                f"/projects/LLL/payments/{request.id}", "/projects/LLL/corrections"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = main(response.get_data(as_text=True))
        assert FUND in html and "EFRO" not in html, url
    history = main(client.get(f"/projects/LLL/claims/{claim.id}").get_data(as_text=True))
    assert re.search(rf"Gecertificeerd €[^<]*: .{FUND}. €", history)  # the certification in the claim's history


def test_a_budget_message_names_the_projects_own_funding(client):
    with clock_at(datetime(2019, 9, 16, 9, 0, tzinfo=UTC)):  # before LLL starts: its budget lines change directly
        login(client, ADMIN)
        pom = partner("POM West-Vlaanderen", "LLL")
        response = post_form(client, f"/projects/LLL/partners/{pom.id}/budget", {
            "category_id": category(CategoryKind.STAFF, "LLL").id, "period_id": period(1, "LLL").id,
            "amount": "9.999.999,00"})
        assert response.status_code == 422
        html = main(response.get_data(as_text=True))
        assert f"totaal van {FUND} in het project" in html and "EFRO" not in html
