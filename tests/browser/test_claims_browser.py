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


def invoice_pdf(path):
    from reportlab.pdfgen import canvas
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "Factuur 2019/8812 - Drukkerij Vanden Broele - EUR 2.420,00")
    pdf.save()
    return path


def spreadsheet(path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["Kostencategorie", "Periode", "Interne referentie", "Leverancier", "Factuurnummer", "Factuurdatum",
               "Betaaldatum", "Omschrijving", "Brutobedrag", "Btw", "Btw terugvorderbaar", "Gedeclareerd bedrag"])
    ws.append(["Reis- en verblijfkosten", 1, "HW-T1", "NMBS", "TK-9001", "02-12-2019", "03-12-2019",
               "Trein naar Vlissingen", "48,60", "0", "nee", "48,60"])
    ws.append(["travel", 1, "HW-T2", "De Lijn", "DL-77", "04-12-2019", "04-12-2019", "Bus naar Gent", 21.4, 0,
               "nee", 21.4])
    wb.save(path)
    return path


def test_partner_submits_finance_verifies_certifies_and_pays(page, screenshots, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "partner.howest@example.org")
    register(page, "Drukkerij Vanden Broele", "2019/8812", "Kosten voor externe expertise en diensten",
             "2.420,00", "420,00", "2.000,00")
    expect(page.locator(".flash-success")).to_contain_text("geregistreerd")
    page.set_input_files("input[name=files]", str(invoice_pdf(tmp_path / "factuur 2019-8812.pdf")))
    page.click("button:has-text('Bewijsstukken opladen')")
    expect(page.locator(".flash-success")).to_contain_text("bewijsstuk")
    expect(page.locator("main")).to_contain_text("factuur_2019-8812.pdf")
    page.screenshot(path=os.path.join(screenshots, "expenditure-with-evidence.png"), full_page=True)

    page.goto("/projects/LES/expenditures")
    page.select_option("select[name=partner]", label="PP3 Howest")
    page.click("text=Spreadsheet importeren")
    page.set_input_files("input[type=file]", str(spreadsheet(tmp_path / "reiskosten.xlsx")))
    page.click("input[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("2 uitgaven geïmporteerd")
    register(page, "Kortrijk Xpo", "KX-19-0990", "Kosten voor externe expertise en diensten",
             "1,210.00", "210.00", "1,000.00")  # English notation works too
    register(page, "NMBS", "TK-1", "Reis- en verblijfkosten", "50,00", "0", "50,00", paid="2023-02-01")
    expect(page.locator(".flash-error")).to_contain_text("verbeter de gemarkeerde velden")
    expect(page.locator(".has-error:has(input[name=payment_date]) .error")).to_contain_text(
        "buiten de subsidiabiliteitsperiode")

    page.goto("/projects/LES/claims")
    page.click("text=Nieuwe declaratie")
    page.check("[data-check-all]")
    page.click("text=Geselecteerde uitgaven toevoegen")
    expect(page.locator("#claim-declared")).to_have_text("€\xa03.070,00")  # 2,000 + 1,000 + 48.60 + 21.40
    page.click("summary:has-text('Declaratie indienen')")  # a confirmation step, without JavaScript
    expect(page.locator(".confirm-step")).to_contain_text("ligt de declaratie vast")
    page.click("button:has-text('Ja, de declaratie indienen')")
    expect(page.locator("#claim-status")).to_have_text("ingediend")
    claim_url = page.url
    page.click("text=Afmelden")

    log_in(page, "finance@example.org")
    page.goto(claim_url)
    page.click("text=Verificatie starten")
    expect(page.locator("#claim-status")).to_have_text("in verificatie")
    def verify_form(supplier):
        """A line's own form (deduction, park) opens on request; the page keeps one form for the selection."""
        form = page.locator(f"#claim-lines tr:has-text('{supplier}') + tr.verify-row form")
        if not form.count():
            page.locator(f"#claim-lines tr:has-text('{supplier}') a.verify-open").click()
        return form

    first = verify_form("Drukkerij Vanden Broele")
    first.locator("input[name=deduction]").fill("150,00")
    first.locator("select[name=error_type]").select_option(label="Ontbrekend of onvolledig bewijsstuk")
    first.locator("input[name=comment]").fill("Geen betaalbewijs bij de factuur")
    first.locator("button[value=verify]").click()
    expect(page.locator(".flash-success")).to_have_text("Lijn geverifieerd.")
    verify_form("Kortrijk Xpo").locator("input[name=comment]").fill("Offerte ontbreekt")
    verify_form("Kortrijk Xpo").locator("button[value=park]").click()
    expect(page.locator(".flash-success")).to_have_text("Lijn geparkeerd.")
    for supplier in ("NMBS", "De Lijn"):  # the two imported travel lines are fine: verified as a selection
        page.locator(f"#claim-lines tr:has-text('{supplier}') input[name=line_ids]").check()
    page.locator("#verify-selected").click()
    expect(page.locator(".flash-success")).to_have_text("2 lijnen geverifieerd zonder aftrek.")
    page.click("summary:has-text('Certificeren')")
    page.click("button:has-text('Ja, de declaratie certificeren')")
    expect(page.locator("#claim-status")).to_have_text("gecertificeerd")
    # the Drukkerij line 2,000 minus 150, the travel lines 70.00; the Xpo line parked
    expect(page.locator("#claim-certified")).to_have_text("€\xa01.920,00")
    expect(page.locator("#claim-efro")).to_have_text("€\xa0960,00")
    expect(page.locator("#claim-contribution")).to_have_text("€\xa0960,00")
    page.screenshot(path=os.path.join(screenshots, "claim-certified.png"), full_page=True)

    page.goto("/projects/LES/payments")
    page.check("[data-check-all]")
    page.click("summary:has-text('Betaalaanvraag maken')")
    page.click("button:has-text('Ja, de betaalaanvraag maken')")
    expect(page.locator("#requested")).to_have_text("€\xa0960,00")
    page.fill("input[name=received_date]", date.today().isoformat())
    page.click("summary:has-text('Ontvangst boeken')")
    page.click("button:has-text('Ja, de ontvangst boeken')")
    page.fill("input[name=transfer_date]", date.today().isoformat())
    page.fill("#t_amount", "960,00")
    page.click("summary:has-text('Doorstorting boeken')")
    page.click("button:has-text('Ja, de doorstorting boeken')")
    expect(page.locator("#transferred")).to_have_text("€\xa0960,00")
    expect(page.locator("#shares")).to_contain_text("0,00")
    page.screenshot(path=os.path.join(screenshots, "payment.png"), full_page=True)
    page.goto(claim_url)
    expect(page.locator("#claim-status")).to_have_text("betaald")
