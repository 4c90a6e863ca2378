"""Demo data: the LES project (and a smaller second project of the same office).

The partners are LES's real partners; the split of the budget over partners, categories and periods is
NOT public and is invented here. It sums exactly to the real totals: EUR 2,763,165.00 eligible, of which
EUR 1,381,582.00 EFRO (50%, rounded down to the euro). Loading is idempotent: run it twice, same data.
The demo password is for demonstration only.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select

from .extensions import db
from .models import (
    DEFAULT_CATEGORIES,
    BudgetLine,
    CategoryKind,
    CostCategory,
    FlatRate,
    FlatRateBasis,
    FundingKind,
    FundingSource,
    Organisation,
    Partner,
    Programme,
    Project,
    ReportingPeriod,
    Role,
    User,
)
from .money import floor_cent, fund_share, to_money
from .services import audit
from .services.accounts import create_user, grant_membership
from .services.audit import Actor

DEMO_PASSWORD = "cofund-demo-2026"

# Short names for the category kinds in the tables below.
S, OFF, T, E, Q, G = (CategoryKind.STAFF, CategoryKind.OFFICE, CategoryKind.TRAVEL, CategoryKind.EXTERNAL,
                      CategoryKind.EQUIPMENT, CategoryKind.SMALL_GRANTS)

# name, country, city, total budget (whole euros), category shares (%), flat rates, other public co-financing
LES_PARTNERS = [
    ("TUA West", "BE", "Brugge", 412_000, {S: 60, OFF: 9, T: 6, E: 22, Q: 3}, {OFF: (FlatRateBasis.STAFF, 15)}, []),
    ("Odisee", "BE", "Brussel", 176_000, {S: 62, OFF: 9, T: 5, E: 21, Q: 3}, {OFF: (FlatRateBasis.STAFF, 15)}, []),
    ("Howest", "BE", "Kortrijk", 198_500, {S: 64, OFF: 9, T: 5, E: 17, Q: 5}, {OFF: (FlatRateBasis.STAFF, 15)}, []),
    ("Rotterdam Academy", "NL", "Rotterdam", 151_250, {S: 66, T: 6, E: 24, Q: 4},
     {T: (FlatRateBasis.STAFF, 10)}, []),
    ("Scalda", "NL", "Vlissingen", 184_000, {S: 63, OFF: 9, T: 4, E: 20, Q: 4}, {OFF: (FlatRateBasis.STAFF, 15)},
     [("Provincie Zeeland", 20_000)]),
    ("Huis van het Leren", "NL", "Terneuzen", 112_400, {S: 70, T: 5, E: 25}, {}, []),
    ("Dethon", "NL", "Terneuzen", 124_600, {S: 16, T: 4, E: 60, Q: 20}, {S: (FlatRateBasis.OTHER_DIRECT, 20)},
     [("Provincie Zeeland", 15_000)]),
    ("Syntra Midden-Vlaanderen", "BE", "Gent", 143_800, {S: 65, T: 5, E: 26, Q: 4}, {}, []),
    ("Unizo", "BE", "Brussel", 158_000, {S: 70, T: 5, E: 25}, {}, []),
    ("Unizo Oost-Vlaanderen", "BE", "Gent", 96_200, {S: 72, T: 6, E: 22}, {}, []),
    ("Unizo West-Vlaanderen", "BE", "Brugge", 94_600, {S: 72, T: 6, E: 22}, {}, []),
    ("UZ Gent", "BE", "Gent", 168_300, {S: 58, OFF: 8, T: 4, E: 20, Q: 10}, {OFF: (FlatRateBasis.STAFF, 15)}, []),
    ("Provincie Oost-Vlaanderen", "BE", "Gent", 356_000, {S: 30, T: 3, E: 12, G: 55}, {}, []),
    ("Syntra West", "BE", "Brugge", 133_200, {S: 66, T: 5, E: 25, Q: 4}, {}, []),
    ("Stad Gent", "BE", "Gent", None, {S: 68, T: 4, E: 24, Q: 4}, {}, []),  # the rest of the budget: odd
]
LES_TOTAL = Decimal("2763165.00")
LES_EFRO = Decimal("1381582.00")

LL_PARTNERS = [
    ("Provincie West-Vlaanderen", "BE", "Brugge", 240_000, {S: 55, T: 5, E: 40}, {}, []),
    ("TUA West", "BE", "Brugge", 180_000, {S: 60, OFF: 9, T: 6, E: 25}, {OFF: (FlatRateBasis.STAFF, 15)}, []),
    ("Huis van het Leren", "NL", "Terneuzen", 90_000, {S: 70, T: 5, E: 25}, {}, []),
    ("POM West-Vlaanderen", "BE", "Brugge", 130_000, {S: 50, T: 5, E: 35, Q: 10}, {}, []),
]


def _add_months(d: date, months: int) -> date:
    years, month0 = divmod(d.month - 1 + months, 12)
    return date(d.year + years, month0 + 1, 1)


def _semesters(start: date, count: int) -> list[tuple[date, date]]:
    return [(_add_months(start, 6 * i), _add_months(start, 6 * (i + 1)) - timedelta(days=1))
            for i in range(count)]


def _get_or_create(model, defaults: dict | None = None, **keys):
    obj = db.session.scalar(select(model).filter_by(**keys))
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
        return obj, True
    return obj, False


def _split(total: Decimal, shares: dict) -> dict:
    """Split a whole-euro total over categories by percentage; the first category takes the remainder."""
    amounts = {k: floor_cent(total * v / 100).quantize(Decimal("1")) for k, v in shares.items()}
    first = next(iter(shares))
    amounts[first] += total - sum(amounts.values())
    return {k: to_money(v) for k, v in amounts.items()}


def _seed_project(actor: Actor, programme: Programme, code: str, name: str, start: date, end: date,
                  periods: int, total: Decimal, efro_ceiling: Decimal, partners_spec: list) -> Project:
    project, created = _get_or_create(Project, code=code, defaults=dict(
        programme_id=programme.id, name=name, start_date=start, end_date=end, eligibility_start=start,
        eligibility_end=date(end.year, 12, 31), cofinancing_rate=Decimal("50.00"),
        efro_ceiling=efro_ceiling, flexibility_rate=Decimal("10.00")))
    if created:
        audit.record(actor, "project.created", object_type="project", object_id=project.id,
                     project_id=project.id, after={"code": code, "name": name, "efro_ceiling": efro_ceiling})
    categories = {}
    for position, (kind, label) in enumerate(DEFAULT_CATEGORIES, start=1):
        categories[kind], _ = _get_or_create(CostCategory, project_id=project.id, kind=kind,
                                             defaults=dict(name=label, position=position))
    period_objs = []
    for number, (p_start, p_end) in enumerate(_semesters(start, periods), start=1):
        period, _ = _get_or_create(ReportingPeriod, project_id=project.id, number=number,
                                   defaults=dict(start_date=p_start, end_date=p_end))
        period_objs.append(period)

    known = sum(Decimal(spec[3]) for spec in partners_spec if spec[3] is not None)
    for number, (org_name, country, city, p_total, shares, flat_rates, cofin) in enumerate(partners_spec, 1):
        p_total = Decimal(p_total) if p_total is not None else total - known
        org, _ = _get_or_create(Organisation, name=org_name, defaults=dict(country=country, city=city))
        partner, created = _get_or_create(Partner, project_id=project.id, organisation_id=org.id, defaults=dict(
            number=number, is_lead=number == 1, country=country, vat_recoverable=country == "NL"))
        if not created:
            continue
        for kind, (basis, rate) in flat_rates.items():
            db.session.add(FlatRate(partner_id=partner.id, category_id=categories[kind].id, basis=basis,
                                    rate=Decimal(rate)))
        rows = []
        for kind, amount in _split(p_total, shares).items():
            per_period = to_money((amount / len(period_objs)).quantize(Decimal("1"), ROUND_FLOOR))
            for i, period in enumerate(period_objs):
                value = per_period if i < len(period_objs) - 1 else amount - per_period * (len(period_objs) - 1)
                rows.append(dict(partner_id=partner.id, category_id=categories[kind].id,
                                 period_id=period.id, amount=value))
        db.session.execute(db.insert(BudgetLine), rows)
        # Approved EFRO: 50% rounded down to the euro, as in the subsidy decision.
        efro = fund_share(p_total, project.cofinancing_rate).quantize(Decimal("1"), rounding=ROUND_FLOOR)
        db.session.add(FundingSource(partner_id=partner.id, kind=FundingKind.EFRO, name="EFRO",
                                     amount=to_money(efro)))
        for cofin_name, cofin_amount in cofin:
            db.session.add(FundingSource(partner_id=partner.id, kind=FundingKind.OTHER_PUBLIC, name=cofin_name,
                                         amount=to_money(cofin_amount)))
        db.session.flush()
        audit.record(actor, "partner.created", object_type="partner", object_id=partner.id,
                     project_id=project.id, after={
                         "organisation": org_name, "number": number, "lead": number == 1,
                         "budget_total": to_money(p_total), "efro": to_money(efro),
                         "budget_lines": len(rows),
                         "flat_rates": {k.value: f"{r}% {b.value}" for k, (b, r) in flat_rates.items()}})
    return project


def seed_demo() -> dict:
    """Load the demo; returns counts of what it created (all zero on a second run)."""
    actor = Actor.system("seed-demo")
    programme, _ = _get_or_create(Programme, code="IVLNL-V", defaults=dict(
        name="Interreg V Vlaanderen-Nederland 2014-2020"))
    les = _seed_project(actor, programme, "LES", "Lerende Euregio Scheldemond", date(2019, 10, 1),
                        date(2022, 9, 30), 6, LES_TOTAL, LES_EFRO, LES_PARTNERS)
    ll = _seed_project(actor, programme, "LLL", "Levenslang Leren West-Vlaanderen", date(2020, 1, 1),
                       date(2022, 12, 31), 6, Decimal("640000.00"), Decimal("320000.00"), LL_PARTNERS)

    def partner_of(project, org_name):
        return db.session.scalar(select(Partner).join(Organisation).where(
            Partner.project_id == project.id, Organisation.name == org_name))

    users = [
        ("finance@example.org", "Fien Financiën", [(les, Role.FINANCE, None), (ll, Role.FINANCE, None)]),
        ("auditor@example.org", "Aude Auditor", [(les, Role.AUDITOR, None), (ll, Role.AUDITOR, None)]),
        ("admin@example.org", "Adam Beheer", [(les, Role.ADMIN, None), (ll, Role.ADMIN, None)]),
        ("partner.howest@example.org", "Hanne Howest", [(les, Role.PARTNER, partner_of(les, "Howest"))]),
        ("partner.odisee@example.org", "Otto Odisee", [(les, Role.PARTNER, partner_of(les, "Odisee"))]),
    ]
    created_users = 0
    for email, full_name, grants in users:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(actor, email, full_name, DEMO_PASSWORD)
            created_users += 1
        for project, role, partner in grants:
            grant_membership(actor, user, project, role, partner)
    return {"users_created": created_users}
