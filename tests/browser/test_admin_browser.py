"""The issue's walk-through in Chromium: an administrator sets up a new project from nothing (the project, its
funding source, a reporting period, a partner, its budget uploaded as XLSX, and the accounts of a partner user and
a finance officer with their roles); the partner user chooses a password, registers an expenditure and submits a
claim; the finance officer sets up a second factor and certifies the claim with the project's own source and rate;
the users of another project see none of it."""
import os
import re

import pytest
from playwright.sync_api import expect

from app.services.two_factor import totp
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
PASSWORD = "een-lang-wachtwoord-2026"


def budget_table(path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["Code", "Kostencategorie", "Periode 1"])
    ws.append(["staff", "Personeelskosten", 30000])
    ws.append(["external", "Externe expertise", "12.000,00"])
    ws.append(["travel", "Reizen", 1500.5])
    wb.save(path)
    return path


def sign_out(page):
    page.click("text=Afmelden")


def create_user(page, email, name, role, partner=None) -> str:
    """The admin creates an account on /admin/users with its role in NOORD; returns the temporary password."""
    page.goto("/admin/users")
    page.click("main >> text=Nieuwe gebruiker")
    page.fill("[name=email]", email)
    page.fill("[name=full_name]", name)
    page.select_option("[name=project_id]", label="NOORD – Noorderlicht")
    page.select_option("[name=role]", role)
    if partner:
        page.select_option("[name=partner_id]", label=partner)
    page.click("main input[type=submit]")
    return page.locator("#temporary-password").inner_text().strip()


def first_sign_in(page, email, temporary):
    """Sign in with the temporary password; a finance officer sets up the second factor (the code computed from
    the key the page shows, as an authenticator app would); then the user chooses a password."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", temporary)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/login/enrol"):
        secret = re.sub(r"\s", "", page.locator("#totp-secret").inner_text())
        page.fill("input[name=code]", totp(secret).now())
        page.click("input[type=submit]")
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        page.click("text=Ik heb ze bewaard: verder")
    page.goto("/projects")  # every page but the start page asks for a new password first
    expect(page.locator("h1")).to_have_text("Uw wachtwoord wijzigen")
    page.fill("[name=current]", temporary)
    page.fill("[name=new]", PASSWORD)
    page.fill("[name=repeat]", PASSWORD)
    page.click("main input[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()


def test_an_admin_sets_up_a_project_a_partner_claims_and_finance_certifies(page, screenshots, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "admin@example.org")
    page.goto("/projects")
    page.click("text=Nieuw project inrichten")
    for name, value in (("code", "NOORD"), ("name", "Noorderlicht"), ("programme_code", "PROV-WVL"),
                        ("programme_name", "Provinciaal fonds"), ("start_date", "2024-01-01"),
                        ("end_date", "2025-12-31"), ("eligibility_start", "2024-01-01"),
                        ("eligibility_end", "2026-03-31"), ("cofinancing_rate", "40"),
                        ("efro_ceiling", "20.000,00")):
        page.fill(f"[name={name}]", value)
    page.click("#project-form input[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("aangemaakt")
    # the project is funded by a province at 60%, not by EFRO: its one source, changed on the funding page
    page.goto("/projects/NOORD/funding")
    first = page.locator("#funding-sources tbody tr").first
    first.locator("[name=name]").fill("Provincie Noord")
    first.locator("[name=kind]").select_option("other_public")
    first.locator("[name=rate]").fill("60")
    first.locator("[name=ceiling]").fill("30.000,00")
    page.click("#funding-form button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#rate-total")).to_have_text("60%")
    page.goto("/admin/projects/NOORD")
    page.fill("#period-form [name=start_date]", "2024-01-01")
    page.fill("#period-form [name=end_date]", "2024-12-31")
    page.click("#period-form button")
    expect(page.locator("#admin-periods")).to_contain_text("Periode 1")
    page.click("text=Partner toevoegen")
    page.fill("[name=organisation]", "Hogeschool Noord")
    page.select_option("[name=country]", "NL")
    page.select_option("[name=org_type]", "higher_education")
    page.check("[name=lead]")
    page.fill("[name=contact_name]", "Nina Noord")
    page.fill("[name=contact_email]", "pp.noord@example.org")
    page.click("#partner-form input[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("toegevoegd")
    page.click("text=Budget wijzigen")
    page.set_input_files("#budget-upload input[type=file]", str(budget_table(tmp_path / "budget.xlsx")))
    page.click("#budget-upload input[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("43.500,50")
    expect(page.locator("#partner-total")).to_have_text("€\xa043.500,50")
    partner_password = create_user(page, "pp.noord@example.org", "Nina Noord", "partner",
                                    partner="NOORD: Hogeschool Noord")
    finance_password = create_user(page, "fo.noord@example.org", "Frank Financiën", "finance_officer")
    page.goto("/admin/projects/NOORD/roles")
    expect(page.locator("#admin-roles")).to_contain_text("pp.noord@example.org")
    expect(page.locator("#admin-roles")).to_contain_text("fo.noord@example.org")
    page.screenshot(path=os.path.join(screenshots, "admin-roles.png"), full_page=True)
    sign_out(page)

    first_sign_in(page, "pp.noord@example.org", partner_password)
    page.goto("/projects/NOORD/expenditures/new")
    page.select_option("select[name=category_id]", label="Kosten voor externe expertise en diensten")
    page.select_option("select[name=period_id]", index=0)
    page.fill("input[name=supplier]", "Studio Noord")
    page.fill("input[name=invoice_number]", "SN-2024-7")
    page.fill("input[name=invoice_date]", "2024-05-02")
    page.fill("input[name=payment_date]", "2024-05-20")
    page.fill("textarea[name=description]", "Film over de opleiding")
    page.fill("input[name=gross_amount]", "1.210,00")
    page.fill("input[name=vat_amount]", "210,00")
    page.fill("input[name=declared_amount]", "1.000,00")
    page.click("input[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("geregistreerd")
    page.goto("/projects/NOORD/claims")
    page.click("text=Nieuwe declaratie")
    page.check("[data-check-all]")
    page.click("text=Geselecteerde uitgaven toevoegen")
    page.click("summary:has-text('Declaratie indienen')")  # the confirmation step
    page.click("button:has-text('Ja, de declaratie indienen')")
    expect(page.locator("#claim-status")).to_have_text("ingediend")
    claim_url = page.url
    assert page.goto("/projects/LES").status == 404  # no role in LES
    sign_out(page)

    first_sign_in(page, "fo.noord@example.org", finance_password)
    page.goto(claim_url)
    page.click("text=Verificatie starten")
    page.locator("#claim-lines tr:has-text('Studio Noord') input[name=line_ids]").check()
    page.locator("#verify-selected").click()
    expect(page.locator(".flash-success")).to_have_text("1 lijn geverifieerd zonder aftrek.")
    page.click("summary:has-text('Certificeren')")
    page.click("button:has-text('Ja, de declaratie certificeren')")
    expect(page.locator("#claim-status")).to_have_text("gecertificeerd")
    expect(page.locator("#claim-certified")).to_have_text("€\xa01.000,00")
    expect(page.locator("#claim-efro")).to_have_text("€\xa0600,00")  # the project's own source and rate
    expect(page.locator("main")).to_contain_text("Provincie Noord (60%)")
    page.screenshot(path=os.path.join(screenshots, "admin-new-project-certified.png"), full_page=True)
    sign_out(page)

    log_in(page, "partner.howest@example.org")  # a user of another project sees none of it
    assert page.goto("/projects/NOORD").status == 404
    assert page.goto(claim_url).status == 404
