"""Every page in both languages without a word of the other: a crawl of the pages the demo's users reach
(see tests/web/crawl.py for how the data on them is told apart from the interface)."""
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.extensions import db
from app.models import FundAction, Organisation, Partner, Project
from app.models.types import clock_at
from app.services.fund import public
from tests.conftest import csrf_token, login
from tests.factories import actor, user
from tests.web.crawl import crawl, data_strings, page_text, without_data

ROOT = Path(__file__).resolve().parents[2]
# Dutch words that never occur in the English interface (matched as whole words, any case).
DUTCH_WORDS = [
    "declaratie", "declaraties", "uitgave", "uitgaven", "gedeclareerd", "gecertificeerd", "periode", "perioden",
    "betaling", "betalingen", "betaalaanvraag", "verwijderen", "terug", "opslaan", "van de", "het", "een", "geen",
    "niet", "nog", "en", "voor", "leverancier", "kostencategorie", "bewijsstuk", "bewijsstukken",
    "toelichting", "historiek", "korting", "aanmelden", "afmelden", "wachtwoord", "ingediend", "lijn", "lijnen",
    "bijdrage", "doorgestort", "doorstorting", "btw", "EFRO", "bedrag", "totaal", "looptijd", "rapportageperiode",
    "subsidiabiliteitsperiode", "personeelskosten", "wijzigen", "forfaitair", "partnerbudget", "financiering",
]
DUTCH = re.compile(r"\b(" + "|".join(re.escape(w) for w in DUTCH_WORDS) + r")\b", re.IGNORECASE)
FINANCE, PARTNER, AUDITOR = "finance@example.org", "partner.howest@example.org", "auditor@example.org"
USERS = [FINANCE, PARTNER, AUDITOR]


def english_phrases() -> re.Pattern:
    """The English message ids that the Dutch catalogue translates differently: none of them may show on a
    Dutch page. Placeholders and tags split a message into its literal parts; a part shorter than three
    letters is too common to judge, and a part that Dutch texts of the catalogue use too ('Project',
    'Partner', a column name quoted in another language) says nothing."""
    with open(ROOT / "translations/nl/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = [m for m in read_po(fh, locale="nl") if m.id]
    dutch = "\n".join(s for m in catalog for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    phrases = set()
    for message in catalog:
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            for part in re.split(r"%\(\w+\)[sd]|<[^>]+>", text):
                part = part.strip(" .,:;()–-'“”?!#")
                if len(re.sub(r"[^A-Za-z]", "", part)) >= 3 and part not in dutch:
                    phrases.add(part)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                      + r")(?![\w-])")


def choose_language(client, language, page="/login"):
    html = client.get(page).get_data(as_text=True)
    return client.post("/language", data={"language": language, "next": page, "csrf_token": csrf_token(html)})


def start_pages(email) -> dict[str, int]:
    """Where the crawl starts, with the answer expected: the projects (every other page is reached through
    their links), the filters the links do not reach (a select), the import page and the error pages."""
    howest = db.session.scalar(select(Partner.id).join(Organisation).join(Project).where(
        Organisation.name == "Howest", Project.code == "LES"))
    pages = {"/projects": 200, "/projects/NOPE": 404, "/projects/LES/expenditures?status=all": 200,
             f"/projects/LES/expenditures?partner={howest}&status=withdrawn": 200,
             f"/projects/LES/partners/{howest}/expenditures/import": 200 if email != AUDITOR else 403,
             # the paged lists' filters and positions (issue 10)
             "/projects/LES/expenditures?sort=amount&at=last": 200,
             "/projects/LES/claims/4?status=pending&min=1&flagged=1": 200,
             "/projects/LES/claims/4?at=last&history_at=last": 200}
    if email == PARTNER:
        pages[f"/projects/LES/partners/{howest}/budget"] = 403
        pages["/admin/projects/LES"] = 404  # the administration: finance officers and auditors reach it by links
    else:
        pages["/admin"] = 200
        pages["/admin/projects/LES/versions/1/diff/2"] = 200  # the demo's project modification
    return pages


def problems_on(client, email, language, pattern):
    data = data_strings()
    found = []
    start = start_pages(email)
    for url, status, html in crawl(client, list(start)):
        assert status == start.get(url, 200), (url, status)
        lang, chunks, _ = page_text(html)
        assert lang == language, (url, lang)
        for chunk in without_data(chunks, data):
            for match in pattern.finditer(chunk):
                found.append(f"{url}: {match.group(0)!r} in {chunk.strip()[:160]!r}")
    return found


@pytest.mark.demo_history
@pytest.mark.parametrize("email", USERS)
def test_every_page_in_english_has_no_dutch_interface_words(client, email):
    login(client, email)
    assert choose_language(client, "en", "/projects").status_code == 302
    problems = problems_on(client, email, "en", DUTCH)
    assert not problems, "\n".join(problems)


@pytest.mark.demo_history
@pytest.mark.parametrize("email", USERS)
def test_every_page_in_dutch_has_no_english_message_left(client, email):
    login(client, email)
    problems = problems_on(client, email, "nl", english_phrases())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language, pattern", [("en", DUTCH), ("nl", None)])
def test_the_sign_in_page_and_its_refusal_in_each_language(client, language, pattern):
    pattern = pattern or english_phrases()
    choose_language(client, language)
    for html in (client.get("/login").get_data(as_text=True),
                 login(client, "finance@example.org", "wrong password").get_data(as_text=True),
                 client.get("/projects/LES", follow_redirects=True).get_data(as_text=True)):
        lang, chunks, _ = page_text(html)
        assert lang == language
        assert not [m.group(0) for c in chunks for m in pattern.finditer(c)], chunks


@pytest.mark.demo_history
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_public_pages_of_the_fund_in_each_language(client, language):
    """A visitor without an account: the start page with the open call, the application form and its
    refusal, and the private status page of the demo's actions in every state (new links, as the finance
    officer issues them: the demo keeps no link)."""
    pattern = DUTCH if language == "en" else english_phrases()
    finance = user(FINANCE)
    with clock_at(datetime(2020, 11, 20, 9, tzinfo=UTC)):  # call 2020-2 is open on the demo's clock
        links = [f"/fund/status/{public.renew_link(actor(finance), finance, action)}"
                 for action in db.session.scalars(select(FundAction).order_by(FundAction.id))]
        db.session.commit()
        choose_language(client, language, "/")
        pages = list(crawl(client, ["/", *links]))
        [apply_url] = [url for url, _status, _html in pages if url.endswith("/apply")]
        form = client.get(apply_url).get_data(as_text=True)
        refused = client.post(apply_url, data={"csrf_token": csrf_token(form), "start_date": "someday",
                                               "expected_participants": "many", "cost_bus_hire": "a lot"})
        assert refused.status_code == 422
        pages.append((f"{apply_url} (refused)", 200, refused.get_data(as_text=True)))
    assert len(pages) >= 2 + len(links), [url for url, _status, _html in pages]
    data, problems = data_strings(), []
    for url, status, html in pages:
        assert status == 200, (url, status)
        lang, chunks, _ = page_text(html)
        assert lang == language, (url, lang)
        for chunk in without_data(chunks, data):
            problems += [f"{url}: {m.group(0)!r} in {chunk.strip()[:160]!r}" for m in pattern.finditer(chunk)]
    assert not problems, "\n".join(problems)


@pytest.mark.demo_history
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_chain_and_export_pages_in_each_language(client, app, language):
    """Pages that users reach through a form, which the crawl never posts (it makes no export and runs no
    verification): the chain page with a verification's result, a finished export and a failed one."""
    from app.models import Claim, ClaimStatus
    from tests.web.test_statements_web import wait_for
    pattern = DUTCH if language == "en" else english_phrases()
    login(client, FINANCE)
    choose_language(client, language, "/projects")
    chain = client.get("/projects/LES/audit/chain").get_data(as_text=True)
    assert client.post("/projects/LES/audit/chain", data={"csrf_token": csrf_token(chain)}).status_code == 302
    claim = db.session.scalar(select(Claim.id).where(Claim.status == ClaimStatus.PAID).order_by(Claim.id).limit(1))
    export = {"kind": "audit-extract", "format": "xlsx", "lang": language, "object_type": "claim",
              "object_id": claim, "csrf_token": csrf_token(chain)}
    finished = client.post("/projects/LES/exports", data=export).headers["Location"]
    assert wait_for(finished.rsplit("/", 1)[1]).status == "finished"
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # a queue that does not answer: the job fails, and says why
    failed = client.post("/projects/LES/exports", data=export).headers["Location"]
    app.config["REDIS_URL"] = None
    data, problems = data_strings(), []
    for url in ("/projects/LES/audit/chain", finished, failed):
        html = client.get(url).get_data(as_text=True)
        lang, chunks, _links = page_text(html)
        assert lang == language, (url, lang)
        for chunk in without_data(chunks, data):
            problems += [f"{url}: {m.group(0)!r} in {chunk.strip()[:160]!r}" for m in pattern.finditer(chunk)]
    assert not problems, "\n".join(problems)
    assert 'id="chain-verdict"' in client.get("/projects/LES/audit/chain").get_data(as_text=True)
    assert ("The job queue cannot be reached" if language == "en" else "De wachtrij voor taken is niet bereikbaar") \
        in client.get(failed).get_data(as_text=True)


@pytest.mark.demo_history
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_public_pages_of_the_ideas_in_each_language(client, language):
    """A visitor without an account: the ideas, an idea with its published candidates, the registration form
    and its refusal, and the private status page of a new candidacy."""
    from app.models import ProjectIdea
    from app.services.audit import Actor
    from app.services.ideas import registration
    pattern = DUTCH if language == "en" else english_phrases()
    idea = db.session.scalar(select(ProjectIdea).order_by(ProjectIdea.id).limit(1))
    _candidate, token = registration.register(Actor(None, "candidate", "192.0.2.40"), idea, registration.CandidateData(
        role="lead", org_name="Technicum Noord-Limburg", org_country="BE", org_city="Lommel",
        description="Technische school die wil trekken.", contact_name="An Claes",
        contact_email="an.claes@technicum.example", consent_publish=False))
    db.session.commit()
    choose_language(client, language, "/")
    pages = list(crawl(client, ["/ideas", f"/ideas/status/{token}"]))
    register_url = f"/ideas/{idea.id}/register"
    form = client.get(register_url).get_data(as_text=True)
    refused = client.post(register_url, data={"csrf_token": csrf_token(form), "role": "boss",
                                              "contact_email": "no address"})
    assert refused.status_code == 422
    pages.append((f"{register_url} (refused)", 200, refused.get_data(as_text=True)))
    urls = [url for url, _status, _html in pages]
    assert f"/ideas/{idea.id}" in urls and any(u.startswith(register_url) for u in urls), urls
    data, problems = data_strings(), []
    for url, status, html in pages:
        assert status == 200, (url, status)
        lang, chunks, _ = page_text(html)
        assert lang == language, (url, lang)
        for chunk in without_data(chunks, data):
            problems += [f"{url}: {m.group(0)!r} in {chunk.strip()[:160]!r}" for m in pattern.finditer(chunk)]
    assert not problems, "\n".join(problems)
