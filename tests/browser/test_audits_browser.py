"""The issue's walk-through in Chromium: an auditor records an audit with a finding on a certified line; a
finance officer books a 25% correction; the partner sees what will be recovered; the next payment request
offsets it; the corrections register, the financial report and the partner's statement agree to the cent."""
import io
import os
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import CategoryKind, Claim, ClaimLine, Expenditure, FinancialCorrection, Recovery
from app.services import claims
from app.services.statements.produce import Spec, make
from tests.browser.conftest import log_in
from tests.factories import actor, category, partner, period, project, submitted_claim, user

pytestmark = [pytest.mark.browser, pytest.mark.demo_history]
D = Decimal


def sheet_values(content: bytes, sheet: int) -> list[list]:
    wb = load_workbook(io.BytesIO(content))
    return [[c.value for c in row] for row in wb.worksheets[sheet].iter_rows()]


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(D("0.01"))


def switch(page, email):
    page.context.clear_cookies()
    log_in(page, email)


def test_audit_correction_recovery_offset_and_statements_agree(app, page, screenshots):
    page.on("dialog", lambda dialog: dialog.accept())
    tua = partner("TUA West")
    p1 = db.session.scalar(select(Claim).where(Claim.partner_id == tua.id, Claim.period_id == period(1).id))
    website = db.session.scalar(select(ClaimLine).join(Expenditure).where(
        ClaimLine.claim_id == p1.id, Expenditure.category_id == category(CategoryKind.EXTERNAL).id))
    assert website.certified_amount == D("4800.00")
    # TUA West's period-2 claim, certified (by the services): the next claim to be requested for it
    fin = user("finance@example.org")
    nxt, _ = submitted_claim("TUA West", "partner.tuawest@example.org", period_no=2,
                             lines=[{"amount": "4000.00", "payment_date": date(2020, 6, 10)}])
    claims.start_verification(actor(fin), fin, nxt)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == nxt.id)):
        claims.verify_line(actor(fin), fin, nxt, line.id)
    claims.certify(actor(fin), fin, nxt)
    db.session.commit()
    tua_id, p1_id, p1_total, website_id, nxt_id = tua.id, p1.id, p1.certified_total, website.id, nxt.id
    db.session.remove()  # SQLite: no transaction of the test may hold the database while the server writes

    # 1. The auditor records an audit sampling the website invoice, and a finding on it.
    log_in(page, "auditor@example.org")
    page.goto("/projects/LES/audits")
    new = "form[action$='/audits']"
    page.select_option(f"{new} select[name=body]", "european_commission")
    page.fill("input[name=reference]", "EC-2021-LES")
    page.fill("input[name=started_on]", "2021-02-01")
    page.select_option(f"{new} select[name=status]", "ongoing")
    page.fill("input[name=line_ids]", str(website_id))
    page.click("form[action$='/audits'] button[type=submit]")
    expect(page.locator("h1")).to_contain_text("EC-2021-LES")
    page.fill("input[name=claim_line_id]", str(website_id))
    page.select_option("select[name=error_type]", "procurement")
    page.check("input[name=irregularity]")
    page.fill("textarea[name=description]", "Website gegund zonder mededinging.")
    page.click("form[action$='/findings'] button[type=submit]")
    expect(page.locator(".finding")).to_contain_text("Website gegund zonder mededinging.")
    page.goto(f"/projects/LES/claims/{p1_id}")
    expect(page.locator(f"#line-{website_id}")).to_contain_text("EC-2021-LES")

    # 2. A finance officer books the Commission's 25% on the line.
    switch(page, "finance@example.org")
    page.goto("/projects/LES/audits?body=european_commission")
    page.screenshot(path=os.path.join(screenshots, "audits-finance.png"), full_page=True)
    page.click("text=EC-2021-LES")
    page.click("text=Een financiële correctie boeken")
    page.select_option(".finding select[name=kind]", "line")
    page.fill(".finding input[name=amount]", "1200,00")
    page.fill(".finding textarea[name=comment]", "25% overheidsopdrachten")
    page.click(".finding button[type=submit]")
    expect(page.locator("#corrections")).to_contain_text("-1.200,00")
    correction = db.session.scalar(select(FinancialCorrection).where(FinancialCorrection.partner_id == tua_id))
    assert (correction.total, correction.efro) == (D("-1200.00"), D("-600.00"))
    correction_id = correction.id
    db.session.remove()
    page.screenshot(path=os.path.join(screenshots, "corrections-finance.png"), full_page=True)

    # 3. The partner sees what will be recovered (its own only).
    switch(page, "partner.tuawest@example.org")
    page.goto("/projects/LES/corrections")
    expect(page.locator("#open-recoveries")).to_contain_text("600,00")
    expect(page.locator("body")).not_to_contain_text("Odisee")
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=os.path.join(screenshots, "corrections-partner-390.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})

    # 4. The next payment request offsets it and pays the rest.
    switch(page, "finance@example.org")
    page.goto("/projects/LES/payments")
    page.check(f"input[name=claim_ids][value='{nxt_id}']")
    page.click("summary:has-text('Betaalaanvraag maken')")  # the confirmation step
    page.click("button:has-text('Ja, de betaalaanvraag maken')")
    shares = page.locator("#shares")
    expect(shares).to_contain_text("-600,00")
    expect(shares.locator("td.due")).to_contain_text("1.400,00")
    page.screenshot(path=os.path.join(screenshots, "payment-offset.png"), full_page=True)
    assert db.session.scalar(select(Recovery).where(Recovery.correction_id == correction_id)).outstanding == 0

    # 5. The register, the financial report and the partner's statement agree to the cent.
    les = project()
    register = make(None, les, Spec.parse("corrections-register", "xlsx", "en"), "test")[1]
    nets = {row[0]: row for row in sheet_values(register, 1) if row and isinstance(row[0], str)}
    tua_row = nets["PP1 TUA West"]
    report = make(None, les, Spec.parse("financial-report", "xlsx", "en", at=date.today()), "test")[1]
    report_rows = {row[0]: row for row in sheet_values(report, 1) if row and isinstance(row[0], str)}
    header = next(r for r in sheet_values(report, 1) if r and r[0] == "Partner")
    fr = dict(zip(header, report_rows["PP1 TUA West"], strict=False))
    statement = make(None, les, Spec.parse("certificate", "xlsx", "en", claim=p1_id), "test")[1]
    facts = {row[0]: row[1] for row in sheet_values(statement, 0) if row and row[0]}
    assert cents(fr["Corrected"]) == cents(tua_row[2]) == D("-1200.00")
    assert cents(fr["ERDF corrected"]) == cents(tua_row[5]) == D("-600.00")
    assert cents(fr["Net certified"]) == cents(tua_row[3])
    assert cents(fr["ERDF net"]) == cents(tua_row[6])
    assert cents(facts["Corrected"]) == D("-1200.00") and cents(facts["ERDF corrected"]) == D("-600.00")
    assert cents(facts["Net certified"]) == p1_total - D("1200.00")
    # the next claim's certificate shows the offset the register books against the recovery
    recovery_rows = sheet_values(register, 3)
    head = next(r for r in recovery_rows if r and r[0] == "No.")
    recovery = next(dict(zip(head, r, strict=False)) for r in recovery_rows
                    if r and r[2] == f"correction #{correction_id}")
    nxt_facts = {row[0]: row[1] for row in sheet_values(
        make(None, les, Spec.parse("certificate", "xlsx", "en", claim=nxt_id), "test")[1], 0) if row and row[0]}
    assert cents(recovery["Offset"]) == -cents(nxt_facts["Recovery offset"]) == D("600.00")
    assert cents(recovery["Outstanding"]) == 0
