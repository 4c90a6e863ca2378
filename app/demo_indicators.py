"""Demo data of the indicators, made through the services on the demo clock (idempotent: a project that has
indicators is skipped).

LES (on its own it shows the whole feature): the participants of the LES Fonds (fed by the fund's register),
cross-border internships reported by Howest and Odisee (behind target: Odisee's second report still waits for
a decision), and employers offering internships reported by TUA West (on track), with evidence files.

LLL and ICT, only when those projects exist (another part of the demo creates them): the targets of the
partnerships' public descriptions, with values over several periods, one of them behind target."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from reports.demo_attendance import attendance_pdf
from reports.formatting import LOCAL_TZ

from .demo import DEMO_PASSWORD
from .extensions import db
from .models import Indicator, Organisation, Partner, Project, ReportingPeriod, Role, User
from .models.types import clock_at
from .services.accounts import create_user, grant_membership
from .services.audit import Actor
from .services.indicators import reporting, setup

SYSTEM = Actor.system("seed-demo")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _actor(user: User) -> Actor:
    return Actor(user.id, user.email, "127.0.0.1")


def _partner(project: Project, name: str) -> Partner | None:
    return db.session.scalar(select(Partner).join(Organisation).where(Partner.project_id == project.id,
                                                                       Organisation.name == name))


def _periods(project: Project) -> dict[int, ReportingPeriod]:
    return {p.number: p for p in db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.project_id == project.id))}


def _indicator(project, code, name, kind, unit, target, baseline="0", source="reported", period_targets=None,
               year_targets=None, partners=()):
    ind = setup.create_indicator(SYSTEM, None, project, code, name, kind, unit, Decimal(baseline), Decimal(target),
                                 source)
    periods = _periods(project)
    for number, value in (period_targets or {}).items():
        if number in periods:
            setup.set_target(SYSTEM, None, ind, Decimal(value), period_id=periods[number].id)
    for year, value in (year_targets or {}).items():
        setup.set_target(SYSTEM, None, ind, Decimal(value), year=year)
    for partner in partners:
        if partner is not None:
            setup.assign(SYSTEM, None, ind, partner)
    return ind


def _report(ind, partner, period, value, text, reporter: User, decider: User | None, files=()):
    """A report shortly after the period ends, accepted two weeks later (or left waiting: decider None)."""
    with clock_at(_at(period.end_date + timedelta(days=15))):
        report = reporting.submit(_actor(reporter), reporter, ind, partner, period.id, Decimal(value), text, files)
    if decider is not None:
        with clock_at(_at(period.end_date + timedelta(days=29), 15)):
            reporting.accept(_actor(decider), decider, report)
    return report


def seed_indicators() -> None:
    les = db.session.scalar(select(Project).where(Project.code == "LES"))
    if les is not None:
        _seed_les(les)
    for code, seed in (("LLL", _seed_lll), ("ICT", _seed_ict)):
        project = db.session.scalar(select(Project).where(Project.code == code))
        if project is not None:
            with clock_at(_at(project.start_date + timedelta(days=14))):  # its users and roles, on its dates
                seed(project)


def _has_indicators(project: Project) -> bool:
    return db.session.scalar(select(Indicator.id).where(Indicator.project_id == project.id).limit(1)) is not None


def _seed_les(les: Project) -> None:
    if _has_indicators(les):
        return
    finance = _user("finance@example.org")
    howest, odisee, tua = _partner(les, "Howest"), _partner(les, "Odisee"), _partner(les, "TUA West")
    periods = _periods(les)
    with clock_at(_at(date(2019, 10, 15))):
        _indicator(les, "O1", "Deelnemers aan acties van het LES Fonds", "output", "deelnemers", "1500",
                   source="fund_participants", period_targets={n: "250" for n in range(1, 7)})
        stages = _indicator(les, "O2", "Grensoverschrijdende stages georganiseerd", "output", "stages", "60",
                            period_targets={n: "10" for n in range(1, 7)}, partners=(howest, odisee))
        employers = _indicator(les, "R1", "Werkgevers die een grensoverschrijdende stage aanbieden", "result",
                               "werkgevers", "40", baseline="12", period_targets={n: "6" for n in range(1, 7)},
                               partners=(tua,))
    hanne, otto, tine = (_user("partner.howest@example.org"), _user("partner.odisee@example.org"),
                         _user("partner.tuawest@example.org"))
    evidence = [("stagelijst-howest-p1.pdf", attendance_pdf("Stages Howest periode 1", date(2020, 3, 31),
                                                              "Howest", 6))]
    _report(stages, howest, periods[1], "6", "Zes studenten liepen stage in Zeeland (Terneuzen, Vlissingen).",
            hanne, finance, evidence)
    _report(stages, odisee, periods[1], "3", "Drie stages bij zorginstellingen in Zeeuws-Vlaanderen.", otto, finance)
    _report(stages, howest, periods[2], "8", "Acht stages, waarvan twee bij Dow Benelux.", hanne, finance)
    _report(stages, odisee, periods[2], "4", "Vier stages; twee geplande stages zijn uitgesteld.", otto, None)
    _report(employers, tua, periods[1], "5", "Vijf werkgevers boden een stageplaats aan (lijst in bijlage).", tine,
            finance, [("werkgevers-p1.pdf", attendance_pdf("Werkgevers met stageplaats", date(2020, 3, 31),
                                                            "TUA West", 5))])
    _report(employers, tua, periods[2], "9", "Negen nieuwe werkgevers, vooral in de procesindustrie.", tine, finance)


def _reporter(project: Project, partner: Partner) -> User:
    """A user of this partner to report with: an existing one, else a demo user made for it."""
    for membership_user in db.session.scalars(select(User).join(User.memberships).where(
            User.memberships.any(project_id=project.id, partner_id=partner.id, role=Role.PARTNER))):
        return membership_user
    slug = "".join(ch for ch in partner.name.lower() if ch.isalnum())[:40]
    email = f"partner.{slug}@example.org"
    user = _user(email) or create_user(SYSTEM, email, f"{partner.name} (demo)", DEMO_PASSWORD)
    grant_membership(SYSTEM, user, project, Role.PARTNER, partner)
    db.session.expire(user, ["memberships"])
    return user


def _decider(project: Project) -> User:
    finance = _user("finance@example.org")
    grant_membership(SYSTEM, finance, project, Role.FINANCE, None)  # as it already is where the demo made it so
    db.session.expire(finance, ["memberships"])
    return finance


def _started(project: Project, count: int) -> list[ReportingPeriod]:
    return [p for _n, p in sorted(_periods(project).items())][:count]


def _seed_lll(lll: Project) -> None:
    if _has_indicators(lll):
        return
    hvhl = _partner(lll, "Huis van het Leren")
    tua = _partner(lll, "TUA West")
    lead = db.session.scalar(select(Partner).where(Partner.project_id == lll.id, Partner.is_lead))
    hvhl, tua = hvhl or lead, tua or lead
    years = range(lll.start_date.year, lll.end_date.year + 1)
    with clock_at(_at(lll.start_date + timedelta(days=14))):
        guided = _indicator(lll, "O1", "Mensen door Huis van het Leren naar opleiding begeleid", "output", "personen",
                            str(1200 * len(years)), year_targets={y: "1200" for y in years}, partners=(hvhl,))
        programmes = _indicator(lll, "O2", "Nieuwe postgraduaatsopleidingen", "output", "opleidingen", "10",
                                period_targets={n: "2" for n in range(1, 6)}, partners=(tua,))
    decider = _decider(lll)
    periods = _started(lll, 4)
    for period, value in zip(periods, ("540", "700", "610", "655"), strict=False):
        _report(guided, hvhl, period, value, "Begeleide personen volgens de intakeregistratie van Huis van het Leren.",
                _reporter(lll, hvhl), decider)
    for period, value in zip(periods, ("1", "2", "1"), strict=False):  # behind: 4 of 6 after three periods
        _report(programmes, tua, period, value, "Nieuwe postgraduaten goedgekeurd door het opleidingsbestuur.",
                _reporter(lll, tua), decider)


def _seed_ict(ict: Project) -> None:
    if _has_indicators(ict):
        return
    lead = db.session.scalar(select(Partner).where(Partner.project_id == ict.id, Partner.is_lead))
    if lead is None:
        return
    spans_2018 = ict.start_date.year <= 2018 <= ict.end_date.year
    with clock_at(_at(ict.start_date + timedelta(days=14))):
        collaborations = _indicator(ict, "O1", "Regionale samenwerkingen in de kijker", "output", "samenwerkingen",
                                    "10", partners=(lead,))
        rif = _indicator(ict, "O2", "Extra aanvragen bij het Regionaal Investeringsfonds (RIF)", "output",
                         "aanvragen", "4", partners=(lead,))
        couplings = _indicator(ict, "R1", "Koppelingen tussen Centra voor Innovatief Vakmanschap en Centers of "
                               "Expertise", "result", "koppelingen", "5",
                               year_targets={2018: "5"} if spans_2018 else None, partners=(lead,))
    decider, reporter = _decider(ict), _reporter(ict, lead)
    periods = _started(ict, 3)
    for ind, values, text in ((collaborations, ("3", "4", "2"), "Samenwerkingen voorgesteld op de regiodag."),
                              (rif, ("1", "1"), "Ingediende RIF-aanvragen."),
                              (couplings, ("2", "1"), "Ondertekende samenwerkingsovereenkomsten CIV–CoE.")):
        for period, value in zip(periods, values, strict=False):
            _report(ind, lead, period, value, text, reporter, decider)
