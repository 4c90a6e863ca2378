"""The issue's walk-through in Chromium: a partner registers expenditures and submits a claim; a finance
officer verifies it with a deduction and a parked line, certifies it, and records the payment."""
import os
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def register(page, supplier, invoice, category, gross, vat, declared, paid="2019-12-10"):
    page.goto("/projects/LES/expenditures/new")
    page.select_option("select[name=category_id]", label=category)
    page.select_option("select[name=period_id]", index=0)
    page.fill("input[name=supplier]", supplier)
    page.fill("input[name=invoice_number]", invoice)
    page.fill("input[name=invoice_date]", "2019-12-01")
    page.fill("input[name=payment_date]", paid)
    page.fill("textarea[name=description]", f"{supplier} {invoice}")
    page.fill("input[name=gross_amount]", gross)
    page.fill("input[name=vat_amount]", vat)
    page.fill("input[name=declared_amount]", declared)
    page.click("input[type=submit]")


def test_partner_submits_finance_verifies_certifies_and_pays(page, screenshots):
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "partner.howest@example.org")
    register(page, "Drukkerij Vanden Broele", "2019/8812", "Kosten voor externe expertise en diensten",
             "2.420,00", "420,00", "2.000,00")
    expect(page.locator(".flash-success")).to_contain_text("geregistreerd")
    register(page, "Kortrijk Xpo", "KX-19-0990", "Kosten voor externe expertise en diensten",
             "1,210.00", "210.00", "1,000.00")  # English notation works too
    register(page, "NMBS", "TK-1", "Reis- en verblijfkosten", "50,00", "0", "50,00", paid="2023-02-01")
    expect(page.locator(".flash-error")).to_contain_text("buiten de subsidiabiliteitsperiode")

    page.goto("/projects/LES/claims")
    page.click("text=Nieuwe declaratie")
    page.check("[data-check-all]")
    page.click("text=Geselecteerde uitgaven toevoegen")
    expect(page.locator("#claim-declared")).to_have_text("3.000,00")
    page.click("text=Declaratie indienen")
    expect(page.locator("#claim-status")).to_have_text("ingediend")
    claim_url = page.url
    page.click("text=Afmelden")

    log_in(page, "finance@example.org")
    page.goto(claim_url)
    page.click("text=Verificatie starten")
    expect(page.locator("#claim-status")).to_have_text("in verificatie")
    first = page.locator("form.line-verify").nth(0)
    first.locator("input[name=deduction]").fill("150,00")
    first.locator("select[name=error_type]").select_option(label="Ontbrekend of onvolledig bewijsstuk")
    first.locator("input[name=comment]").fill("Geen betaalbewijs bij de factuur")
    first.locator("button[value=verify]").click()
    expect(page.locator(".flash-success")).to_have_text("Lijn geverifieerd.")
    page.locator("form.line-verify").nth(1).locator("input[name=comment]").fill("Offerte ontbreekt")
    page.locator("form.line-verify").nth(1).locator("button[value=park]").click()
    expect(page.locator(".flash-success")).to_have_text("Lijn geparkeerd.")
    page.click("text=Certificeren")
    expect(page.locator("#claim-status")).to_have_text("gecertificeerd")
    # 2,000 + 1,000 declared; the Drukkerij line minus 150 certified, the Xpo line parked
    expect(page.locator("#claim-certified")).to_have_text("1.850,00")
    expect(page.locator("#claim-efro")).to_have_text("925,00")
    expect(page.locator("#claim-contribution")).to_have_text("925,00")
    page.screenshot(path=os.path.join(screenshots, "claim-certified.png"), full_page=True)

    page.goto("/projects/LES/payments")
    page.check("[data-check-all]")
    page.click("text=Betaalaanvraag maken")
    expect(page.locator("#requested")).to_have_text("925,00")
    page.fill("input[name=received_date]", date.today().isoformat())
    page.click("button:has-text('Ontvangst boeken')")
    page.fill("input[name=transfer_date]", date.today().isoformat())
    page.fill("#t_amount", "925,00")
    page.click("button:has-text('Doorstorting boeken')")
    expect(page.locator("#transferred")).to_have_text("925,00")
    expect(page.locator("#shares")).to_contain_text("0,00")
    page.screenshot(path=os.path.join(screenshots, "payment.png"), full_page=True)
    page.goto(claim_url)
    expect(page.locator("#claim-status")).to_have_text("betaald")
