"""The second factor in Chromium: the admin signs in with a code (the demo secret), opens the users page, and a
partner sets up the optional second factor from the QR code's page."""
import os
import re

import pytest
from playwright.sync_api import expect

from app.services import two_factor
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_the_admin_signs_in_with_a_code_and_manages_users(page, screenshots):
    page.goto("/login")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", "cofund-demo-2026")
    page.click("input[type=submit]")
    expect(page.locator("h1")).to_have_text("Tweede factor")
    page.screenshot(path=os.path.join(screenshots, "second-factor.png"), full_page=True)
    page.goto("/projects")  # no way round the code
    expect(page.locator("h1")).to_have_text("Aanmelden")
    log_in(page, "admin@example.org")
    page.click("header >> text=Gebruikers")
    expect(page.locator("h1")).to_have_text("Gebruikers")
    expect(page.locator("#users")).to_contain_text("partner.howest@example.org")
    page.screenshot(path=os.path.join(screenshots, "users-1400.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=os.path.join(screenshots, "users-390.png"), full_page=True)


def test_a_partner_sets_up_the_second_factor_from_the_qr_page(page, screenshots):
    log_in(page, "partner.howest@example.org")
    page.click("header >> text=Hanne Howest")
    page.click("text=Uw tweede factor instellen")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    page.screenshot(path=os.path.join(screenshots, "enrol.png"), full_page=True)
    secret = re.sub(r"\s", "", page.locator("#totp-secret").inner_text())
    page.fill("input[name=code]", two_factor.totp(secret).now())
    page.click("input[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.screenshot(path=os.path.join(screenshots, "recovery-codes.png"), full_page=True)
