"""Demo data of the project ideas: the Limburg idea on early school leaving in vocational education, with its
two public candidates (Kenniscentrum Industrie-Onderwijs vzw and Hasp-O Centrum, accepted and published) and
an invented third that waits for the office; and a second, invented idea without candidates yet. Made through
the services on the demo clock (autumn 2020); skipped when the Limburg idea exists. Contact persons and
addresses are fictitious."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from reports.formatting import LOCAL_TZ

from .extensions import db
from .models import ProjectIdea, User
from .models.types import clock_at
from .services.audit import Actor
from .services.ideas import office, registration

LIMBURG_TITLE = "Vroegtijdige schoolverlating in het beroepsonderwijs"
CANDIDATE = Actor(None, "candidate", "192.0.2.20")

IDEAS = [
    (LIMBURG_TITLE, "Limburg",
     "Te veel jongeren verlaten het technisch en beroepsonderwijs zonder diploma. Scholen, bedrijven en "
     "begeleidingsdiensten aan beide kanten van de grens zoeken samen naar manieren om hen op school te houden "
     "of via werkplekleren alsnog een kwalificatie te laten halen.",
     "Een grensoverschrijdend project dat signalen van schooluitval vroeg opvangt, leerlingen koppelt aan "
     "leerwerkplekken in bedrijven en de aanpak van scholen in Limburg (BE) en Limburg (NL) uitwisselt. "
     "Organisaties die willen trekken of meedenken, kunnen zich vrijblijvend kandidaat stellen."),
    ("Grensoverschrijdende stages in de zorg", "Zeeland en Oost-Vlaanderen",
     "Zorginstellingen in Zeeuws-Vlaanderen en het Meetjesland vinden moeilijk stagiairs en personeel, terwijl "
     "studenten zorg aan de andere kant van de grens weinig stageplaatsen vinden.",
     "Een gedeelde stagebank en begeleiding voor studenten verpleegkunde en zorg, met erkenning van stages "
     "over de grens."),
]

# idea title -> (role, organisation, country, city, what they bring, contact, e-mail, publish, decision)
CANDIDATES = {LIMBURG_TITLE: [
    ("participant", "Kenniscentrum Industrie-Onderwijs vzw", "BE", "Lommel",
     "Opgericht door de technische scholen van Noord-Limburg en een aantal bedrijven; brengt het netwerk van "
     "scholen en bedrijven voor werkplekleren in de regio.", "Griet Vanhout", "griet.vanhout@kio.example",
     True, "accept"),
    ("participant", "Hasp-O Centrum", "BE", "Sint-Truiden",
     "Secundaire school in Sint-Truiden met technisch en beroepsonderwijs; ervaring met trajecten tegen "
     "schooluitval.", "Johan Stevens", "j.stevens@haspo.example", True, "accept"),
    ("participant", "Leerwerkbedrijf Maasvallei", "NL", "Venlo",
     "Leerwerkbedrijf dat jongeren zonder startkwalificatie begeleidt naar een diploma via werk (fictief).",
     "Ilse Peters", "ilse.peters@maasvallei.example", True, None),
]}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def seed_ideas() -> None:
    if db.session.scalar(select(ProjectIdea.id).where(ProjectIdea.title == LIMBURG_TITLE)) is not None:
        return
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    finance = db.session.scalar(select(User).where(User.email == "finance@example.org"))
    adm = Actor(admin.id, admin.email, "127.0.0.1")
    fin = Actor(finance.id, finance.email, "127.0.0.1")
    for n, (title, region, challenge, text) in enumerate(IDEAS):
        with clock_at(_at(date(2020, 9, 1 + n))):
            idea = office.create_idea(adm, admin, title, region, challenge, text)
        for i, (role, org, country, city, brings, contact, email, publish, decision) in enumerate(
                CANDIDATES.get(title, [])):
            with clock_at(_at(date(2020, 9, 14 + 3 * i))):
                candidate, _token = registration.register(CANDIDATE, idea, registration.CandidateData(
                    role=role, org_name=org, org_country=country, org_city=city, description=brings,
                    contact_name=contact, contact_email=email, consent_publish=publish))
            if decision == "accept":
                with clock_at(_at(date(2020, 10, 1), 14 + i)):
                    office.accept(fin, finance, candidate)
