"""Switching the language in the browser: an English browser gets English pages; the user switches to Dutch
with the button in the page header, and the choice sticks to the user."""
import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def english_page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1400, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def test_an_english_browser_switches_to_dutch_and_the_choice_sticks(english_page, screenshots):
    page = english_page
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Sign in")
    page.screenshot(path=os.path.join(screenshots, "login-en.png"), full_page=True)
    log_in(page, "finance@example.org")
    expect(page.locator("h1")).to_contain_text("Dashboard")  # signing in opens the dashboard
    page.click("#site-nav >> text=Projects")
    expect(page.locator("h1")).to_have_text("Projects")
    page.click("main >> text=Lerende Euregio Scheldemond")
    expect(page.locator("#project-total")).to_have_text("€2,763,165.00")

    page.click("button[value=nl]")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#project-total")).to_have_text("€\xa02.763.165,00")  # the same page, now in Dutch
    expect(page.locator("nav.sub")).to_contain_text("Budgetoverzicht")
    page.click("nav.sub >> text=Declaraties")
    expect(page.locator("h1")).to_contain_text("Declaraties")
    db.session.rollback()
    assert db.session.scalar(select(User.language).where(User.email == "finance@example.org")) == "nl"
    db.session.rollback()
