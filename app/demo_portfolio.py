"""Demo data: three more projects of the office that runs LES, each with its own funding, next to LES.

Built from the public descriptions of the partnerships (names of the partners, what they do); every
figure (budgets, rates, expenditures, claims) is INVENTED for the demo:
- LLL, *Levenslang Leren West-Vlaanderen*: Provincie West-Vlaanderen, TUA West, Huis van het Leren and POM
  West-Vlaanderen; funded by the province at 100%; a year programme (campaign, yearly event, sessions for
  professionals).
- ICT, *ICT in de regio*: regional partnerships of education and business with Platform Bèta Techniek;
  Dutch partners; the Ministerie van OCW at 50% and Provincie Zeeland at 25% (the partners pay 25%).
- OOST, *Oost werkt*: ArtEZ, Hogeschool KPZ, Hogeschool VIAA, Iselinge Hogeschool, Saxion, Universiteit
  Twente and Windesheim against the teacher shortage; the regional scheme (OCW) at 70% and Provincie
  Overijssel at 10%.
Everything goes through the services (app/services/setup.py, funding, expenditures, claims, payments), on
a demo clock, so it is audited and follows every rule. Idempotent: a second run adds nothing.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from .demo import _at, _invoice_pdf, _seed_project
from .extensions import db
from .models import (
    CategoryKind,
    Claim,
    ClaimLine,
    CostCategory,
    FlatRateBasis,
    FundingKind,
    Membership,
    Organisation,
    Partner,
    Project,
    ReportingPeriod,
    User,
)
from .models.types import clock_at
from .services import setup
from .services.audit import Actor
from .services.funding.sources import SourceData, set_sources, sources_of

S, OFF, T, E, Q = (CategoryKind.STAFF, CategoryKind.OFFICE, CategoryKind.TRAVEL, CategoryKind.EXTERNAL,
                   CategoryKind.EQUIPMENT)
PUBLIC = FundingKind.OTHER_PUBLIC

# code, programme (code, name), name, start, end, periods, total, partners, funding sources (name, rate)
PROJECTS = [
    ("LLL", ("PWV-LL", "Provincie West-Vlaanderen: Levenslang Leren"), "Levenslang Leren West-Vlaanderen",
     date(2020, 1, 1), date(2022, 12, 31), 6, Decimal("640000.00"), [
         ("Provincie West-Vlaanderen", "BE", "Brugge", 240_000, {S: 55, T: 5, E: 40}, {}, []),
         ("TUA West", "BE", "Brugge", 180_000, {S: 60, OFF: 9, T: 6, E: 25}, {OFF: (FlatRateBasis.STAFF, 15)}, []),
         ("Huis van het Leren", "NL", "Terneuzen", 90_000, {S: 70, T: 5, E: 25}, {}, []),
         ("POM West-Vlaanderen", "BE", "Brugge", 130_000, {S: 50, T: 5, E: 35, Q: 10}, {}, []),
     ], [("Provincie West-Vlaanderen", Decimal("100.00"))]),
    ("ICT", ("NL-RP", "Regionale partnerschappen onderwijs en bedrijfsleven"), "ICT in de regio",
     date(2021, 1, 1), date(2023, 12, 31), 6, Decimal("800000.00"), [
         ("Platform Bèta Techniek", "NL", "Den Haag", 260_000, {S: 70, T: 5, E: 25}, {}, []),
         ("Scalda", "NL", "Vlissingen", 210_000, {S: 63, OFF: 9, T: 4, E: 24}, {OFF: (FlatRateBasis.STAFF, 15)}, []),
         ("HZ University of Applied Sciences", "NL", "Vlissingen", 190_000, {S: 65, T: 5, E: 30}, {}, []),
         ("Impuls Zeeland", "NL", "Middelburg", 140_000, {S: 60, T: 5, E: 35}, {}, []),
     ], [("Ministerie van OCW", Decimal("50.00")), ("Provincie Zeeland", Decimal("25.00"))]),
    ("OOST", ("NL-RAL", "Regionale aanpak lerarentekort"), "Oost werkt",
     date(2021, 8, 1), date(2024, 7, 31), 6, Decimal("1200000.00"), [
         ("Windesheim", "NL", "Zwolle", 240_000, {S: 75, T: 5, E: 20}, {}, []),
         ("ArtEZ", "NL", "Arnhem", 140_000, {S: 75, T: 5, E: 20}, {}, []),
         ("Hogeschool KPZ", "NL", "Zwolle", 150_000, {S: 75, T: 5, E: 20}, {}, []),
         ("Hogeschool VIAA", "NL", "Zwolle", 150_000, {S: 75, T: 5, E: 20}, {}, []),
         ("Iselinge Hogeschool", "NL", "Doetinchem", 130_000, {S: 75, T: 5, E: 20}, {}, []),
         ("Saxion", "NL", "Enschede", 200_000, {S: 75, T: 5, E: 20}, {}, []),
         ("Universiteit Twente", "NL", "Enschede", 190_000, {S: 75, T: 5, E: 20}, {}, []),
     ], [("Regionale aanpak lerarentekort (OCW)", Decimal("70.00")), ("Provincie Overijssel", Decimal("10.00"))]),
]


def _euros(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding="ROUND_FLOOR").quantize(Decimal("0.01"))


def seed_portfolio_setup(actor: Actor) -> dict[str, Project]:
    """The three projects with their periods, partners, budgets and funding sources (as approved: each
    source's share of the total budget, rounded down to the euro). Made on the seed's clock."""
    result = {}
    for code, (prog_code, prog_name), name, start, end, periods, total, partners, sources in PROJECTS:
        prog = setup.programme(actor, prog_code, prog_name)
        ceilings = [_euros(total * rate / 100) for _name, rate in sources]
        rate = sum((r for _n, r in sources), Decimal("0.00"))
        project = _seed_project(actor, prog, code, name, start, end, periods, total, sum(ceilings), partners,
                                rate=rate)
        if [s.name for s in sources_of(project)] != [n for n, _r in sources]:
            current = sources_of(project)
            set_sources(actor, None, project, [
                SourceData(n, PUBLIC, r, c, id=current[0].id if i == 0 else None)
                for i, ((n, r), c) in enumerate(zip(sources, ceilings, strict=True))])
        result[code] = project
    return result


# Per project: (partner, period, [(category, supplier, invoice, paid on, description, gross, VAT)], submitted,
# verified, certified, deduction (line index, amount, comment) or None); then the payment request's claims
# (by their index here) and its days (request, received, transferred).
HISTORY = {
    "LLL": ([
        ("POM West-Vlaanderen", 1, [
            (S, "POM West-Vlaanderen", "POM-LON-20H1", date(2020, 6, 30), "Loonkost projectleider campagne "
             "'Blijven leren' (jan-jun 2020)", "18400.00", "0.00"),
            (E, "Reclamebureau Duval", "RD-2020-118", date(2020, 3, 20), "Campagne 'Blijven leren': affiches en "
             "online advertenties", "8470.00", "1470.00"),
            (T, "POM West-Vlaanderen", "POM-KM-20H1", date(2020, 6, 15), "Kilometervergoeding sessies voor "
             "professionals", "412.30", "0.00"),
        ], date(2020, 7, 10), date(2020, 8, 3), date(2020, 8, 20), (1, "470.00", "Niet-subsidiabele drukproef.")),
        ("POM West-Vlaanderen", 2, [
            (S, "POM West-Vlaanderen", "POM-LON-20H2", date(2020, 12, 18), "Loonkost projectleider jaarevent "
             "(jul-dec 2020)", "18950.00", "0.00"),
            (E, "Kortrijk Xpo", "KX-20-0412", date(2020, 11, 6), "Zaalhuur jaarevent Levenslang Leren",
             "6050.00", "1050.00"),
            (Q, "Bol.com zakelijk", "BOL-6600129", date(2020, 10, 2), "Presentatiescherm voor de sessies",
             "1210.00", "210.00"),
        ], date(2021, 1, 12), date(2021, 2, 2), date(2021, 2, 15), None),
    ], (0, 1), (date(2021, 3, 1), date(2021, 4, 14), date(2021, 4, 20))),
    "ICT": ([
        ("Platform Bèta Techniek", 1, [
            (S, "Platform Bèta Techniek", "PBT-SAL-21H1", date(2021, 6, 30), "Salaris programmamanager regionale "
             "ICT-samenwerkingen (jan-jun 2021)", "24600.00", "0.00"),
            (E, "Onderzoeksbureau Regioscan", "RS-21-033", date(2021, 5, 12), "Verkenning tien regionale "
             "samenwerkingsverbanden", "12100.00", "2100.00"),
            (T, "NS Zakelijk", "NSZ-210611", date(2021, 6, 11), "Reizen naar de regio's", "388.40", "0.00"),
        ], date(2021, 7, 13), date(2021, 8, 2), date(2021, 8, 24), None),
        ("Platform Bèta Techniek", 2, [
            (S, "Platform Bèta Techniek", "PBT-SAL-21H2", date(2021, 12, 20), "Salaris programmamanager (jul-dec "
             "2021)", "25100.00", "0.00"),
            (E, "Bureau Investeringsfondsen", "BIF-2021-77", date(2021, 11, 3), "Begeleiding vier aanvragen bij "
             "het regionaal investeringsfonds", "9680.00", "1680.00"),
        ], date(2022, 1, 14), date(2022, 2, 1), date(2022, 2, 21), (1, "1000.00", "Uren niet onderbouwd.")),
    ], (0,), (date(2021, 9, 15), date(2021, 11, 2), date(2021, 11, 9))),
    "OOST": ([
        ("Windesheim", 1, [
            (S, "Windesheim", "WH-SAL-21H2", date(2022, 1, 20), "Salaris coördinator zij-instroom leraren "
             "(aug 2021-jan 2022)", "31800.00", "0.00"),
            (E, "Adviesbureau Onderwijsarbeidsmarkt", "OAM-21-219", date(2021, 11, 25), "Regionale analyse "
             "lerarentekort Oost-Nederland", "14520.00", "2520.00"),
        ], date(2022, 2, 10), date(2022, 3, 1), date(2022, 3, 22), None),
        ("Windesheim", 2, [
            (S, "Windesheim", "WH-SAL-22H1", date(2022, 7, 20), "Salaris coördinator zij-instroom (feb-jul 2022)",
             "32400.00", "0.00"),
            (T, "NS Zakelijk", "NSZ-220614", date(2022, 6, 14), "Reizen naar de partnerscholen", "512.60", "0.00"),
        ], date(2022, 8, 9), None, None, None),
    ], (0,), (date(2022, 4, 5), date(2022, 5, 17), date(2022, 5, 24))),
}


def seed_portfolio_history() -> None:
    """Per project: expenditures registered by the partner's user, claims submitted, verified and
    certified by the finance officer, a payment request received and passed on. Skipped for a project that
    already has claims."""
    for code, (claims_spec, paid, days) in HISTORY.items():
        project = db.session.scalar(select(Project).where(Project.code == code))
        if project is None or db.session.scalar(select(Claim.id).where(Claim.project_id == project.id).limit(1)):
            continue
        _history(project, claims_spec, paid, days)


def _history(project: Project, claims_spec, paid, days) -> None:
    from .models import ErrorType
    from .services import claims, documents, expenditures, payments
    from .services.expenditures import ExpenditureData

    finance = db.session.scalar(select(User).where(User.email == "finance@example.org"))
    fin = Actor(finance.id, finance.email, "127.0.0.1")
    categories = {c.kind: c for c in db.session.scalars(select(CostCategory).where(
        CostCategory.project_id == project.id))}
    periods = {p.number: p for p in db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.project_id == project.id))}
    made = []
    for org_name, period_no, lines, submitted, verified, certified, cut in claims_spec:
        partner = db.session.scalar(select(Partner).join(Organisation).where(
            Partner.project_id == project.id, Organisation.name == org_name))
        user = db.session.scalar(select(User).join(User.memberships).where(Membership.partner_id == partner.id))
        who = Actor(user.id, user.email, "127.0.0.1")
        with clock_at(_at(submitted)):
            exps = []
            for n, (kind, supplier, invoice, paid_on, description, gross, vat) in enumerate(lines, 1):
                gross, vat = Decimal(gross), Decimal(vat)
                recoverable = bool(vat) and partner.vat_recoverable
                exps.append(expenditures.create(who, user, partner, ExpenditureData(
                    category_id=categories[kind].id, period_id=periods[period_no].id, supplier=supplier,
                    invoice_number=invoice, invoice_date=paid_on - timedelta(days=14), payment_date=paid_on,
                    description=description, gross_amount=gross, vat_amount=vat, vat_recoverable=recoverable,
                    declared_amount=gross - vat if vat else gross,
                    internal_ref=f"{project.code}-{period_no}-{n:03d}")))
            for exp in exps:
                documents.attach(who, user, exp, [(f"factuur {exp.invoice_number}.pdf".replace("/", "-"),
                                                   _invoice_pdf(exp))])
            claim = claims.create_claim(who, user, partner, periods[period_no].id)
            claims.add_lines(who, user, claim, [e.id for e in exps])
            claims.submit(who, user, claim)
        made.append(claim)
        if verified is None:
            continue  # waiting for verification
        with clock_at(_at(verified, 10)):
            claims.start_verification(fin, finance, claim)
            for i, line in enumerate(db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                                                        .order_by(ClaimLine.id)).all()):
                if cut and i == cut[0]:
                    claims.verify_line(fin, finance, claim, line.id, deduction=Decimal(cut[1]),
                                       error_type=ErrorType.INELIGIBLE, comment=cut[2])
                else:
                    claims.verify_line(fin, finance, claim, line.id)
        with clock_at(_at(certified, 14)):
            claims.certify(fin, finance, claim)
    request_day, received_day, transfer_day = days
    with clock_at(_at(request_day)):
        request = payments.create_request(fin, finance, project, [made[i].id for i in paid])
    with clock_at(_at(received_day)):
        payments.record_received(fin, finance, project, request, received_day - timedelta(days=1),
                                 request.amount_requested)
    with clock_at(_at(transfer_day)):
        for share in payments.shares(request):
            payments.record_transfer(fin, finance, project, request, share.partner.id,
                                     transfer_day - timedelta(days=1), share.due)
