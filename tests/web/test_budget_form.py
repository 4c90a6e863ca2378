from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, BudgetLine, CategoryKind, CostCategory, Project, ReportingPeriod
from tests.conftest import post_form
from tests.web.test_pages import partner_id

# Budget lines change directly only before the project starts (after it: a project modification).
pytestmark = pytest.mark.usefixtures("before_les_start")


def _ids():
    les = db.session.scalar(select(Project).where(Project.code == "LES"))
    staff = db.session.scalar(select(CostCategory).filter_by(project_id=les.id, kind=CategoryKind.STAFF))
    p1 = db.session.scalar(select(ReportingPeriod).filter_by(project_id=les.id, number=1))
    return staff.id, p1.id


def _line(pid, cid, per):
    db.session.expire_all()
    return db.session.scalar(select(BudgetLine).filter_by(partner_id=pid, category_id=cid, period_id=per))


def test_finance_officer_changes_a_line_in_dutch_notation(as_user):
    client = as_user("finance@example.org")
    staff, p1 = _ids()
    howest = partner_id("Howest")
    url = f"/projects/LES/partners/{howest}/budget"
    old = _line(howest, staff, p1).amount
    new = old - Decimal("1234.56")
    typed = f"{new:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")  # 1.234,56 style
    response = post_form(client, url, {"category_id": staff, "period_id": p1, "amount": typed})
    assert response.status_code == 302
    assert _line(howest, staff, p1).amount == new
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Het budget is gewijzigd." in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "budget.line_changed")) is not None


def test_form_prefills_the_current_amount(as_user):
    client = as_user("finance@example.org")
    staff, p1 = _ids()
    howest = partner_id("Howest")
    html = client.get(f"/projects/LES/partners/{howest}/budget?category={staff}&period={p1}").get_data(as_text=True)
    amount = _line(howest, staff, p1).amount
    from reports.formatting import money
    assert f'value="{money(amount, "nl", sign=False)}"' in html


def test_bad_amounts_get_a_message_and_change_nothing(as_user):
    client = as_user("admin@example.org")
    staff, p1 = _ids()
    howest = partner_id("Howest")
    url = f"/projects/LES/partners/{howest}/budget"
    old = _line(howest, staff, p1).amount
    for typed, message in [("-5", "negatief"), ("1.234", "dubbelzinnig"), ("twaalf", "geen bedrag"),
                           ("", "Vul een bedrag in"), ("9.999.999,00", "totaal van EFRO in het project")]:
        response = post_form(client, url, {"category_id": staff, "period_id": p1, "amount": typed})
        assert response.status_code == 422, typed
        assert message in response.get_data(as_text=True), typed
        assert _line(howest, staff, p1).amount == old
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "budget.line_changed")) is None


def test_auditor_cannot_post_a_budget_change(as_user):
    client = as_user("auditor@example.org")
    staff, p1 = _ids()
    howest = partner_id("Howest")
    page = client.get("/projects")
    from tests.conftest import csrf_token
    response = client.post(f"/projects/LES/partners/{howest}/budget", data={
        "category_id": staff, "period_id": p1, "amount": "1,00",
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 403
    assert _line(howest, staff, p1).amount != Decimal("1.00")
