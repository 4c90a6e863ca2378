"""The portfolio in Chromium: a finance officer opens /portfolio, sorts it by budget, and downloads its XLSX, whose
figures and totals equal the projects' own financial reports at the date, to the cent."""
import os
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app.services.statements.project import financial_report
from reports.statements import Anchor, Header
from tests.browser.conftest import log_in
from tests.factories import project

pytestmark = [pytest.mark.browser, pytest.mark.demo_history]
HEADER = Header("P", "X", "X", datetime(2026, 1, 1, tzinfo=UTC), "test", Anchor(0, "0" * 64))
COLUMNS = {"Budget": "budget", "Gedeclareerd": "declared", "Gecertificeerd": "certified", "Betaald": "paid"}
CENT = Decimal("0.01")


def own_report(code: str, at: date) -> dict[str, Decimal]:
    partners = financial_report(project(code), at, HEADER).partners
    return {field: sum((getattr(r, field) for r in partners), Decimal(0)) for field in COLUMNS.values()}


def test_the_portfolio_sorts_and_its_xlsx_totals_are_the_projects_own_reports(page, screenshots, tmp_path):
    log_in(page, "finance@example.org")
    page.goto("/portfolio")
    page.click("#portfolio thead a:has-text('Budget')")  # ascending
    page.click("#portfolio thead a:has-text('Budget')")  # then descending
    expect(page.locator("#portfolio th[aria-sort=descending]")).to_contain_text("Budget")
    codes = page.locator("#portfolio tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert codes == ["LES", "OOST", "ICT", "LLL"]
    page.screenshot(path=os.path.join(screenshots, "portfolio-sorted.png"), full_page=True)
    at = date.fromisoformat(page.locator("input[name=at]").input_value())
    with page.expect_download() as download:
        page.click("#portfolio-xlsx")
    assert download.value.suggested_filename == f"Cofund-portfolio-{at.isoformat()}.xlsx"
    download.value.save_as(tmp_path / download.value.suggested_filename)
    sheet = load_workbook(tmp_path / download.value.suggested_filename).worksheets[1]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header, body, total = values[0], values[1:-1], values[-1]
    reports = {code: own_report(code, at) for code in codes}
    assert sorted(r[0] for r in body) == sorted(codes)
    for label, field in COLUMNS.items():
        column = header.index(label)
        for row in body:
            assert Decimal(str(row[column])).quantize(CENT) == reports[row[0]][field], (row[0], field)
        assert Decimal(str(total[column])).quantize(CENT) == sum(r[field] for r in reports.values()), field
