"""Every page, as every role and a visitor without an account, in both languages, in Chromium:

- axe-core (axe-playwright-python) finds no serious or critical violation of WCAG 2.1 A/AA;
- the page is never wider than the window, at 1,400 px and at 390 px
  (``document.documentElement.scrollWidth <= innerWidth``): wide tables scroll inside their own box;
- a screenshot of each page at both widths is saved (COFUND_SCREENSHOTS, else artifacts/screenshots).

The pages are found, not listed: the routes of the app that take no argument or only a project code, and
every page linked from them (tests/web/crawl.py), one page per URL pattern and role; so pages that other
areas add are checked as soon as a role reaches them.

The demo's calls of the LES Fonds closed in 2021 and its private links are not kept, so the crawl's own data
adds, through the services, what a visitor reaches only on a day a call is open or with a link of their own:
a call open today (its application form), new status links of fund actions in each state (as the finance
officer issues them), and a candidacy for a project idea with its private status page.
"""
from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from app.extensions import db
from app.models import ActionStatus, Fund, FundAction, FundMessage, ProjectIdea
from app.models.idea import IdeaStatus
from app.services import history  # noqa: F401  (the services before the crawl, which imports a part of them)
from app.services.audit import Actor
from app.services.fund import public, setup
from app.services.fund.common import today
from app.services.ideas import registration
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.conftest import login
from tests.factories import actor, project, user
from tests.web.crawl import _pattern, crawl

pytestmark = [pytest.mark.browser, pytest.mark.demo_history,
              # the pages look the same on either database: CI checks them in its SQLite run only
              pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                                 reason="layout and accessibility are checked in the SQLite run")]

ROLES = ["finance@example.org", "partner.howest@example.org", "auditor@example.org", "admin@example.org",
         "partner.ovl@example.org", None]  # None: a visitor without an account
LOCALES = {"nl": "nl-BE", "en": "en-GB"}
WIDTHS = (1400, 390)
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
         "resultTypes": ["violations"]}
_axe = Axe()
# a fund action's private page: waiting for the decision, rejected, approved and carried out (the final report's
# form), closed (the report received)
STATUS_PAGE_STATES = (ActionStatus.SUBMITTED, ActionStatus.REJECTED, ActionStatus.EXECUTED, ActionStatus.CLOSED)


def start_urls(app) -> list[str]:
    """Pages without an id: every GET route of the app without arguments, or with only a project code."""
    urls = ["/", "/projects/LES", "/projects/NOPE"]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not rule.arguments:
            urls.append(rule.rule)
        elif rule.arguments == {"code"}:
            urls.append(rule.rule.replace("<code>", "LES"))
    return list(dict.fromkeys(urls))


def private_links() -> dict[str, str]:
    """What a visitor reaches on a day a call is open, or with a private link: a call of the LES Fonds open
    today, new status links of fund actions (one per state, and the one with questions and answers), and a new
    candidacy for an open project idea. Made through the services and committed, for the live server. Each link
    with a name for its screenshots (a link holds a new token on every run)."""
    finance, les, on = user("finance@example.org"), project("LES"), today()
    fin = actor(finance)
    fund = db.session.scalar(select(Fund).where(Fund.project_id == les.id))
    setup.publish_call(fin, finance, fund, setup.CallData(
        f"{on:%Y}-open", "Grensoverschrijdende uitwisselingen, open oproep", "Een oproep die vandaag open is.",
        on, on + timedelta(days=30), les.start_date, les.end_date, [("Grensoverschrijdende meerwaarde", 100)]))
    actions = {}  # one action in each state that the page shows differently, and one with questions and answers
    for action in db.session.scalars(select(FundAction).where(FundAction.status.in_(STATUS_PAGE_STATES))
                                     .order_by(FundAction.id)):
        actions.setdefault(action.status, action)
    asked = db.session.scalar(select(FundMessage.action_id).order_by(FundMessage.id).limit(1))
    actions["asked"] = db.session.get(FundAction, asked)
    chosen = {a.id: a for a in actions.values()}.values()
    links = {f"/fund/status/{public.renew_link(fin, finance, action)}": f"/fund/status/{action.status.value}"
             + ("-questions" if action.id == asked else "") for action in chosen}
    idea = db.session.scalar(select(ProjectIdea).where(ProjectIdea.status == IdeaStatus.OPEN)
                             .order_by(ProjectIdea.id))
    visitor = Actor(None, "candidate", "192.0.2.30")
    _candidate, token = registration.register(visitor, idea, registration.CandidateData(
        role="participant", org_name="Vrije Basisschool De Horizon", org_country="NL", org_city="Sluis",
        description="Een school die leerlingen begeleidt naar techniek.", contact_name="Ine de Wit",
        contact_email="ine.dewit@horizon.example", consent_publish=True))
    db.session.commit()
    return {**links, f"/ideas/status/{token}": "/ideas/status/candidate"}


def pages_of(app, email: str | None, extra: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    """One URL per pattern that the role reaches, with the status it answers."""
    client = app.test_client()
    if email:
        login(client, email)
    found, patterns = [], set()
    for url, status, _html in crawl(client, [*start_urls(app), *extra], limit=300, per_pattern_limit=2,
                                    per_query_limit=1):
        path, keys = _pattern(url)
        pattern = (re.sub(r"^/projects/[^/]+", "/projects/P", path), keys)  # one project's pages stand for all
        if pattern not in patterns and status != 405:
            patterns.add(pattern)
            found.append((url, status))
    db.session.rollback()  # the crawl shares the test's session: free the database for the live server
    return found


def shot_dir() -> str:
    target = os.environ.get("COFUND_SCREENSHOTS") or str(SCREENSHOTS)
    os.makedirs(target, exist_ok=True)
    return target


def shot_name(email, url, width) -> str:
    who = (email or "anonymous").split("@")[0]
    return f"{who}{re.sub(r'[^A-Za-z0-9]+', '_', url)}-{width}.png"


def serious(results) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("email", ROLES, ids=lambda e: (e or "anonymous").split("@")[0])
def test_every_page_is_accessible_and_fits_the_window(app, browser, live_server, email):
    links = private_links()
    pages = pages_of(app, email, tuple(links) if email is None else ())
    assert len(pages) >= (3 if email is None else 8), pages
    if email is None:  # the application form of the open call (linked from the start page) and each private page
        reached = {url for url, status in pages if status == 200}
        assert any(re.fullmatch(r"/fund/calls/\d+/apply", url) for url in reached), pages
        assert set(links) <= reached and any(re.fullmatch(r"/ideas/\d+/register(\?.*)?", url) for url in reached), pages
    problems, screenshots = [], shot_dir()
    for language, locale in LOCALES.items():
        context = browser.new_context(base_url=live_server, viewport={"width": WIDTHS[0], "height": 900},
                                      locale=locale)
        page = context.new_page()
        if email:
            log_in(page, email)
        for url, status in pages:
            response = page.goto(url)
            assert response.status == status, (url, response.status, status)
            assert page.locator("html").get_attribute("lang") == language, url
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                wide, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if wide > inner:
                    problems.append(f"{language} {width}px {url}: the page is {wide}px wide")
                # axe in Dutch on the desktop, in English on a phone: both layouts, both languages
                if (language, width) in (("nl", 1400), ("en", 390)):
                    problems += [f"{language} {width}px {url}: {v}" for v in serious(_axe.run(page, options=RULES))]
                if language == "nl":
                    page.screenshot(path=os.path.join(screenshots, shot_name(email, links.get(url, url), width)),
                                    full_page=True)
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        context.close()
    assert not problems, "\n".join(problems)
