"""Journeys of issue 11 that the other browser tests do not walk: the dashboard on a phone (menu, charts and
their tables, switching the language there), downloading a statement, and the pages without JavaScript (the
menu is simply shown, the confirmation step still stands between a click and a claim that is submitted).
Registering with a file, importing, submitting, verifying, certifying and paying: test_claims_browser.py;
switching the language on the desktop: test_language_browser.py."""
import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.demo_history]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="nl-BE",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_finance_officer_uses_the_dashboard_on_a_phone(phone, screenshots):
    page = phone
    log_in(page, "finance@example.org")
    expect(page.locator("h1")).to_contain_text("Dashboard")
    assert fits(page)
    # the menu is folded behind its button, and opens with it
    toggle = page.locator("button.menu-toggle")
    expect(toggle).to_be_visible()
    expect(page.locator("#site-nav")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-nav >> text=Projecten")).to_be_visible()
    toggle.click()
    expect(page.locator("#site-nav")).to_be_hidden()
    # what waits: Howest's claim in verification, Odisee's repeated bus invoice
    expect(page.locator("#waiting")).to_contain_text("PP3 Howest")
    expect(page.locator("#duplicates")).to_contain_text("Busreizen Van Wiele")
    page.screenshot(path=os.path.join(screenshots, "journey-dashboard-phone.png"), full_page=True)
    # a chart, and its figures as a table behind the toggle
    chart = page.locator("svg#chart-categories")
    expect(chart).to_have_attribute("role", "img")
    box = chart.bounding_box()
    assert box["width"] <= 390 and box["x"] >= 0
    table = page.locator("figure:has(#chart-categories) table")
    expect(table).to_be_hidden()
    page.locator("figure:has(#chart-categories) summary").click()
    expect(table).to_contain_text("Personeelskosten")
    assert fits(page)
    # the waiting claim opens from the dashboard; breadcrumbs lead back
    page.locator("#waiting a").first.click()
    expect(page.locator("nav.breadcrumbs")).to_contain_text("Declaraties")
    assert fits(page)
    page.locator("nav.breadcrumbs >> text=Dashboard").click()
    expect(page.locator("h1")).to_contain_text("Dashboard")
    # switching the language on the phone
    page.click("button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#waiting h2")).to_have_text("Claims waiting for verification")
    expect(page.locator("#dash-budget")).to_have_text("€2,763,165.00")
    assert fits(page)


def test_an_auditor_downloads_a_statement_from_the_dashboard(page, tmp_path):
    log_in(page, "auditor@example.org")
    link = page.locator("#dash-statements a:has-text('PDF')").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename.endswith(".pdf") and target.read_bytes()[:5] == b"%PDF-"
    # and a claim's statement of expenditure as a spreadsheet, from the claim's page
    page.goto("/projects/LES/claims")
    page.locator("#claims a[href*='/claims/']").first.click()
    with page.expect_download() as info:
        page.locator("#statements a:has-text('XLSX')").first.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    # the download is in the audit trail
    page.goto("/")
    expect(page.locator("#recent-events")).to_contain_text("Aude Auditor")


def test_without_javascript_the_menu_shows_and_a_claim_still_asks_for_confirmation(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="nl-BE",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "partner.odisee@example.org")
        expect(page.locator("button.menu-toggle")).to_be_hidden()
        expect(page.locator("#site-nav >> text=Projecten")).to_be_visible()
        assert fits(page)
        page.locator("#my-claims a").first.click()  # Odisee's period-2 draft
        expect(page.locator("#claim-status")).to_have_text("concept")
        submit = page.locator("button:has-text('Ja, de declaratie indienen')")
        expect(submit).to_be_hidden()  # one click does not submit
        page.click("summary:has-text('Declaratie indienen')")
        expect(submit).to_be_visible()
        submit.click()
        expect(page.locator("#claim-status")).to_have_text("ingediend")
    finally:
        context.close()
