"""Every page, as every role and a visitor without an account, in both languages, in Chromium:

- axe-core (axe-playwright-python) finds no serious or critical violation of WCAG 2.1 A/AA;
- the page is never wider than the window, at 1,400 px and at 390 px
  (``document.documentElement.scrollWidth <= innerWidth``): wide tables scroll inside their own box;
- a screenshot of each page at both widths is saved (COFUND_SCREENSHOTS, else artifacts/screenshots).

The pages are found, not listed: the routes of the app that take no argument or only a project code, and
every page linked from them (tests/web/crawl.py), one page per URL pattern and role; so pages that other
areas add are checked as soon as a role reaches them.
"""
from __future__ import annotations

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from app.services import history  # noqa: F401  (the services before the crawl, which imports a part of them)
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.conftest import login
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


def pages_of(app, email: str | None) -> list[tuple[str, int]]:
    """One URL per pattern that the role reaches, with the status it answers."""
    client = app.test_client()
    if email:
        login(client, email)
    found, patterns = [], set()
    for url, status, _html in crawl(client, start_urls(app), limit=300, per_pattern_limit=2, per_query_limit=1):
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
    pages = pages_of(app, email)
    assert len(pages) >= (3 if email is None else 8), pages
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
                    page.screenshot(path=os.path.join(screenshots, shot_name(email, url, width)), full_page=True)
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        context.close()
    assert not problems, "\n".join(problems)
