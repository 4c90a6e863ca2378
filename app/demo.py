"""Demo data: the LES project (and, in app/demo_portfolio.py, three more projects of the same office).

The partners are LES's real partners; the split of the budget over partners, categories and periods is
NOT public and is invented here. It sums exactly to the real totals: EUR 2,763,165.00 eligible, of which
EUR 1,381,582.00 EFRO (50%, rounded down to the euro). Loading is idempotent: run it twice, same data.
The demo password is for demonstration only.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select

from reports.demo_invoice import Invoice, invoice_pdf
from reports.formatting import LOCAL_TZ

from .extensions import db
from .models import (
    CategoryKind,
    CostCategory,
    FlatRateBasis,
    Membership,
    Organisation,
    Partner,
    Programme,
    Project,
    ReportingPeriod,
    Role,
    User,
)
from .models.types import clock_at
from .money import floor_cent, fund_share, to_money
from .services import setup
from .services.accounts import create_user, grant_membership
from .services.audit import Actor
from .services.two_factor import enrol_known_secret

PORTFOLIO_PARTNER_USERS = [  # email, name, project, partner: one user per demo project's claiming partner
    ("partner.pom@example.org", "Pieter POM", "LLL", "POM West-Vlaanderen"),
    ("partner.pbt@example.org", "Bea Bèta Techniek", "ICT", "Platform Bèta Techniek"),
    ("partner.windesheim@example.org", "Wim Windesheim", "OOST", "Windesheim"),
]

DEMO_PASSWORD = "cofund-demo-2026"  # nosec B105  # the published demo password (README), for demo data only
# The published TOTP secret of the demo's finance officer, auditor and admin (README): demo only, like the
# password. Any authenticator app (or `oathtool --totp -b JBSWY3DPEHPK3PXP`)
# gives their codes.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # nosec B105  # published on purpose, for demo data only

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

def _add_months(d: date, months: int) -> date:
    years, month0 = divmod(d.month - 1 + months, 12)
    return date(d.year + years, month0 + 1, 1)


def _semesters(start: date, count: int) -> list[tuple[date, date]]:
    return [(_add_months(start, 6 * i), _add_months(start, 6 * (i + 1)) - timedelta(days=1))
            for i in range(count)]


def _split(total: Decimal, shares: dict) -> dict:
    """Split a whole-euro total over categories by percentage; the first category takes the remainder."""
    amounts = {k: floor_cent(total * v / 100).quantize(Decimal("1")) for k, v in shares.items()}
    first = next(iter(shares))
    amounts[first] += total - sum(amounts.values())
    return {k: to_money(v) for k, v in amounts.items()}


def _seed_project(actor: Actor, prog: Programme, code: str, name: str, start: date, end: date,
                  periods: int, total: Decimal, efro_ceiling: Decimal, partners_spec: list,
                  rate: Decimal = Decimal("50.00")) -> Project:
    """The project through the setup service, unless it exists (the seed is idempotent). ``rate``: the
    fund's share (all sources together) of the eligible cost, percent."""
    project = db.session.scalar(select(Project).where(Project.code == code))
    if project is not None:
        return project
    project = setup.create_project(actor, prog, setup.ProjectData(
        code=code, name=name, start_date=start, end_date=end, eligibility_start=start,
        eligibility_end=date(end.year, 12, 31), cofinancing_rate=rate, efro_ceiling=efro_ceiling))
    for p_start, p_end in _semesters(start, periods):
        setup.add_period(actor, project, p_start, p_end)
    known = sum(Decimal(spec[3]) for spec in partners_spec if spec[3] is not None)
    for number, (org_name, country, city, p_total, shares, flat_rates, cofin) in enumerate(partners_spec, 1):
        p_total = Decimal(p_total) if p_total is not None else total - known
        partner = setup.add_partner(actor, project, setup.PartnerData(
            org_name, country, city, number=number, lead=number == 1, vat_recoverable=country == "NL"))
        lines = {}
        for kind, amount in _split(p_total, shares).items():
            per_period = to_money((amount / periods).quantize(Decimal("1"), ROUND_FLOOR))
            for n in range(1, periods + 1):
                lines[(kind, n)] = per_period if n < periods else amount - per_period * (periods - 1)
        # Approved support: the rate (LES: EFRO 50%) rounded down to the euro, as in the subsidy decision.
        efro = to_money(fund_share(p_total, project.cofinancing_rate).quantize(Decimal("1"), rounding=ROUND_FLOOR))
        setup.set_initial_budget(actor, partner, setup.PartnerBudget(
            lines=lines, efro=efro, other_public=[(n, to_money(a)) for n, a in cofin],
            flat_rates={k: (basis, Decimal(rate)) for k, (basis, rate) in flat_rates.items()}))
    return project


def seed_demo(history: bool = True) -> dict:
    """Load the demo; returns counts of what it created (all zero on a second run). ``history`` adds
    LES's expenditures, claims and payments (the tests build on the budget alone unless they ask)."""
    with clock_at(_at(date(2019, 9, 2))):  # the project was approved in 2019
        result = _seed_setup()
    if history:
        les = db.session.scalar(select(Project).where(Project.code == "LES"))
        _seed_history(les)
        from .demo_fund import seed_fund
        seed_fund(les)  # the LES Fonds: a fund, two calls, twelve actions (app/demo_fund.py)
        from .demo_recovery import seed_next_draft, seed_offset_and_open_recovery
        seed_offset_and_open_recovery(les)  # Odisee's next claim offsets the 2020 recovery; a new one opens
        _seed_modification(les)
        seed_next_draft(les)  # Odisee's period-4 draft takes the bus invoice parked in period 2
        from .demo_portfolio import seed_portfolio_history
        seed_portfolio_history()  # claims certified and paid in LLL, ICT and OOST (app/demo_portfolio.py)
        from .demo_ideas import seed_ideas
        from .demo_indicators import seed_indicators
        seed_ideas()  # the Limburg idea with its candidates (app/demo_ideas.py)
        seed_indicators()  # indicators of LES (and of LLL and ICT where they exist) (app/demo_indicators.py)
    return result


def _seed_setup() -> dict:
    actor = Actor.system("seed-demo")
    programme = setup.programme(actor, "IVLNL-V", "Interreg V Vlaanderen-Nederland 2014-2020")
    les = _seed_project(actor, programme, "LES", "Lerende Euregio Scheldemond", date(2019, 10, 1),
                        date(2022, 9, 30), 6, LES_TOTAL, LES_EFRO, LES_PARTNERS)
    from .demo_portfolio import seed_portfolio_setup  # LLL, ICT and OOST with their own funding sources
    portfolio = seed_portfolio_setup(actor)

    def partner_of(project, org_name):
        return db.session.scalar(select(Partner).join(Organisation).where(
            Partner.project_id == project.id, Organisation.name == org_name))

    users = [
        ("finance@example.org", "Fien Financiën", [(les, Role.FINANCE, None)]
         + [(p, Role.FINANCE, None) for p in portfolio.values()]),
        ("auditor@example.org", "Aude Auditor", [(les, Role.AUDITOR, None)]
         + [(p, Role.AUDITOR, None) for p in portfolio.values()]),
        ("admin@example.org", "Adam Beheer", [(les, Role.ADMIN, None)]
         + [(p, Role.ADMIN, None) for p in portfolio.values()]),
        ("partner.howest@example.org", "Hanne Howest", [(les, Role.PARTNER, partner_of(les, "Howest"))]),
        ("partner.odisee@example.org", "Otto Odisee", [(les, Role.PARTNER, partner_of(les, "Odisee"))]),
        ("partner.tuawest@example.org", "Tine TUA West", [(les, Role.PARTNER, partner_of(les, "TUA West"))]),
        *[(email, name, [(portfolio[code], Role.PARTNER, partner_of(portfolio[code], org))])
          for email, name, code, org in PORTFOLIO_PARTNER_USERS],
    ]
    created_users = 0
    for email, full_name, grants in users:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(actor, email, full_name, DEMO_PASSWORD)
            created_users += 1
        for project, role, partner in grants:
            grant_membership(actor, user, project, role, partner)
        if user.needs_second_factor and not user.has_second_factor:
            enrol_known_secret(actor, user, DEMO_TOTP_SECRET)
    return {"users_created": created_users}


# Expenditure lines of the demo history: category, supplier, invoice, payment date, description, gross, VAT
_LINES = {
    ("Howest", 1): [
        (S, "Howest personeelsdienst", "LON-2019-Q4", date(2020, 1, 10), "Loonkost projectmedewerker Q4 2019",
         "18450.00", "0.00"),
        (S, "Howest personeelsdienst", "LON-2020-Q1", date(2020, 3, 31), "Loonkost projectmedewerker Q1 2020",
         "18720.00", "0.00"),
        (E, "Drukkerij Vanden Broele", "2019/8812", date(2019, 12, 2), "Drukwerk brochure LES", "2420.00",
         "420.00"),
        (E, "Kortrijk Xpo", "KX-20-0117", date(2020, 2, 14), "Zaalhuur grensoverschrijdende jobbeurs",
         "3630.00", "630.00"),
        (T, "NMBS", "TK-448120", date(2020, 2, 20), "Treinreizen studiebezoek Terneuzen", "312.40", "0.00"),
    ],
    ("Odisee", 1): [
        (S, "Odisee HR", "ODS-LON-19", date(2019, 12, 20), "Loonkost lector 20% (okt-dec 2019)", "9870.00",
         "0.00"),
        (E, "Busreizen Van Wiele", "BW-2020-031", date(2020, 3, 2), "Busvervoer bedrijfsbezoek Zelzate",
         "968.00", "168.00"),
        (Q, "Coolblue", "CB-99120331", date(2020, 1, 16), "Laptops voor workshops", "2178.00", "378.00"),
    ],
    ("TUA West", 1): [
        (S, "TUA West", "TUA-LON-2019-2", date(2020, 1, 15), "Loonkost coördinator (okt-dec 2019)",
         "21300.00", "0.00"),
        (E, "Communicatiebureau Boom", "2019-1204", date(2019, 12, 18), "Website LES", "7260.00", "1260.00"),
        (T, "Hotel Zeeuwse Stromen", "ZS-77031", date(2020, 3, 12), "Overnachting partnermeeting", "423.50",
         "0.00"),
    ],
    ("Howest", 2): [
        (S, "Howest personeelsdienst", "LON-2020-Q2", date(2020, 6, 30), "Loonkost projectmedewerker Q2 2020",
         "18720.00", "0.00"),
        (S, "Howest personeelsdienst", "LON-2020-Q3", date(2020, 9, 30), "Loonkost projectmedewerker Q3 2020",
         "18950.00", "0.00"),
        (E, "Studio Beeldwerk", "SB-2020-044", date(2020, 5, 8), "Video grensoverschrijdende stages",
         "4840.00", "840.00"),
        (E, "Catering De Kok", "DK-20-311", date(2020, 9, 17), "Catering netwerkmoment", "1272.00", "72.00"),
        (Q, "Bol.com zakelijk", "BOL-5120887", date(2020, 7, 2), "Beamer voor demo-sessies", "899.00",
         "156.02"),
    ],
    ("Odisee", 2): [
        (S, "Odisee HR", "ODS-LON-20A", date(2020, 6, 30), "Loonkost lector 20% (jan-jun 2020)", "19740.00",
         "0.00"),
        # the same bus invoice as Odisee's period-1 line: flagged as possible double financing
        (E, "Busreizen Van Wiele", "BW-2020-031", date(2020, 5, 4), "Busvervoer bedrijfsbezoek (kopie?)",
         "968.00", "168.00"),
        (E, "Zaalverhuur Het Pand", "HP-2020-118", date(2020, 9, 14), "Zaalhuur workshop grensoverschrijdend "
         "ondernemen", "2420.00", "420.00"),
    ],
}


def _seed_modification(les: Project) -> None:
    """A project modification of LES approved in March 2021 (invented): Howest moves EUR 1,500 of its
    period-6 budget from external expertise to staff costs. Version 1 (the budget LES started with) and
    version 2 are both readable under Administration; the certified claims of periods 1 and 2 keep theirs."""
    from .models import BudgetVersion, CostCategory
    from .services.admin.modifications import CellChange, approve_modification
    if db.session.scalar(select(BudgetVersion.id).where(BudgetVersion.project_id == les.id).limit(1)):
        return
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    howest = db.session.scalar(select(Partner).join(Organisation).where(
        Partner.project_id == les.id, Organisation.name == "Howest"))
    kinds = {c.kind: c.id for c in db.session.scalars(select(CostCategory).where(CostCategory.project_id == les.id))}
    p6 = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.project_id == les.id,
                                                         ReportingPeriod.number == 6))
    from .services.budget import partner_budget
    cells = partner_budget(howest).cells
    staff, external = cells[(kinds[S], p6.id)].amount, cells[(kinds[E], p6.id)].amount
    with clock_at(_at(date(2021, 3, 22))):
        approve_modification(Actor(admin.id, admin.email, "127.0.0.1"), admin, les,
                             "Verschuiving van externe expertise naar personeelskosten (Howest, periode 6)",
                             date(2021, 3, 15), [CellChange(howest, kinds[S], p6.id, staff + 1500),
                                                 CellChange(howest, kinds[E], p6.id, external - 1500)])


def _invoice_pdf(exp) -> bytes:
    return invoice_pdf(Invoice(exp.supplier, exp.invoice_number, exp.invoice_date, exp.payment_date,
                               exp.partner.name, exp.description, exp.gross_amount, exp.vat_amount))


def _at(day: date, hour: int = 9) -> datetime:
    """A moment of the demo story, in local (Brussels) time."""
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def prepare_claim(les: Project, org_name: str, period_no: int, lines: list) -> tuple:
    """The partner registers its expenditures (``lines`` as in _LINES) with their invoices and puts them in a
    claim: (claim, the partner user's actor, the partner user)."""
    from .services import claims, documents, expenditures
    from .services.expenditures import ExpenditureData
    categories = {c.kind: c for c in db.session.scalars(select(CostCategory).where(CostCategory.project_id == les.id))}
    period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.project_id == les.id,
                                                             ReportingPeriod.number == period_no))
    partner = db.session.scalar(select(Partner).join(Organisation).where(
        Partner.project_id == les.id, Organisation.name == org_name))
    user = db.session.scalar(select(User).join(User.memberships).where(
        User.email.like("partner.%"), Membership.partner_id == partner.id))
    who = Actor(user.id, user.email, "127.0.0.1")
    exps = []
    for n, (kind, supplier, invoice, paid_on, description, gross, vat) in enumerate(lines, 1):
        gross, vat = Decimal(gross), Decimal(vat)
        declared = gross - vat if partner.vat_recoverable or vat else gross
        exps.append(expenditures.create(who, user, partner, ExpenditureData(
            category_id=categories[kind].id, period_id=period.id, supplier=supplier,
            invoice_number=invoice, invoice_date=paid_on - timedelta(days=14), payment_date=paid_on,
            description=description, gross_amount=gross, vat_amount=vat,
            vat_recoverable=bool(vat) and partner.vat_recoverable, declared_amount=declared,
            internal_ref=f"{org_name[:3].upper()}-{period_no}-{n:03d}")))
    for exp in exps:
        documents.attach(who, user, exp, [(f"factuur {exp.invoice_number}.pdf".replace("/", "-"),
                                           _invoice_pdf(exp))])
    claim = claims.create_claim(who, user, partner, period.id)
    claims.add_lines(who, user, claim, [e.id for e in exps])
    return claim, who, user


def _seed_history(les: Project) -> None:
    """A realistic claim history for LES, made through the services (so it is audited and follows every
    rule), on a demo clock that follows the project's periods: period-1 claims of three partners submitted
    in April 2020, certified in June and paid in September 2020; Howest's period-2 claim in verification
    (a deduction, a parked line, the rest to do) and Odisee's period-2 draft in October 2020. Skipped when
    LES already has claims."""
    from .models import Claim, ClaimLine, ErrorType
    from .services import claims, payments

    if db.session.scalar(select(Claim.id).where(Claim.project_id == les.id).limit(1)):
        return
    finance = db.session.scalar(select(User).where(User.email == "finance@example.org"))
    fin = Actor(finance.id, finance.email, "127.0.0.1")

    def prepare(org_name, period_no):
        return prepare_claim(les, org_name, period_no, _LINES[(org_name, period_no)])

    def lines_of(claim):
        return db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                                  .order_by(ClaimLine.id)).all()

    # Period 1 (1 October 2019 - 31 March 2020): claims submitted in April 2020.
    made = {}
    for key, day in [(("Howest", 1), date(2020, 4, 14)), (("Odisee", 1), date(2020, 4, 15)),
                     (("TUA West", 1), date(2020, 4, 16))]:
        with clock_at(_at(day)):
            claim, who, user = prepare(*key)
            claims.submit(who, user, claim)
        made[key] = claim
    # Verified in May (one deduction each for Howest and TUA West), certified in June.
    for (key, cut), day in zip([
            (("Howest", 1), (2, "250.00", ErrorType.INELIGIBLE, "Drinks bij de brochurevoorstelling zijn niet "
                                                                "subsidiabel.")),
            (("Odisee", 1), None),
            (("TUA West", 1), (1, "1200.00", ErrorType.PROCUREMENT, "Slechts één offerte gevraagd; forfaitaire "
                                                                    "correctie."))],
            [date(2020, 5, 4), date(2020, 5, 6), date(2020, 5, 11)], strict=True):
        claim = made[key]
        with clock_at(_at(day, 10)):
            claims.start_verification(fin, finance, claim)
            for i, line in enumerate(lines_of(claim)):
                if cut and i == cut[0]:
                    claims.verify_line(fin, finance, claim, line.id, deduction=Decimal(cut[1]), error_type=cut[2],
                                       comment=cut[3])
                else:  # Odisee's bus invoice also appears in its period-2 draft: the verifier checked it
                    claims.verify_line(fin, finance, claim, line.id,
                                       confirm_duplicate=key == ("Odisee", 1) and i == 1)
    for key, day in [(("Howest", 1), date(2020, 6, 15)), (("Odisee", 1), date(2020, 6, 15)),
                     (("TUA West", 1), date(2020, 6, 16))]:
        with clock_at(_at(day, 14)):
            claims.certify(fin, finance, made[key])
    # One payment request in July; the programme pays in September; the lead partner passes the shares on.
    with clock_at(_at(date(2020, 7, 1))):
        request = payments.create_request(fin, finance, les, [made[k].id for k in
                                                              [("Howest", 1), ("Odisee", 1), ("TUA West", 1)]])
    with clock_at(_at(date(2020, 9, 16))):
        payments.record_received(fin, finance, les, request, date(2020, 9, 15), request.amount_requested)
    with clock_at(_at(date(2020, 9, 23))):
        for share in payments.shares(request):
            payments.record_transfer(fin, finance, les, request, share.partner.id, date(2020, 9, 22), share.due)

    # Period 2 (1 April - 30 September 2020): Odisee's draft repeats a bus invoice (possible double
    # financing); Howest's claim is in verification: one deduction, one parked line, the rest to do.
    with clock_at(_at(date(2020, 10, 13))):
        claim, who, user = prepare("Howest", 2)
        claims.submit(who, user, claim)
    with clock_at(_at(date(2020, 10, 15))):
        prepare("Odisee", 2)
    with clock_at(_at(date(2020, 11, 2), 10)):
        claims.start_verification(fin, finance, claim)
        h2 = lines_of(claim)
        claims.verify_line(fin, finance, claim, h2[0].id)
        claims.verify_line(fin, finance, claim, h2[2].id, deduction=Decimal("400.00"),
                           error_type=ErrorType.MISSING_EVIDENCE, comment="Geen bewijs van levering voor de "
                           "tweede montagedag.")
        claims.verify_line(fin, finance, claim, h2[3].id, park=True,
                           comment="Deelnemerslijst ontbreekt; wordt met de volgende declaratie nagekeken.")
    from .demo_recovery import seed_audit
    seed_audit(les, lines_of(made[("Odisee", 1)])[1])
