"""Demo data of the LES Fonds: the fund (managed by Provincie Oost-Vlaanderen), a closed call of 2020 and an
open one (open on the demo clock: October 2020 - January 2021), and twelve actions in every state from
both sides of the border, made through the services on the demo clock. The invoices of the managing
partner for the 2020 actions are paid; those of period 2 are claimed, certified and paid out.

The organisations and people are invented (or public bodies and schools named for realism only); every
applicant address is fictitious."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from reports.demo_attendance import attendance_pdf
from reports.demo_invoice import Invoice, invoice_pdf
from reports.formatting import LOCAL_TZ

from .extensions import db
from .models import ClaimLine, Fund, Organisation, Partner, Project, ReportingPeriod, ReportKind, Role, User
from .models.types import clock_at
from .services import claims, documents, payments
from .services.accounts import create_user, grant_membership
from .services.audit import Actor
from .services.fund import applications, assessment, execution, public, setup
from .services.fund.applications import Counterpart

MANAGER_EMAIL = "partner.ovl@example.org"
CRITERIA = [("Grensoverschrijdende meerwaarde", 40), ("Bijdrage aan leren en werken in de Euregio", 30),
            ("Aantal en mix van deelnemers", 20), ("Haalbaarheid en kosten", 10)]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


# ref, call, submitted, organisation (name, type, country, city), contact (name, e-mail), counterpart,
# title, dates, participants, estimates
ACTIONS = [
    ("A", "2020-1", date(2020, 1, 20), ("Basisschool De Vlieger", "school", "BE", "Zelzate"),
     ("Els Peeters", "els.peeters@devlieger.example"), ("ROC Westerschelde", "NL", "school"),
     "Studiebezoek technische opleidingen Terneuzen", (date(2020, 6, 10), date(2020, 6, 10)), 45,
     {"bus_hire": "850.00", "speakers": "300.00"}),
    ("B", "2020-1", date(2020, 1, 27), ("Dow Benelux", "company", "NL", "Terneuzen"),
     ("Pieter de Vries", "p.devries@dow.example"), ("Syntra West", "BE", "institution"),
     "Grensoverschrijdende bedrijvendag procestechniek", (date(2020, 9, 18), date(2020, 9, 18)), 70,
     {"room_hire": "1800.00", "technical_support": "1000.00", "speakers": "400.00"}),
    ("C", "2020-1", date(2020, 2, 3), ("Muziekvereniging Sas van Gent", "association", "NL", "Sas van Gent"),
     ("Anja Smit", "anja.smit@muziek-sas.example"), ("Stad Gent", "BE", "public_body"),
     "Workshop muziektechniek voor jongeren", (date(2020, 10, 10), date(2020, 10, 10)), 30,
     {"room_hire": "350.00", "speakers": "250.00"}),
    ("D", "2020-1", date(2020, 2, 10), ("CVO Panta Rhei", "institution", "BE", "Gent"),
     ("Koen Maes", "koen.maes@pantarhei.example"), ("Scalda", "NL", "school"),
     "Opleidingsdag zorgberoepen", (date(2020, 5, 14), date(2020, 5, 14)), 25, {"room_hire": "900.00"}),
    ("E", "2020-1", date(2020, 2, 17), ("Technisch Bureau Claeys", "company", "BE", "Eeklo"),
     ("Wim Claeys", "wim@claeys-techniek.example"), ("Technocentrum Zeeland", "NL", "institution"),
     "Busreis naar het Technocentrum in Vlissingen", (date(2020, 11, 25), date(2020, 11, 25)), 38,
     {"bus_hire": "1100.00", "technical_support": "300.00"}),
    ("F", "2020-1", date(2020, 2, 24), ("Gemeente Terneuzen", "public_body", "NL", "Terneuzen"),
     ("Ruud Bakker", "r.bakker@terneuzen.example"), ("Stad Gent", "BE", "public_body"),
     "Grensoverschrijdende jobbeurs Kanaalzone", (date(2020, 9, 24), date(2020, 9, 24)), 400,
     {"room_hire": "2500.00", "technical_support": "1200.00", "bus_hire": "800.00"}),
    ("G", "2020-2", date(2020, 10, 20), ("Zeldenrust-Steelant College", "school", "NL", "Terneuzen"),
     ("Marloes Jansen", "m.jansen@zsc.example"), ("Sint-Vincentiusschool Zelzate", "BE", "school"),
     "Uitwisseling leerlingen metaal", (date(2021, 3, 16), date(2021, 3, 17)), 36,
     {"bus_hire": "900.00", "accommodation": "1440.00"}),
    ("H", "2020-2", date(2020, 10, 22), ("Gemeente Assenede", "public_body", "BE", "Assenede"),
     ("Sofie Van Damme", "sofie.vandamme@assenede.example"), ("Gemeente Sluis", "NL", "public_body"),
     "Jobdag over de grens", (date(2021, 4, 22), date(2021, 4, 22)), 250,
     {"room_hire": "1500.00", "technical_support": "600.00"}),
    ("I", "2020-2", date(2020, 10, 26), ("Bibliotheek Zeeuws-Vlaanderen", "institution", "NL", "Terneuzen"),
     ("Henk Visser", "h.visser@bibliotheek-zvl.example"), ("Bibliotheek Gent", "BE", "public_body"),
     "Digitale vaardigheden voor werkzoekenden", (date(2021, 2, 9), date(2021, 2, 11)), 60,
     {"speakers": "1200.00", "room_hire": "300.00"}),
    ("J", "2020-2", date(2020, 10, 28), ("Jong Ondernemen vzw", "association", "BE", "Gent"),
     ("Lotte Claes", "lotte.claes@jongondernemen.example"), ("Junior Achievement Zeeland", "NL", "association"),
     "Grensoverschrijdende miniondernemingen-markt", (date(2021, 3, 27), date(2021, 3, 27)), 150,
     {"room_hire": "1600.00", "technical_support": "800.00"}),
    ("K", "2020-2", date(2020, 10, 29), ("Lambers Techniek", "company", "NL", "Hulst"),
     ("Erik Lambers", "erik@lambers.example"), ("Syntra Midden-Vlaanderen", "BE", "institution"),
     "Open bedrijf voor cursisten", (date(2021, 1, 20), date(2021, 1, 20)), 20, {"bus_hire": "650.00"}),
    ("L", "2020-2", date(2020, 11, 10), ("Atheneum Eeklo", "school", "BE", "Eeklo"),
     ("Bart De Smet", "bart.desmet@atheneum-eeklo.example"), ("Scalda", "NL", "school"),
     "Stagebeurs voor laatstejaars", (date(2021, 5, 6), date(2021, 5, 6)), 120,
     {"bus_hire": "700.00", "room_hire": "400.00"}),
]
# ref -> (meeting date, approved amount or rejection reason)
DECISIONS = {"A": (date(2020, 3, 5), "1150.00"), "B": (date(2020, 3, 5), "3200.00"),
             "C": (date(2020, 3, 5), "600.00"),
             "D": (date(2020, 3, 5), "De actie is een interne opleidingsdag; een uitwisseling met de Nederlandse "
                                     "partner ontbreekt."),
             "E": (date(2020, 3, 5), "1400.00"), "F": (date(2020, 3, 5), "4500.00"),
             "J": (date(2020, 11, 6), "2400.00"),
             "K": (date(2020, 11, 6), "Een gelijkaardige actie van dezelfde aanvrager wordt al gesteund.")}
# ref -> invoices: (supplier, number, paid on, description, amount)
INVOICES = {
    "A": [("Busreizen Van Wiele", "BW-2020-118", date(2020, 6, 12), "Bus Zelzate - Terneuzen v.v.", "820.00"),
          ("Techniekpromotie Zeeland", "TPZ-20-044", date(2020, 6, 19), "Gastspreker studiebezoek", "300.00")],
    "B": [("Zaalverhuur De Porre", "DP-2020-0913", date(2020, 9, 22), "Zaalhuur bedrijvendag", "1800.00"),
          ("AV Techniek Sluiskil", "AVT-2020-377", date(2020, 10, 5), "Geluid en projectie bedrijvendag", "950.00")],
    "C": [("Cultuurcentrum De Brug", "CB-20-1012", date(2020, 10, 12), "Zaal en techniek workshop", "580.00")],
    "F": [("Evenementenhal Kanaalzone", "EK-2020-0924", date(2020, 9, 28), "Zaalhuur jobbeurs", "2500.00"),
          ("AV Techniek Sluiskil", "AVT-2020-381", date(2020, 9, 29), "Techniek jobbeurs", "1120.00"),
          ("Busreizen Van Wiele", "BW-2020-201", date(2020, 9, 30), "Pendelbussen jobbeurs", "700.00")],
}
# ref -> (carried out on, report on, participants reached, result) ; closing: ref -> (day, note)
REPORTS = {"A": (date(2020, 6, 10), date(2020, 6, 22), 42, "Leerlingen bezochten drie opleidingen; twaalf kozen "
                 "een vervolgbezoek."),
           "B": (date(2020, 9, 18), date(2020, 10, 2), 65, "65 deelnemers uit beide landen; vijf stageplaatsen "
                 "afgesproken."),
           "F": (date(2020, 9, 24), date(2020, 10, 6), 412, "412 bezoekers, 23 werkgevers, 31 sollicitaties over "
                 "de grens.")}
CLOSINGS = {"A": (date(2020, 10, 20), ""), "F": (date(2020, 10, 21), "")}


class Story:
    """Steps at moments of the demo clock, run in the order of their moments (so the audit trail of the fund
    reads chronologically), each inside ``clock_at`` its moment."""

    def __init__(self):
        self.steps = []

    def at(self, day: date, hour: int, step) -> None:
        self.steps.append((_at(day, hour), len(self.steps), step))

    def run(self) -> None:
        for moment, _n, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            with clock_at(moment):
                step()


APPLICANT = Actor(None, "applicant", "192.0.2.10")


def seed_fund(les: Project) -> None:
    """The LES Fonds with its story; skipped when LES already has a fund."""
    if db.session.scalar(select(Fund.id).where(Fund.project_id == les.id)) is not None:
        return
    finance = db.session.scalar(select(User).where(User.email == "finance@example.org"))
    fin = Actor(finance.id, finance.email, "127.0.0.1")
    pov = db.session.scalar(select(Partner).join(Organisation).where(
        Partner.project_id == les.id, Organisation.name == "Provincie Oost-Vlaanderen"))
    with clock_at(_at(date(2019, 11, 28))):
        ovl = _manager(les, pov)
    manager = Actor(ovl.id, ovl.email, "127.0.0.1")
    story, state = Story(), {"calls": {}, "made": {}}

    def create_fund():
        state["fund"] = setup.create_fund(fin, finance, les, setup.FundData(
            pov.id, Decimal("150000.00"), Decimal("5000.00"),
            ["bus_hire", "accommodation", "room_hire", "technical_support", "speakers"]))
    story.at(date(2019, 12, 2), 10, create_fund)
    for code, day, title, dates in [
            ("2020-1", date(2020, 1, 6), "Grensoverschrijdende uitwisselingen 2020",
             (date(2020, 1, 13), date(2020, 3, 13), date(2020, 3, 1), date(2020, 12, 31))),
            ("2020-2", date(2020, 9, 28), "Grensoverschrijdende uitwisselingen 2021",
             (date(2020, 10, 1), date(2021, 1, 31), date(2020, 11, 15), date(2021, 12, 31)))]:
        def publish(code=code, title=title, dates=dates):
            state["calls"][code] = setup.publish_call(fin, finance, state["fund"], setup.CallData(
                code, title, "Scholen, bedrijven, instellingen, verenigingen en overheden uit Vlaanderen en "
                "Nederland stellen samen een kleine uitwisseling voor: een studiebezoek, een bedrijvendag, een "
                "workshop. Het fonds betaalt busvervoer, verblijf en de organisatie rechtstreeks.", *dates,
                criteria=CRITERIA))
        story.at(day, 10, publish)
    for ref, call, day, org, contact, counterpart, title, (start, end), people, estimates in ACTIONS:
        def submit(ref=ref, call=call, org=org, contact=contact, counterpart=counterpart, title=title, start=start,
                   end=end, people=people, estimates=estimates):
            data = applications.ApplicationData(
                org_name=org[0], org_type=org[1], org_country=org[2], org_city=org[3], contact_name=contact[0],
                contact_email=contact[1], title=title, description=f"{title}: een uitwisseling tussen {org[0]} en "
                f"{counterpart[0]}.", start_date=start, end_date=end, expected_participants=people,
                estimates={k: Decimal(v) for k, v in estimates.items()}, counterparts=[Counterpart(*counterpart)])
            state["made"][ref], _token = applications.submit(APPLICANT, state["calls"][call], data)
        story.at(day, 14, submit)
    made = state["made"]
    _assess_and_decide(story, fin, finance, made)
    _execute(story, fin, finance, manager, ovl, made)
    _claim_period_2(story, fin, finance, manager, ovl, les, pov)
    story.run()
    db.session.flush()


def _manager(les: Project, pov: Partner) -> User:
    """The managing partner's user (contracts and pays for the actions)."""
    from .demo import DEMO_PASSWORD
    system = Actor.system("seed-demo")
    ovl = db.session.scalar(select(User).where(User.email == MANAGER_EMAIL))
    if ovl is None:
        ovl = create_user(system, MANAGER_EMAIL, "Olivia Oost-Vlaanderen", DEMO_PASSWORD)
    grant_membership(system, ovl, les, Role.PARTNER, pov)
    return ovl


def _assess_and_decide(story, fin, finance, made) -> None:
    scores = {"A": (5, 4, 4, 5), "B": (4, 5, 4, 3), "C": (4, 3, 3, 4), "D": (1, 3, 2, 4), "E": (4, 4, 3, 4),
              "F": (5, 5, 5, 3), "H": (4, 4, 5, 3), "I": (3, 4, 3, 4), "J": (4, 4, 4, 4), "K": (2, 3, 1, 3)}
    for ref, values in scores.items():
        def assess(ref=ref, values=values):
            action = made[ref]
            assessment.declare(fin, finance, action, "Provincie Oost-Vlaanderen")
            assessment.score(fin, finance, action, {c.id: (v, "") for c, v in zip(action.call.criteria, values,
                                                                                  strict=True)})
        story.at(DECISIONS.get(ref, (date(2020, 11, 12),))[0], 9, assess)
    question = {}

    def ask():
        question["q"] = assessment.ask(fin, finance, made["I"], "Welke lesgevers komen uit Gent, en hoeveel "
                                                                "werkzoekenden verwacht u uit elk land?")
    story.at(date(2020, 11, 13), 11, ask)
    story.at(date(2020, 11, 16), 20, lambda: public.answer(
        APPLICANT, made["I"], question["q"].id, "Twee lesgevers van de Bibliotheek Gent; we verwachten 35 "
        "deelnemers uit Zeeland en 25 uit Gent."))
    for ref, (day, outcome) in DECISIONS.items():
        def decide(ref=ref, day=day, outcome=outcome):
            if outcome[0].isdigit():
                assessment.decide(fin, finance, made[ref], True, day, Decimal(outcome))
            else:
                assessment.decide(fin, finance, made[ref], False, day, reason=outcome)
        story.at(day, 16, decide)


def _execute(story, fin, finance, manager, ovl, made) -> None:
    for ref, lines in INVOICES.items():
        for supplier, number, paid_on, description, amount in lines:
            def register(ref=ref, supplier=supplier, number=number, paid_on=paid_on, description=description,
                         amount=Decimal(amount)):
                action = made[ref]
                exp = execution.register_invoice(manager, ovl, action, execution.InvoiceData(
                    supplier, number, paid_on, paid_on, description, amount, Decimal("0.00"), False, amount,
                    action.reference))
                documents.attach(manager, ovl, exp, [(f"factuur {number}.pdf", invoice_pdf(Invoice(
                    supplier, number, paid_on, paid_on, "Provincie Oost-Vlaanderen", description, amount,
                    Decimal("0.00"))))])
            story.at(paid_on, 15, register)
    for ref, (done, reported, people, result) in REPORTS.items():
        story.at(done, 18, lambda ref=ref, done=done: execution.mark_executed(manager, ovl, made[ref], done))

        def report(ref=ref, done=done, people=people, result=result):
            action = made[ref]
            public.submit_report(APPLICANT, action, people, result, [(ReportKind.ATTENDANCE, (
                "aanwezigheidslijst.pdf", attendance_pdf(action.title, done, action.org_name, people)))])
        story.at(reported, 19, report)
    story.at(date(2020, 10, 10), 18, lambda: execution.mark_executed(manager, ovl, made["C"], date(2020, 10, 10)))
    for ref, (day, note) in CLOSINGS.items():
        story.at(day, 11, lambda ref=ref, note=note: execution.close(fin, finance, made[ref], note))


def _claim_period_2(story, fin, finance, manager, ovl, les, pov) -> None:
    """Provincie Oost-Vlaanderen claims its period-2 small-grants payments; certified and paid in 2020."""
    from .models import Expenditure
    state = {}

    def prepare():
        period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.project_id == les.id,
                                                                 ReportingPeriod.number == 2))
        ids = list(db.session.scalars(select(Expenditure.id).where(Expenditure.partner_id == pov.id,
                                                                    Expenditure.period_id == period.id)))
        state["claim"] = claim = claims.create_claim(manager, ovl, pov, period.id)
        claims.add_lines(manager, ovl, claim, ids)
        claims.submit(manager, ovl, claim)

    def certify():
        claim = state["claim"]
        claims.start_verification(fin, finance, claim)
        for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)):
            claims.verify_line(fin, finance, claim, line.id)
        claims.certify(fin, finance, claim)

    def request():
        state["request"] = payments.create_request(fin, finance, les, [state["claim"].id])

    def received():
        payments.record_received(fin, finance, les, state["request"], date(2020, 12, 9),
                                 state["request"].amount_requested)

    def transferred():
        for share in payments.shares(state["request"]):
            payments.record_transfer(fin, finance, les, state["request"], share.partner.id, date(2020, 12, 14),
                                     share.due)
    for day, step in [(date(2020, 10, 14), prepare), (date(2020, 11, 3), certify), (date(2020, 11, 5), request),
                      (date(2020, 12, 10), received), (date(2020, 12, 15), transferred)]:
        story.at(day, 10, step)
