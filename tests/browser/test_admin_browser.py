"""The issue's walk-through in Chromium: an administrator sets up a new project from nothing (the project, a
reporting period, a partner, its budget uploaded as XLSX, roles for a partner user and a finance officer);
the partner user registers an expenditure and submits a claim; the finance officer certifies it with the
project's own rate; the users of another project see none of it."""
import os

import pytest
from playwright.sync_api import expect

from app.demo import DEMO_TOTP_SECRET
from app.extensions import db
from app.services.accounts import create_user
from app.services.audit import Actor
from app.services.two_factor import enrol_known_secret
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


def test_an_admin_sets_up_a_project_a_partner_claims_and_finance_certifies(page, screenshots, tmp_path):
    # the accounts (their page, /admin/users, has its own browser test); the finance officer with a second factor
    for email, name in (("pp.noord@example.org", "Nina Noord"), ("fo.noord@example.org", "Frank Financiën")):
        made = create_user(Actor.system("test"), email, name, PASSWORD)
    enrol_known_secret(Actor.system("test"), made, DEMO_TOTP_SECRET)
    db.session.commit()
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
    page.goto("/admin/projects/NOORD/roles")
    page.fill("[name=email]", "pp.noord@example.org")
    page.select_option("[name=role]", "partner")
    page.select_option("[name=partner_id]", label="PP1 Hogeschool Noord")
    page.click("#role-form input[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("toegekend")
    page.fill("[name=email]", "fo.noord@example.org")
    page.select_option("[name=role]", "finance_officer")
    page.click("#role-form input[type=submit]")
    expect(page.locator("#admin-roles")).to_contain_text("fo.noord@example.org")
    page.screenshot(path=os.path.join(screenshots, "admin-roles.png"), full_page=True)
    sign_out(page)

    log_in(page, "pp.noord@example.org", PASSWORD)
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

    log_in(page, "fo.noord@example.org", PASSWORD)
    page.goto(claim_url)
    page.click("text=Verificatie starten")
    page.locator("#claim-lines tr:has-text('Studio Noord') input[name=line_ids]").check()
    page.locator("#verify-selected").click()
    expect(page.locator(".flash-success")).to_have_text("1 lijn geverifieerd zonder aftrek.")
    page.click("summary:has-text('Certificeren')")
    page.click("button:has-text('Ja, de declaratie certificeren')")
    expect(page.locator("#claim-status")).to_have_text("gecertificeerd")
    expect(page.locator("#claim-certified")).to_have_text("€\xa01.000,00")
    expect(page.locator("#claim-efro")).to_have_text("€\xa0400,00")  # the project's own rate: 40%
    page.screenshot(path=os.path.join(screenshots, "admin-new-project-certified.png"), full_page=True)
    sign_out(page)

    log_in(page, "partner.howest@example.org")  # a user of another project sees none of it
    assert page.goto("/projects/NOORD").status == 404
    assert page.goto(claim_url).status == 404
