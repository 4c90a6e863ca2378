"""The administration's rules: projects, periods, partners, flat rates, roles, budgets (form and XLSX) and
project modifications (numbered budget versions), each change one audit event with before and after."""
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.errors import DomainError, PermissionDenied
from app.extensions import db
from app.models import (
    AuditEvent,
    BudgetVersion,
    CategoryKind,
    Claim,
    ClaimCategoryTotal,
    ClaimStatus,
    Membership,
    Role,
)
from app.models.types import clock_at
from app.services import setup
from app.services.accounts import create_user
from app.services.admin import budgets, memberships, modifications, partners, projects, versions
from app.services.audit import Actor, verify_chain
from app.services.claims.figures import figures
from app.services.imports import ImportRejected
from tests.factories import actor, category, partner, period, project, user

pytestmark = pytest.mark.usefixtures("app", "english")


@pytest.fixture
def english():
    from flask_babel import force_locale
    with force_locale("en"):
        yield
ADMIN = "admin@example.org"
NOW = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)


def last_event(action):
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc()))


def edit(**kw):
    base = dict(code="NEW", name="Nieuw project", programme_code="IVLNL-VI", programme_name="Interreg VI",
                start_date=date(2030, 1, 1), end_date=date(2031, 12, 31), eligibility_start=date(2030, 1, 1),
                eligibility_end=date(2032, 3, 31))
    base.update(kw)
    return projects.ProjectEdit(**base)


def new_project(**kw):
    admin = user(ADMIN)
    return projects.create_project(actor(admin), admin, edit(**kw), Decimal("60"), Decimal("100000.00"),
                                   Decimal("10"))


def test_an_admin_creates_a_project_and_becomes_its_administrator():
    p = new_project()
    db.session.commit()
    assert Role.ADMIN in user(ADMIN).roles_in(p.id)
    assert last_event("project.created").project_id == p.id
    assert json.loads(last_event("membership.granted").after)["role"] == "admin"


@pytest.mark.parametrize("kw, message", [
    (dict(code="LES"), "already exists"), (dict(code=""), "1 to 20"),
    (dict(end_date=date(2029, 1, 1)), "before its start"), (dict(name=" "), "1 to 200"),
    (dict(programme_code=""), "programme")])
def test_project_rules(kw, message):
    with pytest.raises(DomainError, match=message):
        new_project(**kw)


def test_only_an_admin_creates_or_changes_a_project():
    fin = user("finance@example.org")
    with pytest.raises(PermissionDenied):
        projects.create_project(actor(fin), fin, edit(), Decimal("50"), Decimal("1.00"), Decimal("10"))
    with pytest.raises(PermissionDenied):
        projects.update_project(actor(fin), fin, project(), edit(code="LES"))


def test_changing_a_project_is_audited_with_before_and_after_and_keeps_periods_inside():
    admin, les = user(ADMIN), project()
    with pytest.raises(DomainError, match="outside the project's dates"):
        projects.update_project(actor(admin), admin, les, edit(code="LES", start_date=date(2019, 11, 1),
                                                               end_date=date(2022, 9, 30)))
    projects.update_project(actor(admin), admin, les, edit(code="LES", name="LES bis", start_date=les.start_date,
                                                           end_date=les.end_date, eligibility_start=les.start_date,
                                                           eligibility_end=date(2022, 12, 31),
                                                           programme_code="IVLNL-V",
                                                           programme_name="Interreg V Vlaanderen-Nederland 2014-2020"))
    ev = last_event("project.updated")
    assert json.loads(ev.before) == {"name": "Lerende Euregio Scheldemond"}
    assert json.loads(ev.after) == {"name": "LES bis"}


def test_period_rules():
    p = new_project()
    admin = user(ADMIN)
    with pytest.raises(DomainError, match="within the project's dates"):
        projects.add_period(actor(admin), admin, p, date(2029, 12, 1), date(2030, 6, 30))
    first = projects.add_period(actor(admin), admin, p, date(2030, 1, 1), date(2030, 6, 30))
    second = projects.add_period(actor(admin), admin, p, date(2030, 7, 1), date(2030, 12, 31))
    with pytest.raises(DomainError, match="start after"):
        projects.add_period(actor(admin), admin, p, date(2030, 12, 1), date(2031, 6, 30))
    with pytest.raises(DomainError, match="end before"):
        projects.update_period(actor(admin), admin, first, date(2030, 1, 1), date(2030, 7, 15))
    projects.update_period(actor(admin), admin, second, date(2030, 7, 1), date(2030, 11, 30))
    assert json.loads(last_event("period.updated").after) == {"number": 2, "end_date": "2030-11-30"}


def test_a_period_with_claims_keeps_its_dates():
    admin = user(ADMIN)
    p1 = period(1)
    db.session.add(Claim(project_id=project().id, partner_id=partner("Howest").id, period_id=p1.id,
                         status=ClaimStatus.DRAFT, created_by_id=admin.id))
    db.session.flush()
    with pytest.raises(DomainError, match="has claims"):
        projects.update_period(actor(admin), admin, p1, p1.start_date, date(2020, 3, 30))


def test_partners_rules_and_one_lead_partner():
    p, admin = new_project(), user(ADMIN)
    lead = partners.add_partner(actor(admin), admin, p, setup.PartnerData(
        "Hogeschool Noord", "NL", lead=True, org_type="higher_education", contact_name="An",
        contact_email="an@example.org"))
    with pytest.raises(DomainError, match="already has a lead partner"):
        partners.add_partner(actor(admin), admin, p, setup.PartnerData("Stad Zuid", "BE", lead=True))
    with pytest.raises(DomainError, match="Belgian"):
        partners.add_partner(actor(admin), admin, p, setup.PartnerData("Stad Zuid", "DE"))
    with pytest.raises(DomainError, match="e-mail"):
        partners.add_partner(actor(admin), admin, p, setup.PartnerData("Stad Zuid", "BE", contact_email="nope"))
    with pytest.raises(DomainError, match="type of organisation"):
        partners.add_partner(actor(admin), admin, p, setup.PartnerData("Stad Zuid", "BE", org_type="pirate"))
    other = partners.add_partner(actor(admin), admin, p, setup.PartnerData("Stad Zuid", "BE"))
    with pytest.raises(DomainError, match="already a partner"):
        partners.add_partner(actor(admin), admin, p, setup.PartnerData("Stad Zuid", "BE"))
    partners.update_partner(actor(admin), admin, other, setup.PartnerData("Stad Zuid", "BE", lead=True,
                                                                          contact_name="Bo"))
    assert other.is_lead and not lead.is_lead
    assert json.loads(last_event("project.lead_partner_set").after) == {"lead_partner": "PP2 Stad Zuid"}
    assert json.loads(last_event("partner.updated").after) == {"contact_name": "Bo"}
    with pytest.raises(DomainError, match="one lead partner"):
        partners.update_partner(actor(admin), admin, other, setup.PartnerData("Stad Zuid", "BE", lead=False))


def test_flat_rate_rules():
    admin, tua = user(ADMIN), partner("Huis van het Leren", "LLL")
    with pytest.raises(DomainError, match="at most 15"):
        partners.set_flat_rates(actor(admin), admin, tua, {CategoryKind.OFFICE: Decimal("15.01")})
    with pytest.raises(DomainError, match="at most 20"):
        partners.set_flat_rates(actor(admin), admin, tua, {CategoryKind.STAFF: Decimal("25")})
    partners.set_flat_rates(actor(admin), admin, tua, {CategoryKind.OFFICE: Decimal("15"),
                                                       CategoryKind.STAFF: None})
    assert {fr.category.kind for fr in tua.flat_rates} == {CategoryKind.OFFICE}
    assert json.loads(last_event("partner.flat_rates_set").after) == {"flat_rates": {"office_admin": "15% staff_costs"}}


@pytest.mark.demo_history
def test_flat_rates_no_longer_change_once_claimed_nor_for_a_category_with_expenditures():
    admin, howest = user(ADMIN), partner("Howest")
    with pytest.raises(DomainError, match="submitted claims"):
        partners.set_flat_rates(actor(admin), admin, howest, {CategoryKind.OFFICE: Decimal("10")})


def test_roles_are_given_and_removed_never_deleted():
    admin, les = user(ADMIN), project()
    create_user(Actor.system(), "nieuw@example.org", "Nieuw", "een-lang-wachtwoord")
    m = memberships.grant_role(actor(admin), admin, les, "nieuw@example.org", Role.PARTNER, partner("Scalda"))
    target = user("nieuw@example.org")
    assert target.partner_ids_in(les.id) == {partner("Scalda").id}
    with pytest.raises(DomainError, match="already has this role"):
        memberships.grant_role(actor(admin), admin, les, "nieuw@example.org", Role.PARTNER, partner("Scalda"))
    with pytest.raises(DomainError, match="exactly one partner"):
        memberships.grant_role(actor(admin), admin, les, "nieuw@example.org", Role.AUDITOR, partner("Scalda"))
    with pytest.raises(DomainError, match="No user"):
        memberships.grant_role(actor(admin), admin, les, "nobody@example.org", Role.AUDITOR, None)
    memberships.revoke_role(actor(admin), admin, les, m.id)
    db.session.commit()
    assert user("nieuw@example.org").roles_in(les.id) == set()
    assert db.session.get(Membership, m.id).revoked_by_id == admin.id  # kept, marked
    assert json.loads(last_event("membership.revoked").before)["role"] == "partner"
    again = memberships.grant_role(actor(admin), admin, les, "nieuw@example.org", Role.PARTNER, partner("Scalda"))
    assert again.id != m.id


def test_the_last_administrator_stays():
    admin, les = user(ADMIN), project()
    own = db.session.scalar(select(Membership).where(Membership.user_id == admin.id, Membership.project_id == les.id,
                                                     Membership.role == Role.ADMIN))
    with pytest.raises(DomainError, match="at least one administrator"):
        memberships.revoke_role(actor(admin), admin, les, own.id)


def _grid_for(p):
    return {(c.id, per.id): Decimal("1000.00") for c in [category(CategoryKind.STAFF, p.code)]
            for per in [period(1, p.code), period(2, p.code)]}


def test_before_the_start_the_budget_form_changes_the_budget_directly():
    p, admin = new_project(), user(ADMIN)
    projects.add_period(actor(admin), admin, p, date(2030, 1, 1), date(2030, 12, 31))
    projects.add_period(actor(admin), admin, p, date(2031, 1, 1), date(2031, 12, 31))
    pp = partners.add_partner(actor(admin), admin, p, setup.PartnerData("Hogeschool Noord", "NL", lead=True))
    assert budgets.set_partner_budget(actor(admin), admin, pp, _grid_for(p)) is None
    ev = last_event("partner.budget_changed")
    assert json.loads(ev.after)["partner_total"] == "2000.00" and json.loads(ev.after)["partner_efro"] == "1200.00"
    assert versions.versions_of(p) == []


def _table(rows, header=("Code", "Cost category", "Period 1", "Period 2")):
    wb = Workbook()
    wb.active.append(list(header))
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_budget_table_template_reads_back_and_errors_name_row_and_column():
    pp = partner("POM West-Vlaanderen", "LLL")
    cells = budgets.read_budget_table(pp, "b.xlsx", budgets.template_xlsx(pp))
    assert sum(cells.values()) == Decimal("130000.00")
    with pytest.raises(ImportRejected) as rejected:
        budgets.read_budget_table(pp, "b.xlsx", _table([
            ("staff", "", "1.000,00", "-5"), ("nonsense", "", 1, 1), ("staff", "", 1, 1),
            ("travel", "", "12,345", "abc")]))
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert {(2, "Period 2"), (3, "Code"), (4, "Code"), (5, "Period 1"), (5, "Period 2")} <= found
    with pytest.raises(ImportRejected):
        budgets.read_budget_table(pp, "b.csv", b"code;Period 1")
    with pytest.raises(ImportRejected) as rejected:
        budgets.read_budget_table(pp, "b.xlsx", _table([("staff", "", 1, 1)], ("Code", "Period 9")))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(1, "Period 9")]


def test_the_template_is_a_workbook_with_the_partner_s_budget():
    pp = partner("POM West-Vlaanderen", "LLL")
    ws = load_workbook(io.BytesIO(budgets.template_xlsx(pp))).worksheets[0]
    assert ws["A1"].value == "Code" and ws["C1"].value.startswith("Period")


@pytest.fixture
def june_2021():
    with clock_at(NOW):
        yield


def budget_before_external(certified):
    v1 = versions.versions_of(project())[0]
    return versions.version_view(v1).by_partner_category[(partner("Howest").id, category(CategoryKind.EXTERNAL).id)]


def _modify(amount=Decimal("1000.00"), approved_on=date(2021, 5, 1), reason="Extra workshops"):
    admin, howest = user(ADMIN), partner("Howest")
    staff, p6 = category(CategoryKind.EXTERNAL), period(6)
    return modifications.approve_modification(actor(admin), admin, project(), reason, approved_on, [
        modifications.CellChange(howest, staff.id, p6.id, amount)])


@pytest.mark.usefixtures("june_2021")
def test_a_modification_is_a_numbered_version_and_the_first_one_keeps_the_start_budget():
    les = project()
    total_before = db.session.scalar(select(func.sum(BudgetVersion.budget_total)))
    assert total_before is None
    v2 = _modify()
    v1 = versions.versions_of(les)[0]
    assert (v1.number, v1.approved_on, v2.number) == (1, les.start_date, 2)
    assert v1.budget_total == Decimal("2763165.00") and v1.efro_total == Decimal("1381582.00")
    changes = versions.diff(versions.version_view(v1), versions.version_view(v2))
    assert len(changes) == 1 and changes[0].new == Decimal("1000.00")
    assert v2.budget_total == v1.budget_total + changes[0].change
    ev = last_event("budget.modification_approved")
    assert json.loads(ev.before)["version"] == 1 and json.loads(ev.after)["version"] == 2
    assert json.loads(ev.after)["budget_total"] == str(v2.budget_total)
    assert last_event("budget.version_recorded") is not None
    assert verify_chain().ok


@pytest.mark.usefixtures("june_2021")
@pytest.mark.parametrize("kw, message", [
    (dict(reason=" "), "reason"), (dict(approved_on=date(2021, 7, 1)), "future"),
    (dict(approved_on=date(2019, 9, 1)), "start"), (dict(amount=Decimal("99999999.00")), "ERDF")])
def test_modification_rules(kw, message):
    with pytest.raises(DomainError, match=message):
        _modify(**kw)


@pytest.mark.usefixtures("june_2021")
def test_a_modification_changing_nothing_is_refused_and_only_an_admin_makes_one():
    howest = partner("Howest")
    line_amount = budgets.partner_budget(howest).cells[(category(CategoryKind.EXTERNAL).id, period(6).id)].amount
    with pytest.raises(DomainError, match="no budget line"):
        _modify(amount=line_amount)
    fin = user("finance@example.org")
    with pytest.raises(PermissionDenied):
        modifications.approve_modification(actor(fin), fin, project(), "x", date(2021, 5, 1), [])


@pytest.mark.demo_history
@pytest.mark.usefixtures("june_2021")
def test_a_modification_changes_no_certified_figure_and_claims_use_the_version_in_force():
    certified = db.session.scalars(select(Claim).where(Claim.project_id == project().id, Claim.status.in_(
        [ClaimStatus.CERTIFIED, ClaimStatus.INCLUDED_IN_PAYMENT, ClaimStatus.PAID]))).all()  # LES's
    assert certified
    snapshot = {c.id: (c.certified_total, c.efro_total, c.contribution_total) for c in certified}
    totals = {(t.claim_id, t.category_id): (t.certified, t.efro)
              for t in db.session.scalars(select(ClaimCategoryTotal))}
    last_certified_end = max(c.period.end_date for c in certified)
    with pytest.raises(DomainError, match="certified claims"):
        modifications.check_approval_date(project(), last_certified_end, None)
    with pytest.raises(DomainError, match="before that of version 2"):  # the demo's modification of March 2021
        _modify(approved_on=last_certified_end)
    budget_before = {c.id: figures(c).partner_budget for c in certified}
    _modify(amount=Decimal("1234.00"), approved_on=date(2021, 5, 1))
    db.session.commit()
    for c in certified:
        db.session.refresh(c)
        assert (c.certified_total, c.efro_total, c.contribution_total) == snapshot[c.id]
        assert figures(c).partner_budget == budget_before[c.id]  # checked against version 1
        assert figures(c).budget_version == 1
    assert {(t.claim_id, t.category_id): (t.certified, t.efro)
            for t in db.session.scalars(select(ClaimCategoryTotal))} == totals
    later = period(6)
    in_force, version = versions.budget_in_force(partner("Howest"), later)
    assert version.number == versions.versions_of(project())[-1].number
    assert in_force[category(CategoryKind.EXTERNAL).id] != budget_before_external(certified)


def _howest_total(report):
    return next(r for r in report.partners if r.partner_number == partner("Howest").number)


@pytest.mark.demo_history
@pytest.mark.usefixtures("june_2021")
def test_a_financial_report_at_a_date_shows_the_budget_then_in_force_and_the_same_certified_figures():
    from app.services.funding.portfolio import portfolio
    from app.services.statements.project import financial_report
    from reports.statements import Anchor, Header
    header = Header("P", "X", "X", NOW, "test", Anchor(0, "0" * 64))
    les, before, after = project(), date(2021, 4, 30), date(2021, 5, 31)
    old = {at: financial_report(les, at, header) for at in (before, after)}
    v3 = _modify(amount=Decimal("1234.00"), approved_on=date(2021, 5, 1))
    db.session.commit()
    new = {at: financial_report(les, at, header) for at in (before, after)}
    assert new[before] == old[before]  # a report of a day before the modification does not change
    assert _howest_total(new[after]).budget == versions.version_view(v3).by_partner[partner("Howest").id]
    assert _howest_total(new[after]).budget < _howest_total(old[after]).budget
    certified = lambda r: [(x.partner_number, x.declared, x.certified, x.certified_efro, x.paid)  # noqa: E731
                           for x in r.partners + r.details]
    assert certified(new[after]) == certified(old[after])  # no certified figure changed
    for at in (before, after):  # the portfolio follows each project's own report
        row = next(r for r in portfolio(user("finance@example.org"), at) if r.code == "LES")
        assert (row.budget, row.fund_budget) == (sum(r.budget for r in new[at].partners),
                                                 sum(r.efro_budget for r in new[at].partners))
