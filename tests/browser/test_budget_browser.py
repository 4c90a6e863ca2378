import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_finance_officer_sees_les_overview_and_edits_a_budget_line(page, screenshots):
    log_in(page, "finance@example.org")
    expect(page.locator("h1")).to_contain_text("Dashboard")  # signing in opens the dashboard
    page.click("#site-nav >> text=Projecten")
    expect(page.locator("h1")).to_have_text("Projecten")
    page.click("main >> text=Lerende Euregio Scheldemond")
    expect(page.locator("#project-total")).to_have_text("€\xa02.763.165,00")
    expect(page.locator("#project-efro")).to_have_text("€\xa01.381.582,00")
    expect(page.locator("#budget-by-category tbody tr")).to_have_count(15)
    page.screenshot(path=os.path.join(screenshots, "les-overview.png"), full_page=True)

    page.click("#budget-by-category >> text=PP3 Howest")
    expect(page.locator("#partner-total")).to_have_text("€\xa0198.500,00")
    expect(page.locator("text=Budgetlijn wijzigen")).to_have_count(0)  # LES has started: a modification
    page.click("text=Afmelden")

    log_in(page, "admin@example.org")  # the administrator records the change as a project modification
    page.goto("/projects/LES")
    page.click("nav.sub >> text=Beheer")
    page.click("#admin-partners >> text=PP3 Howest")
    page.click("text=Budget wijzigen")
    page.locator("#budget-grid tbody tr").first.locator("input").first.fill("1,00")
    page.fill("[name=reason]", "Minder personeel in periode 1")
    page.fill("#budget-form [name=approved_on]", "2019-10-01")
    page.click("#budget-form input[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("Het budget is opgeslagen.")
    expect(page.locator("h1")).to_contain_text("Budgetversie 2")
    expect(page.locator("#version-total")).not_to_have_text("€\xa02.763.165,00")
    page.screenshot(path=os.path.join(screenshots, "les-version-2.png"), full_page=True)
    page.goto("/admin/projects/LES/versions/1/diff/2")
    expect(page.locator("#diff-lines tbody tr")).to_have_count(1)
    page.screenshot(path=os.path.join(screenshots, "les-diff.png"), full_page=True)


def test_refused_budget_change_shows_the_reason(page):
    log_in(page, "admin@example.org")
    page.goto("/admin/projects/LES")
    page.click("#admin-partners >> text=PP2 Odisee")
    page.click("text=Budget wijzigen")
    page.locator("#budget-grid tbody tr").first.locator("input").first.fill("5.000.000,00")
    page.fill("[name=reason]", "Te veel")
    page.fill("#budget-form [name=approved_on]", "2019-10-01")
    page.click("#budget-form input[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text("totaal van EFRO in het project")


def test_partner_sees_only_its_own_budget(page, screenshots):
    log_in(page, "partner.odisee@example.org")
    page.goto("/projects/LES")
    expect(page.locator("#budget-by-category tbody tr")).to_have_count(1)
    expect(page.locator("#budget-by-category tbody tr")).to_contain_text("Odisee")
    expect(page.locator("#project-total")).to_have_text("€\xa02.763.165,00")
    page.screenshot(path=os.path.join(screenshots, "odisee-overview.png"), full_page=True)
    response = page.goto("/projects/LES/partners/1")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Niet gevonden")
