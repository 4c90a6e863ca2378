"""The administration pages: administrators change, finance officers and auditors read without forms,
partner users get 404; the budget upload lists its errors by row and column and saves nothing."""
import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, BudgetLine, BudgetVersion, Partner, Project
from app.models.types import clock_at
from tests.conftest import csrf_token, login, post_form
from tests.factories import partner

ADMIN, FIN, AUDITOR, PARTNER = ("admin@example.org", "finance@example.org", "auditor@example.org",
                                "partner.howest@example.org")


FORM_IDS = ["period-form", "partner-form", "role-form", "budget-upload", "flat-rate-form", "budget-grid-inputs"]


def as_(client, email):
    """Sign out and in again as another user."""
    page = client.get("/projects").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    login(client, email)
    return client


def pages():
    howest = partner("Howest").id
    return ["/admin", "/admin/projects/LES", f"/admin/projects/LES/partners/{howest}",
            f"/admin/projects/LES/partners/{howest}/budget", "/admin/projects/LES/roles"]


@pytest.mark.parametrize("email, status, forms", [(ADMIN, 200, True), (FIN, 200, False), (AUDITOR, 200, False)])
def test_who_reads_the_administration(client, email, status, forms):
    login(client, email)
    for url in pages():
        response = client.get(url)
        assert response.status_code == status, url
        html = response.get_data(as_text=True)
        if url != "/admin":
            assert any(f'id="{form}"' in html for form in FORM_IDS) is forms, url
    assert client.get(f"/admin/projects/LES/partners/{partner('Howest').id}/budget-template.xlsx").status_code == 200


def test_a_partner_user_gets_404_everywhere_in_the_administration(client):
    login(client, PARTNER)
    for url in pages()[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post("/admin/projects/LES/roles", data={}).status_code in (400, 404)


def test_a_finance_officer_cannot_post_an_admin_form(client):
    login(client, FIN)
    response = post_form(client, "/admin/projects/LES/roles", {"email": FIN, "role": "auditor", "partner_id": ""})
    assert response.status_code == 403


def _xlsx(rows, periods=2):
    wb = Workbook()
    wb.active.append(["Code", "Cost category"] + [f"Period {n}" for n in range(1, periods + 1)])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, url, content, **fields):
    page = client.get(url.rsplit("/upload", 1)[0])
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                  "file": (io.BytesIO(content), "budget.xlsx"), **fields},
                       content_type="multipart/form-data")


def test_a_bad_budget_table_lists_row_column_and_message_and_saves_nothing(client):
    login(client, ADMIN)
    howest = partner("Howest")
    lines = db.session.scalar(select(func.count()).select_from(BudgetLine))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    url = f"/admin/projects/LES/partners/{howest.id}/budget/upload"
    response = _upload(client, url, _xlsx([["staff", "", "abc", 1], ["nope", "", 1, 1]]),
                       reason="x", approved_on="2021-05-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="import-errors"' in html and "nope" in html
    assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == lines
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_budget_change_after_the_start_is_a_modification_with_pages_per_version_and_a_diff(client):
    login(client, ADMIN)
    howest = partner("Howest")
    url = f"/admin/projects/LES/partners/{howest.id}/budget"
    page = client.get(url).get_data(as_text=True)
    assert 'id="modification-note"' in page
    les = db.session.scalar(select(Project).where(Project.code == "LES"))
    data = {}
    for line in db.session.scalars(select(BudgetLine).where(BudgetLine.partner_id == howest.id)):
        data[f"c{line.category_id}_p{line.period_id}"] = f"{line.amount}"
    key = next(iter(data))
    data[key] = "1.00"
    with clock_at(datetime(2021, 6, 1, 9, tzinfo=UTC)):
        refused = post_form(client, url, dict(data, approved_on=""))
        assert refused.status_code == 422 and db.session.scalar(select(func.count()).select_from(BudgetVersion)) == 0
        done = post_form(client, url, dict(data, reason="Minder drukwerk", approved_on="2021-05-01"))
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/projects/LES/versions/2")
    v2 = client.get("/admin/projects/LES/versions/2").get_data(as_text=True)
    assert "Minder drukwerk" in v2 and 'id="version-total"' in v2
    assert client.get("/admin/projects/LES/versions/1").status_code == 200
    diff = client.get("/admin/projects/LES/versions/1/diff/2").get_data(as_text=True)
    assert 'id="diff-lines"' in diff and "Howest" in diff
    assert client.get("/admin/projects/LES/versions/3").status_code == 404
    assert les.id
    assert as_(client, AUDITOR).get("/admin/projects/LES/versions/1/diff/2").status_code == 200
    assert as_(client, PARTNER).get("/admin/projects/LES/versions/2").status_code == 404


def test_an_admin_sets_up_a_project_with_a_partner_in_the_browser_forms(client):
    login(client, ADMIN)
    response = post_form(client, "/admin/projects/new", {
        "code": "TST", "name": "Testproject", "programme_code": "IVLNL-VI", "programme_name": "Interreg VI",
        "start_date": "2031-01-01", "end_date": "2031-12-31", "eligibility_start": "2031-01-01",
        "eligibility_end": "2032-03-31", "cofinancing_rate": "50", "efro_ceiling": "10.000,00",
        "flexibility_rate": "10"})
    assert response.status_code == 302
    response = post_form(client, "/admin/projects/TST/periods", {"start_date": "2031-01-01",
                                                                  "end_date": "2031-12-31"},
                         form_url="/admin/projects/TST")
    assert response.status_code == 302
    response = post_form(client, "/admin/projects/TST/partners/new", {
        "organisation": "Hogeschool Test", "country": "NL", "org_type": "higher_education", "lead": "y",
        "contact_name": "Tess", "contact_email": "tess@example.org"})
    assert response.status_code == 302
    pp = db.session.scalar(select(Partner).join(Project).where(Project.code == "TST"))
    assert pp.is_lead and pp.contact_email == "tess@example.org"
    url = f"/admin/projects/TST/partners/{pp.id}/budget/upload"
    response = _upload(client, url, _xlsx([["staff", "", "8.000,00"], ["travel", "", "400"]], periods=1))
    assert response.status_code == 302
    assert db.session.scalar(select(func.sum(BudgetLine.amount)).where(BudgetLine.partner_id == pp.id)) == 8400
    response = post_form(client, "/admin/projects/TST/roles", {"email": PARTNER, "role": "partner",
                                                               "partner_id": str(pp.id)})
    assert response.status_code == 302
    assert as_(client, PARTNER).get("/projects/TST").status_code == 200
    assert as_(client, FIN).get("/projects/TST").status_code == 404  # no role in it: no other project's users see it


@pytest.mark.demo_history
def test_an_admin_caps_the_funding_per_partner_audited_and_the_page_shows_what_remains(client):
    import json
    import re

    from app.services.corrections.ceiling import net_efro, partner_efro_budget
    from reports.formatting import money
    login(client, ADMIN)
    lll = db.session.scalar(select(Project).where(Project.code == "LLL"))
    assert 'id="partner-ceilings"' not in client.get("/admin/projects/LLL").get_data(as_text=True)
    form = {"code": "LLL", "name": lll.name, "programme_code": lll.programme.code,
            "programme_name": lll.programme.name, "efro_per_partner": "y",
            **{f: getattr(lll, f).isoformat()
               for f in ("start_date", "end_date", "eligibility_start", "eligibility_end")}}

    def save():
        assert post_form(client, "/admin/projects/LLL/edit", form).status_code == 302
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "project.updated")
                                   .order_by(AuditEvent.seq.desc())).first()
        return json.loads(event.before), json.loads(event.after)

    assert save() == ({"efro_per_partner": False}, {"efro_per_partner": True})
    db.session.expire_all()
    assert lll.efro_per_partner
    html = client.get("/admin/projects/LLL").get_data(as_text=True)
    assert "Provincie West-Vlaanderen per partner" in html and 'id="efro-per-partner">ja<' in html
    partners = db.session.scalars(select(Partner).where(Partner.project_id == lll.id)).all()
    assert any(net_efro(lll, p.id) for p in partners)  # the demo's certified claims
    for p in partners:  # as the certification's cap counts (app/services/corrections/ceiling.py)
        ceiling, certified = partner_efro_budget(p), net_efro(lll, p.id)
        row = re.search(rf'<th scope="row">{re.escape(p.label)}</th>(.*?)</tr>', html, re.S).group(1)
        assert re.findall(r"<td>(.*?)</td>", row) == [money(ceiling, "nl"), money(certified, "nl"),
                                                      money(max(ceiling - certified, 0), "nl")]
    form.pop("efro_per_partner")  # unticked: off again, a second event
    assert save() == ({"efro_per_partner": True}, {"efro_per_partner": False})
    assert 'id="partner-ceilings"' not in client.get("/admin/projects/LLL").get_data(as_text=True)


@pytest.mark.demo_history
def test_a_claim_page_names_the_budget_version_it_is_checked_against(client):
    from app.models import Claim, ClaimStatus
    login(client, FIN)
    howest = partner("Howest")  # its period-1 claim ended before the demo's version 2 (15 March 2021)
    claim = db.session.scalar(select(Claim).where(Claim.partner_id == howest.id, Claim.status == ClaimStatus.PAID))
    html = client.get(f"/projects/LES/claims/{claim.id}").get_data(as_text=True)
    assert 'id="budget-version"' in html and "budgetversie 1, van kracht voor Periode 1" in html
