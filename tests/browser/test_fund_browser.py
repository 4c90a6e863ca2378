"""The LES Fonds in Chromium (locale nl-BE), on the demo: an applicant without an account submits a proposal
to the open call and follows its status; one finance officer assesses it, another approves it; the
managing partner registers its invoice, claims it, and the claim is certified and paid; the register and
the fund's totals add up to the cent, on the page and in the register statement downloaded from it.

The app runs on a demo clock (November 2020, when call 2020-2 is open): the call's rules need actions in the
future inside LES's project period (2019-2022). The clock moves on with real time and the test sets it
forward between the steps, as the days pass in the story."""
import os
import re
import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import ActionStatus, Claim, ClaimStatus, FundAction, FundCall
from app.models.types import clock_at
from app.services.fund import register
from reports.formatting import LOCAL_TZ
from tests.browser.conftest import log_in
from tests.browser.test_claims_browser import invoice_pdf
from tests.factories import project, user
from tests.fund_factories import FIN, FIN2, MANAGER, second_finance_officer

pytestmark = [pytest.mark.browser, pytest.mark.demo_history]
NBSP = "\u00a0"


class Clock:
    """The app's time: a moment of the demo story that moves on with real time."""

    def __init__(self, moment: datetime):
        self.set(moment)

    def set(self, moment: datetime) -> None:
        self.base, self.started = moment, time.monotonic()

    def now(self) -> datetime:
        return self.base + timedelta(seconds=time.monotonic() - self.started)


def local(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock(app):
    """Every request of the live server runs on the demo clock (set before the server starts)."""
    demo = Clock(local(2020, 11, 20))
    inner = app.wsgi_app

    def on_the_demo_clock(environ, start_response):
        with clock_at(demo.now()):
            return inner(environ, start_response)
    app.wsgi_app = on_the_demo_clock
    with clock_at(demo.now()):
        second_finance_officer()  # the demo has one finance officer; the second comes through the services
    yield demo
    app.wsgi_app = inner


@pytest.fixture
def nl_page(browser, clock, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1400, "height": 900}, locale="nl-BE")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def shot(page, screenshots, name):
    page.screenshot(path=os.path.join(screenshots, f"fund-{name}.png"), full_page=True)


def log_out(page):
    """The header also holds the language switcher's buttons: sign out with the sign-out form's own."""
    page.locator("header form[action='/logout'] button").click()
    expect(page.locator("input[name=email]")).to_be_visible()


def test_applicant_to_payment_and_register(nl_page, clock, screenshots, tmp_path):
    page = nl_page
    call_id = db.session.scalar(select(FundCall.id).where(FundCall.code == "2020-2"))
    db.session.rollback()  # the test's reads end their transaction (on SQLite, the server's writes wait for it)
    # 1. An applicant without an account finds the open call on the start page and applies.
    page.goto("/")
    expect(page.locator("#open-calls")).to_contain_text("Grensoverschrijdende uitwisselingen 2021")
    shot(page, screenshots, "start")
    page.click(f"a[href='/fund/calls/{call_id}/apply']")
    page.fill("input[name=org_name]", "Sint-Laurensschool")
    page.select_option("select[name=org_type]", "school")
    page.select_option("select[name=org_country]", "BE")
    page.fill("input[name=org_city]", "Zelzate")
    page.fill("input[name=contact_name]", "An Verstraete")
    page.fill("input[name=contact_email]", "an.verstraete@sintlaurens.example")
    page.fill("input[name='counterparts-0-name']", "Scalda")
    page.select_option("select[name='counterparts-0-country']", "NL")
    page.select_option("select[name='counterparts-0-org_type']", "school")
    page.fill("input[name=title]", "Techniekdag in Vlissingen")
    page.fill("textarea[name=description]", "Veertig leerlingen volgen lessen mechatronica bij Scalda.")
    page.fill("input[name=start_date]", "2021-03-10")
    page.fill("input[name=end_date]", "2021-03-10")
    page.fill("input[name=expected_participants]", "40")
    page.fill("input[name=cost_bus_hire]", "980,00")
    page.fill("input[name=cost_speakers]", "5.000,00")  # too much: the maximum is EUR 5,000 in all
    page.click("#application input[type=submit]")
    expect(page.locator("#estimates .error")).to_contain_text("€\u00a05.000,00")
    page.fill("input[name=cost_speakers]", "250,00")
    shot(page, screenshots, "application-form")
    page.click("#application input[type=submit]")
    expect(page.locator("#action-status")).to_have_text("ingediend")
    status_url = page.url
    assert re.search(r"/fund/status/[A-Za-z0-9_-]{43}$", status_url)
    shot(page, screenshots, "status-submitted")
    action_id = db.session.scalar(select(FundAction.id).where(FundAction.title == "Techniekdag in Vlissingen"))
    db.session.rollback()

    # 2. The first finance officer declares no conflict of interest and scores it.
    log_in(page, FIN)
    page.goto("/projects/LES/fund")
    page.click(f"a[href='/projects/LES/fund/actions/{action_id}']")
    page.fill("#declare input[name=organisation]", "Provincie Oost-Vlaanderen")
    page.click("#declare input[type=submit]")
    for n, score in enumerate(("5", "4", "4", "3")):
        page.locator("#score select").nth(n).select_option(score)
    page.locator("#score input[name^=comment]").first.fill("Sterke samenwerking met Scalda")
    page.click("#score button[type=submit]")
    expect(page.locator("#scores")).to_contain_text("86%")  # (5*40 + 4*30 + 4*20 + 3*10) / 500
    shot(page, screenshots, "assessment")
    log_out(page)

    # 3. Another finance officer declares and approves it at the selection meeting.
    log_in(page, FIN2, "lang-genoeg-wachtwoord")
    page.goto(f"/projects/LES/fund/actions/{action_id}")
    page.fill("#declare input[name=organisation]", "Provincie Oost-Vlaanderen")
    page.click("#declare input[type=submit]")
    page.select_option("#decide select[name=decision]", "approve")
    page.fill("#decide input[name=amount]", "1.180,00")
    page.fill("#decide input[name=meeting_date]", "2020-11-20")
    page.click("#decide input[type=submit]")
    expect(page.locator("#action-status")).to_have_text("goedgekeurd")
    log_out(page)

    # 4. The applicant follows the decision on the private link.
    page.goto(status_url)
    expect(page.locator("#action-status")).to_have_text("goedgekeurd")
    expect(page.locator("#approved-amount")).to_have_text(f"€{NBSP}1.180,00")
    shot(page, screenshots, "status-approved")

    # 5. Two weeks later the managing partner pays the bus deposit and registers the invoice.
    clock.set(local(2020, 12, 2))
    log_in(page, MANAGER)
    page.goto(f"/projects/LES/fund/actions/{action_id}")
    page.click(f"a[href='/projects/LES/fund/actions/{action_id}/invoices/new']")
    page.fill("input[name=supplier]", "Busreizen Van Wiele")
    page.fill("input[name=invoice_number]", "BW-2020-311")
    page.fill("input[name=invoice_date]", "2020-11-27")
    page.fill("input[name=payment_date]", "2020-12-01")
    page.fill("input[name=gross_amount]", "980,00")
    page.fill("input[name=vat_amount]", "0,00")
    page.fill("input[name=declared_amount]", "980,00")
    page.click("input[type=submit]")
    expect(page.locator("#invoice-lines")).to_contain_text("BW-2020-311")
    expect(page.locator("#paid")).to_have_text(f"€{NBSP}980,00")
    page.click("#invoice-lines a[href*='/expenditures/']")  # its evidence, on the expenditure's page
    page.set_input_files("input[name=files]", str(invoice_pdf(tmp_path / "factuur BW-2020-311.pdf")))
    page.click("button:has-text('Bewijsstukken opladen')")
    expect(page.locator("main")).to_contain_text("factuur_BW-2020-311.pdf")

    # 6. After period 3 it claims its small-grants payments of the period.
    clock.set(local(2021, 4, 12))
    page.goto("/projects/LES/claims")
    page.select_option("select[name=period_id]", index=2)
    page.locator("form.filters button[type=submit]").click()
    page.check("[data-check-all]")
    page.locator("button:has-text('Geselecteerde uitgaven toevoegen')").click()
    page.locator("summary:has-text('Declaratie indienen')").click()  # the confirmation step
    page.locator("button:has-text('Ja, de declaratie indienen')").click()
    expect(page.locator("#claim-status")).to_have_text("ingediend")
    claim_url = page.url
    log_out(page)

    # 7. The first finance officer verifies and certifies the claim; the programme pays; shares passed on.
    clock.set(local(2021, 4, 26))
    log_in(page, FIN)
    page.goto(claim_url)
    page.locator("button:has-text('Verificatie starten')").click()
    page.check("#claim-lines [data-check-all]")  # periods 3's small-grants payments, verified as a selection
    page.locator("#verify-selected").click()
    expect(page.locator(".flash-success")).to_have_text("3 lijnen geverifieerd zonder aftrek.")
    page.locator("summary:has-text('Certificeren')").click()  # the confirmation step
    page.locator("button:has-text('Ja, de declaratie certificeren')").click()
    expect(page.locator("#claim-status")).to_have_text("gecertificeerd")
    page.goto("/projects/LES/payments")
    page.check("[data-check-all]")
    page.locator("summary:has-text('Betaalaanvraag maken')").click()  # the confirmation step
    page.locator("button:has-text('Ja, de betaalaanvraag maken')").click()
    requested = page.locator("#requested").inner_text()
    page.fill("input[name=received_date]", "2021-04-26")
    page.locator("summary:has-text('Ontvangst boeken')").click()  # the confirmation step
    page.locator("button:has-text('Ja, de ontvangst boeken')").click()
    page.fill("input[name=transfer_date]", "2021-04-26")
    page.fill("#t_amount", requested.replace("€", "").strip())
    page.locator("summary:has-text('Doorstorting boeken')").click()  # the confirmation step
    page.locator("button:has-text('Ja, de doorstorting boeken')").click()
    page.goto(claim_url)
    expect(page.locator("#claim-status")).to_have_text("betaald")

    # 8. The register and the fund's totals add up to the cent.
    page.goto(f"/projects/LES/fund/actions/{action_id}")
    expect(page.locator("#invoice-lines")).to_contain_text("betaald")
    page.goto("/projects/LES/fund")
    shot(page, screenshots, "register")
    db.session.expire_all()
    reg = register.fund_register(user(FIN), project())
    t = reg.fund

    def amount(selector):
        text = page.locator(selector).inner_text().replace("€", "").replace(NBSP, "").replace(".", "")
        return Decimal(text.replace(",", ".").strip())
    assert amount("#total-ceiling") == t.ceiling == Decimal("150000.00")
    assert amount("#total-committed") == t.committed == amount("#total-paid") + amount("#total-to-pay")
    assert amount("#total-ceiling") == amount("#total-committed") + amount("#total-available")
    assert amount("#total-paid") == t.paid and amount("#total-available") == t.available
    assert amount("#listed-paid") == t.paid and amount("#listed-approved") == t.approved
    assert t.approved == t.committed + t.released
    # the demo's paid invoices (1,120 + 2,750 + 580 + 4,320) and this action's 980.00
    assert t.paid == Decimal("9750.00")
    action = db.session.get(FundAction, action_id)
    assert action.status is ActionStatus.APPROVED and action.approved_amount == Decimal("1180.00")
    claim = db.session.scalar(select(Claim).where(Claim.status == ClaimStatus.PAID).order_by(Claim.id.desc()))
    assert claim.partner.name == "Provincie Oost-Vlaanderen"

    db.session.rollback()  # end the test's read: on SQLite the server's audit of the download waits for it

    # 9. The register as a statement, downloaded from the register page, adds up to the same cents.
    with page.expect_download() as info:
        page.click("#register-downloads a[href*='register.xlsx?lang=nl']")
    download = info.value
    assert re.fullmatch(r"LES_fund-register_\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    download.save_as(tmp_path / download.suggested_filename)
    book = load_workbook(tmp_path / download.suggested_filename)
    facts = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]}
    cents = lambda v: Decimal(str(v)).quantize(Decimal("0.01"))  # noqa: E731
    for label, value in (("Plafond", t.ceiling), ("Vastgelegd", t.committed), ("Betaald", t.paid),
                         ("Beschikbaar", t.available), ("Vrijgemaakt door afgesloten acties", t.released)):
        assert cents(facts[label]) == value, label
    sheet = book.worksheets[1]
    head = [c.value for c in sheet[1]]
    *rows, totals = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == reg.listed.actions and "Contactpersoon" in head  # a finance officer's register
    for name, value in (("Goedgekeurd", t.approved), ("Vastgelegd", t.committed), ("Betaald", t.paid),
                        ("Vrijgemaakt", t.released)):
        column = head.index(name)
        assert sum(cents(r[column]) for r in rows) == cents(totals[column]) == value, name
    with page.expect_download() as info:
        page.click("#register-downloads a[href*='register.pdf?lang=en']")
    assert info.value.suggested_filename.endswith(".pdf")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, screenshots, "register-phone")
