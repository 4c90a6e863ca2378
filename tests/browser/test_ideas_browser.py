"""Project ideas and indicators in Chromium (locale nl-BE), on the demo: a visitor without an account puts
its organisation forward as candidate lead partner for the Limburg idea and sees it listed once the office
has accepted it; an administrator turns the idea into a project with that candidate as lead partner; a
partner reports progress on an indicator with evidence and a finance officer accepts it."""
import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import IdeaCandidate, Partner, Project, ProjectIdea
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.demo_history]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def read(statement):
    """A value from the database, the read transaction ended at once: on SQLite every transaction holds the
    write lock, which the live server needs."""
    try:
        return db.session.scalar(statement)
    finally:
        db.session.rollback()


def log_out(page):
    page.get_by_role("button", name="Afmelden").click()


def test_a_visitor_becomes_lead_partner_of_the_project_the_idea_becomes(page, screenshots):
    page.goto("/")
    page.get_by_role("link", name="Vroegtijdige schoolverlating in het beroepsonderwijs").click()
    expect(page.locator("#candidates")).to_contain_text("Kenniscentrum Industrie-Onderwijs vzw")
    page.get_by_role("link", name="U wilt trekken").click()
    expect(page.locator("select[name=role]")).to_have_value("lead")
    page.fill("input[name=org_name]", "Technicum Noord-Limburg")
    page.select_option("select[name=org_country]", "BE")
    page.fill("input[name=org_city]", "Lommel")
    page.fill("textarea[name=description]", "Technische school die het project wil trekken.")
    page.fill("input[name=contact_name]", "An Claes")
    page.fill("input[name=contact_email]", "an.claes@technicum.example")
    page.check("input[name=consent_publish]")
    page.screenshot(path=os.path.join(screenshots, "idea-register.png"), full_page=True)
    page.get_by_role("button", name="Mijn organisatie kandidaat stellen").click()
    expect(page.locator("#candidate-status")).to_have_text("wacht op het bureau")
    status_url = page.url
    idea_page = page.url.split("/status/")[0]
    idea_id = read(select(ProjectIdea.id).where(ProjectIdea.title.like("Vroegtijdige%")))
    page.goto(f"/ideas/{idea_id}")
    expect(page.locator("#candidates")).not_to_contain_text("Technicum Noord-Limburg")

    log_in(page, "finance@example.org")
    page.get_by_role("link", name="Projectideeën").click()
    page.get_by_role("link", name="Vroegtijdige schoolverlating in het beroepsonderwijs").click()
    row = page.locator("#office-candidates tr", has_text="Technicum Noord-Limburg")
    expect(row).to_contain_text("an.claes@technicum.example")
    row.get_by_role("button", name="Aanvaarden en publiceren").click()
    expect(page.locator(".flash-success")).to_contain_text("Technicum Noord-Limburg")
    log_out(page)

    page.goto(f"/ideas/{idea_id}")
    expect(page.locator("#candidates")).to_contain_text("Technicum Noord-Limburg")
    expect(page.locator("#candidates")).to_contain_text("kandidaat-hoofdpartner")
    expect(page.locator("main")).not_to_contain_text("an.claes")
    page.screenshot(path=os.path.join(screenshots, "idea-public.png"), full_page=True)
    page.goto(status_url)
    expect(page.locator("#candidate-status")).to_have_text("aanvaard")
    assert idea_page.endswith("/ideas")

    log_in(page, "admin@example.org")
    page.goto(f"/office/ideas/{idea_id}")
    page.get_by_role("link", name="Van het idee een project maken").click()
    page.fill("input[name=code]", "VSL")
    page.fill("input[name=start_date]", "2021-01-01")
    page.fill("input[name=end_date]", "2022-12-31")
    page.fill("input[name=efro_ceiling]", "250.000,00")
    candidate_id = read(select(IdeaCandidate.id).where(IdeaCandidate.org_name == "Technicum Noord-Limburg"))
    page.select_option("select[name=lead]", str(candidate_id))
    page.screenshot(path=os.path.join(screenshots, "idea-convert.png"), full_page=True)
    page.get_by_role("button", name="Van het idee een project maken").click()
    expect(page.locator("h1")).to_contain_text("VSL")
    expect(page.locator("#budget-by-category")).to_contain_text("PP1 Technicum Noord-Limburg")
    db.session.expire_all()
    project = db.session.scalar(select(Project).where(Project.code == "VSL"))
    lead = db.session.scalar(select(Partner).where(Partner.project_id == project.id, Partner.is_lead))
    assert lead.name == "Technicum Noord-Limburg"
    assert db.session.get(ProjectIdea, idea_id).project_id == project.id
    assert db.session.get(IdeaCandidate, candidate_id).partner_id == lead.id
    db.session.rollback()


def test_a_partner_reports_progress_and_a_finance_officer_accepts_it(page, screenshots, tmp_path):
    evidence = tmp_path / "stages-periode-3.pdf"
    evidence.write_bytes(PDF)
    log_in(page, "partner.howest@example.org")
    page.goto("/projects/LES")
    page.get_by_role("link", name="Indicatoren").first.click()
    page.get_by_role("link", name="O2 Grensoverschrijdende stages georganiseerd").click()
    page.select_option("select[name=period_id]", label="Periode 3 (10/2020–03/2021)")
    page.fill("input[name=value]", "7")
    page.fill("textarea[name=explanation]", "Zeven stages in Zeeland.")
    page.set_input_files("input[name=files]", str(evidence))
    page.get_by_role("button", name="Rapportering versturen").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#indicator-reports")).to_contain_text("stages-periode-3.pdf")
    log_out(page)

    log_in(page, "finance@example.org")
    page.goto("/projects/LES/indicators")
    page.get_by_role("link", name="O2 Grensoverschrijdende stages georganiseerd").click()
    row = page.locator("#indicator-reports tr", has_text="Zeven stages in Zeeland")
    row.get_by_role("button", name="Aanvaarden").click()
    expect(page.locator(".flash-success")).to_contain_text("aanvaard")
    period3 = page.locator("#indicator-O2 tr[data-period='3']")
    expect(period3.locator(".achieved")).to_have_text("7")
    expect(period3.locator(".cumulative")).to_have_text("24")
    page.screenshot(path=os.path.join(screenshots, "indicator-accepted.png"), full_page=True)
    # the dashboard shows the same accepted figures, and fits a phone
    page.goto("/?project=LES")
    o2 = page.locator("#indicator-summary tr[data-indicator='O2']")
    expect(o2.locator(".achieved")).to_have_text("24")
    page.locator("figure[data-indicator='O2'] summary").click()
    expect(page.locator("figure[data-indicator='O2'] tr[data-period='3'] .cumulative")).to_have_text("24")
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#indicator-progress").screenshot(path=os.path.join(screenshots, "dashboard-indicators-390.png"))


def test_a_partner_sees_its_own_indicators_on_the_dashboard_on_a_phone(page, screenshots):
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, "partner.howest@example.org")
    page.goto("/?project=LES")
    expect(page.locator("#indicator-summary tbody tr")).to_have_count(1)
    expect(page.locator("#indicator-summary")).to_contain_text("O2 Grensoverschrijdende stages georganiseerd")
    expect(page.locator("#indicator-progress")).not_to_contain_text("Odisee")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=os.path.join(screenshots, "dashboard-partner-390.png"), full_page=True)


def test_a_candidate_withdraws_consent_and_candidacy_by_its_private_link(page, screenshots):
    idea_id = read(select(ProjectIdea.id).where(ProjectIdea.title.like("Vroegtijdige%")))
    page.goto(f"/ideas/{idea_id}/register?role=participant")
    page.fill("input[name=org_name]", "Scholengroep Maasland")
    page.select_option("select[name=org_country]", "BE")
    page.fill("textarea[name=description]", "Denkt mee over stages.")
    page.fill("input[name=contact_name]", "Bart Maes")
    page.fill("input[name=contact_email]", "bart.maes@maasland.example")
    page.check("input[name=consent_publish]")
    page.get_by_role("button", name="Mijn organisatie kandidaat stellen").click()
    status_url = page.url
    page.click("summary:has-text('Mijn toestemming tot publicatie intrekken')")
    page.click("button:has-text('Ja, mijn toestemming intrekken')")
    expect(page.locator(".flash-success")).to_contain_text("toestemming")
    expect(page.locator("#candidate-published")).to_contain_text("u trok uw toestemming in")
    page.click("summary:has-text('Mijn kandidatuur intrekken')")
    page.click("button:has-text('Ja, mijn kandidatuur intrekken')")
    expect(page.locator("#candidate-status")).to_have_text("ingetrokken door de kandidaat")
    expect(page.locator("#withdraw")).to_have_count(0)
    page.screenshot(path=os.path.join(screenshots, "idea-withdrawn.png"), full_page=True)
    assert page.url == status_url
    candidate = db.session.scalar(select(IdeaCandidate).where(IdeaCandidate.org_name == "Scholengroep Maasland"))
    assert candidate.withdrawn and not candidate.consent_publish and candidate.contact_name == "Bart Maes"
    db.session.rollback()
