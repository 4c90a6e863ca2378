"""Helpers to build the small-grants fund in tests, through the real services, on a clock inside LES's
project period (the fund's rules need an open call and actions in the future)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.demo import DEMO_TOTP_SECRET
from app.extensions import db
from app.models import FundCall, Role, User
from app.services.accounts import create_user, grant_membership
from app.services.audit import Actor
from app.services.fund import applications, assessment, setup
from app.services.two_factor import enrol_known_secret
from tests.factories import actor, partner, project, user

NOW = datetime(2021, 2, 1, 8, 0, tzinfo=UTC)  # 09:00 in Brussels, while call 2021-1 is open
FIN = "finance@example.org"
FIN2 = "finance2@example.org"
MANAGER = "partner.ovl@example.org"
APPLICANT = Actor(None, "applicant", "203.0.113.9")


def make_fund(ceiling="100000.00", max_per_action="5000.00") -> tuple:
    """The LES fund (managed by Provincie Oost-Vlaanderen) with one open call of four criteria."""
    fin = user(FIN)
    fund = setup.create_fund(actor(fin), fin, project(), setup.FundData(
        partner("Provincie Oost-Vlaanderen").id, Decimal(ceiling), Decimal(max_per_action),
        ["bus_hire", "accommodation", "room_hire", "technical_support", "speakers"]))
    call = setup.publish_call(actor(fin), fin, fund, setup.CallData(
        "2021-1", "Grensoverschrijdende uitwisselingen 2021", "Kleine acties over de grens.", date(2021, 1, 15),
        date(2021, 3, 31), date(2021, 3, 1), date(2022, 6, 30),
        [("Grensoverschrijdende meerwaarde", 40), ("Bijdrage aan leren en werken", 30),
         ("Deelnemers", 20), ("Haalbaarheid en kosten", 10)]))
    db.session.commit()
    return fund, call


def other_user(email: str, name: str, role: Role, partner_name: str | None = None) -> User:
    """A further user of LES (the demo has one finance officer), made through the services."""
    found = db.session.scalar(select(User).where(User.email == email))
    if found is not None:
        return found
    system = Actor.system("test")
    u = create_user(system, email, name, "lang-genoeg-wachtwoord")
    grant_membership(system, u, project(), role, partner(partner_name) if partner_name else None)
    if u.needs_second_factor:  # finance officers, admins, auditors: the demo's secret, as login() expects
        enrol_known_secret(system, u, DEMO_TOTP_SECRET)
    db.session.commit()
    return u


def second_finance_officer() -> User:
    return other_user(FIN2, "Frank Financiën", Role.FINANCE)


def manager() -> User:
    return other_user(MANAGER, "Olivia Oost-Vlaanderen", Role.PARTNER, "Provincie Oost-Vlaanderen")


def application(**overrides) -> applications.ApplicationData:
    values = dict(
        org_name="Basisschool De Vlieger", org_type="school", org_country="BE", org_city="Zelzate",
        contact_name="Els Peeters", contact_email="els.peeters@devlieger.be", contact_phone="+32 9 000 00 00",
        title="Studiebezoek Terneuzen", description="Leerlingen bezoeken een technische school in Terneuzen.",
        start_date=date(2021, 4, 20), end_date=date(2021, 4, 20), expected_participants=45,
        estimates={"bus_hire": Decimal("850.00"), "speakers": Decimal("300.00")},
        counterparts=[applications.Counterpart("ROC Westerschelde", "NL", "school")])
    values.update(overrides)
    return applications.ApplicationData(**values)


def submit(call: FundCall | None = None, **overrides):
    call = call or db.session.scalar(select(FundCall).where(FundCall.code == "2021-1"))
    action, token = applications.submit(APPLICANT, call, application(**overrides))
    db.session.commit()
    return action, token


def assess(action, u: User | None = None, scores=(4, 3, 4, 5), organisation="Provincie Oost-Vlaanderen"):
    u = u or user(FIN)
    assessment.declare(actor(u), u, action, organisation)
    assessment.score(actor(u), u, action, {c.id: (s, "") for c, s in zip(action.call.criteria, scores, strict=True)})
    db.session.commit()


def approve(action, amount="1150.00", u: User | None = None):
    u = u or second_finance_officer()
    if assessment.declaration_of(u, action) is None:
        assessment.declare(actor(u), u, action, "Provincie Oost-Vlaanderen")
    assessment.decide(actor(u), u, action, True, date(2021, 2, 1), Decimal(amount))
    db.session.commit()
    return action


def four_actions() -> dict:
    """Four actions: approved and paid in part (BE school), rejected (NL company), closed with a release
    (NL association), submitted (BE public body). The register's figures: approved 1,750.00, paid 1,280.03,
    released 166.67, committed 1,583.33 of a ceiling of 100,000.00."""
    from app.services.fund import execution
    from app.services.fund.applications import Counterpart
    fund, call = make_fund()
    paid, _ = submit(call)
    assess(paid)
    approve(paid, "1150.00")
    ovl = manager()
    execution.register_invoice(actor(ovl), ovl, paid, execution.InvoiceData(
        "Busreizen Van Wiele", "BW-21-001", date(2021, 2, 1), date(2021, 2, 1), "Bus", Decimal("846.70"),
        Decimal("0.00"), False, Decimal("846.70")))
    rejected, _ = submit(call, org_name="Dow Benelux", org_type="company", org_country="NL",
                         counterparts=[Counterpart("Syntra West", "BE", "institution")], contact_name="Piet de Vries",
                         contact_email="piet@dow.example", estimates={"room_hire": Decimal("2000.00")})
    assess(rejected)
    fin2 = second_finance_officer()
    assessment.declare(actor(fin2), fin2, rejected, "Provincie Oost-Vlaanderen")
    assessment.decide(actor(fin2), fin2, rejected, False, date(2021, 2, 1), reason="Geen uitwisseling.")
    closed, _ = submit(call, org_name="Muziekvereniging Sas", org_type="association", org_country="NL",
                       counterparts=[Counterpart("Stad Gent", "BE", "public_body")], contact_name="Anja Smit",
                       contact_email="anja@sas.example", estimates={"speakers": Decimal("600.00")},
                       expected_participants=80)
    assess(closed)
    approve(closed, "600.00")
    execution.register_invoice(actor(ovl), ovl, closed, execution.InvoiceData(
        "Zaal De Kring", "K-77", date(2021, 2, 1), date(2021, 2, 1), "Zaal", Decimal("433.33"), Decimal("0.00"),
        False, Decimal("433.33")))
    fin = user(FIN)
    execution.close(actor(fin), fin, closed, "Minder sprekers dan gepland.")
    open_, _ = submit(call, org_name="Gemeente Zelzate", org_type="public_body", contact_name="Jan Janssens",
                      contact_email="jan@zelzate.example")
    db.session.commit()
    return {"paid": paid, "rejected": rejected, "closed": closed, "open": open_, "fund": fund, "call": call}
