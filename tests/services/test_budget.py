from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import DomainError, PermissionDenied
from app.extensions import db
from app.models import (
    AuditEvent,
    BudgetLine,
    CategoryKind,
    FundingKind,
    FundingSource,
    Organisation,
    Partner,
    User,
)
from app.services.audit import verify_chain
from app.services.budget import partner_budget, project_overview, set_budget_line
from tests.factories import actor, category, partner, period, project, user

# Budget lines change directly only before the project starts (after it: a project modification).
pytestmark = pytest.mark.usefixtures("before_les_start")


def get(model, **kw):
    return db.session.scalar(select(model).filter_by(**kw))


@pytest.fixture
def les(app):
    return project("LES")


def test_demo_budget_totals(les):
    ov = project_overview(user("auditor@example.org"), les)
    assert ov.totals.total == Decimal("2763165.00")
    assert ov.totals.efro == Decimal("1381582.00")
    assert ov.totals.contribution + ov.totals.efro + ov.totals.other_public == ov.totals.total
    assert len(ov.partners) == 15 and sum(1 for p in ov.partners if p.is_lead) == 1
    assert sum(r.total for r in ov.rows.values()) == ov.totals.total
    assert sum(r.efro for r in ov.rows.values()) == ov.totals.efro
    assert sum(ov.totals.by_period.values()) == ov.totals.total
    assert sum(ov.totals.by_category.values()) == ov.totals.total
    assert les.efro_ceiling == Decimal("1381582.00")


def test_budget_change_moves_efro_and_is_audited(les):
    finance, howest = user("finance@example.org"), partner("Howest")
    staff, p1 = category(CategoryKind.STAFF), period(1)
    before = partner_budget(howest).figures
    # lower first (room under the EFRO ceiling), then raise another partner's line by the same amount
    set_budget_line(actor(finance), finance, howest, staff.id, p1.id,
                    partner_budget(howest).cells[(staff.id, p1.id)].amount - Decimal("1000.00"))
    db.session.commit()
    after = partner_budget(howest).figures
    assert after.total == before.total - Decimal("1000.00")
    assert after.efro == before.efro - Decimal("500.00")
    odisee = partner("Odisee")
    line = partner_budget(odisee).cells[(staff.id, p1.id)]
    set_budget_line(actor(finance), finance, odisee, staff.id, p1.id, line.amount + Decimal("1000.00"))
    db.session.commit()
    ov = project_overview(finance, les)
    assert ov.totals.total == Decimal("2763165.00") and ov.totals.efro == Decimal("1381582.00")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "budget.line_changed")).all()
    assert len(events) == 2
    assert events[0].actor == "finance@example.org" and events[0].role == "finance_officer"
    assert '"amount":"' in events[0].before and events[0].project_id == les.id
    assert verify_chain().ok


def test_efro_ceiling_cannot_be_exceeded_and_nothing_changes(les):
    finance, howest = user("finance@example.org"), partner("Howest")
    staff, p1 = category(CategoryKind.STAFF), period(1)
    old = partner_budget(howest).cells[(staff.id, p1.id)].amount
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(DomainError, match="totaal van EFRO in het project"):
        set_budget_line(actor(finance), finance, howest, staff.id, p1.id, old + Decimal("100.00"))
    db.session.rollback()
    assert partner_budget(howest).cells[(staff.id, p1.id)].amount == old
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_one_cent_more_is_refused_when_the_ceiling_is_reached(les):
    """The demo's EFRO total equals the approved amount: any rise that adds a cent of EFRO is refused."""
    finance, howest = user("finance@example.org"), partner("Howest")
    staff, p1 = category(CategoryKind.STAFF), period(1)
    old = partner_budget(howest).cells[(staff.id, p1.id)].amount
    set_budget_line(actor(finance), finance, howest, staff.id, p1.id, old + Decimal("0.01"))  # EFRO +0.00
    with pytest.raises(DomainError):
        set_budget_line(actor(finance), finance, howest, staff.id, p1.id, old + Decimal("0.02"))  # +0.01


def test_negative_amount_refused(les):
    finance, howest = user("finance@example.org"), partner("Howest")
    with pytest.raises(DomainError, match="negatief"):
        set_budget_line(actor(finance), finance, howest, category(CategoryKind.STAFF).id, period(1).id,
                        Decimal("-1.00"))


def test_other_public_cofinancing_cannot_exceed_the_budget(les):
    finance, scalda = user("finance@example.org"), partner("Scalda")
    pb = partner_budget(scalda)
    assert pb.figures.other_public == Decimal("20000.00")
    # put every line of Scalda to zero: EFRO would be 0 but Provincie Zeeland still pays 20,000
    with pytest.raises(DomainError, match="minder dan de steun van EFRO"):
        for category_id, period_id in list(pb.cells):
            set_budget_line(actor(finance), finance, scalda, category_id, period_id, Decimal("0.00"))


@pytest.mark.parametrize("email", ["auditor@example.org", "partner.howest@example.org"])
def test_only_admin_or_finance_may_change_budget(les, email):
    u, howest = user(email), partner("Howest")
    with pytest.raises(PermissionDenied):
        set_budget_line(actor(u), u, howest, category(CategoryKind.STAFF).id, period(1).id,
                        Decimal("1.00"))


def test_category_of_another_project_refused(les):
    finance, howest = user("finance@example.org"), partner("Howest")
    with pytest.raises(DomainError, match="hoort niet bij dit project"):
        set_budget_line(actor(finance), finance, howest, category(CategoryKind.STAFF, code="LLL").id, period(1).id,
                        Decimal("1.00"))


def test_new_line_for_an_empty_cell(les):
    admin, howest = user("admin@example.org"), partner("Howest")
    infra = category(CategoryKind.INFRASTRUCTURE)
    staff, p2 = category(CategoryKind.STAFF), period(2)
    set_budget_line(actor(admin), admin, howest, staff.id, p2.id,
                    partner_budget(howest).cells[(staff.id, p2.id)].amount - Decimal("200.00"))
    set_budget_line(actor(admin), admin, howest, infra.id, p2.id, Decimal("200.00"))
    db.session.commit()
    assert get(BudgetLine, partner_id=howest.id, category_id=infra.id, period_id=p2.id).amount == Decimal("200.00")
    efro = get(FundingSource, partner_id=howest.id, kind=FundingKind.EFRO)
    assert efro.amount == Decimal("99250.00")


@pytest.mark.demo_history
def test_seed_is_idempotent(app):
    from app.demo import seed_demo
    from app.models import Claim, ClaimLine, Expenditure, PartnerTransfer, PaymentRequest

    def snapshot():
        return [db.session.scalar(select(func.count()).select_from(m)) for m in
                (Partner, BudgetLine, FundingSource, User, AuditEvent, Organisation, Expenditure, Claim,
                 ClaimLine, PaymentRequest, PartnerTransfer)] + [
            db.session.scalar(select(func.sum(BudgetLine.amount)))]

    first = snapshot()
    assert seed_demo() == {"users_created": 0}
    db.session.commit()
    assert snapshot() == first
    assert verify_chain().ok
