"""Indicators over HTTP: the project page shows the progress as SVG charts with the numbers as a table; a
partner reports a value with evidence, a finance officer accepts it, the progress report's figures follow;
another partner finds neither the report nor its evidence."""
import io
import re
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Indicator, IndicatorReport, ReportStatus
from tests.conftest import csrf_token, login
from tests.factories import partner, period, project
from tests.fund_factories import second_finance_officer
from tests.reports.test_statement_builders import needs_fonts, needs_tool

pytestmark = pytest.mark.demo_history
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def o2() -> Indicator:
    return db.session.scalar(select(Indicator).where(Indicator.project_id == project().id, Indicator.code == "O2"))


def logout(client):
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/projects").get_data(as_text=True))})


def test_the_project_page_shows_each_indicator_as_a_chart_and_a_table(client):
    login(client, "finance@example.org")
    html = client.get("/projects/LES").get_data(as_text=True)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3 and 'role="img"' in html
    o2_section = html[html.index('data-indicator="O2"'):]
    rows = re.findall(r'<tr data-period="(\d)">.*?class="num achieved">([^<]*)<.*?class="num cumulative">([^<]*)<',
                      o2_section[:o2_section.index("</table>")], re.S)
    assert rows[:2] == [("1", "9", "9"), ("2", "8", "17")]
    assert "achter op schema" in o2_section[:o2_section.index("</h3>")]
    assert "<script" not in html[html.index("<main"):]


def test_a_partner_reports_with_evidence_and_a_finance_officer_accepts(client):
    second_finance_officer()
    login(client, "partner.howest@example.org")
    page = client.get(f"/projects/LES/indicators/{o2().id}").get_data(as_text=True)
    assert 'id="report-form"' in page and "Odisee" not in page.split('id="reports"')[1]  # its own reports only
    sent = client.post(f"/projects/LES/indicators/{o2().id}/reports", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "partner_id": str(partner("Howest").id), "period_id": str(period(3).id),
        "value": "7", "explanation": "Zeven stages in Zeeland.", "files": (io.BytesIO(PDF), "stages.pdf")})
    assert sent.status_code == 302
    report = db.session.scalar(select(IndicatorReport).where(IndicatorReport.period_id == period(3).id))
    assert report.status is ReportStatus.SUBMITTED and [d.filename for d in report.documents] == ["stages.pdf"]
    evidence = f"/projects/LES/indicators/reports/{report.id}/evidence/{report.documents[0].id}"
    with client.get(evidence) as download:
        assert download.data == PDF and download.headers["Content-Security-Policy"] == "sandbox"
    logout(client)
    login(client, "partner.odisee@example.org")
    assert client.get(evidence).status_code == 404  # another partner's report: not found
    assert client.post(f"/projects/LES/indicators/reports/{report.id}/accept",
                       data={"csrf_token": csrf_token(client.get("/projects").get_data(as_text=True))}
                       ).status_code == 404
    logout(client)
    login(client, "finance2@example.org", "lang-genoeg-wachtwoord")
    page = client.get(f"/projects/LES/indicators/{o2().id}").get_data(as_text=True)
    assert client.post(f"/projects/LES/indicators/reports/{report.id}/accept",
                       data={"csrf_token": csrf_token(page), "note": ""}).status_code == 302
    db.session.refresh(report)
    assert report.status is ReportStatus.ACCEPTED
    workbook = load_workbook(io.BytesIO(client.get("/projects/LES/indicators/progress.xlsx?lang=en").data))
    rows = {r[2]: r for r in workbook["Per period"].iter_rows(min_row=2, values_only=True) if r[0] == "O2"}
    assert Decimal(str(rows[3][6])) == Decimal(7) and Decimal(str(rows[3][7])) == Decimal(24)
    summary = {r[0]: r for r in workbook["Indicators"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(summary["O2"][7])) == Decimal(24)
    pdf = client.get("/projects/LES/indicators/progress.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("choice", ["y²²²²", "y١٢٣٤", "y20201", "p²", "x1", "y1999"])
def test_a_target_for_no_period_or_year_is_refused_with_a_message(client, choice):
    login(client, "finance@example.org")
    page = client.get(f"/projects/LES/indicators/{o2().id}").get_data(as_text=True)
    response = client.post(f"/projects/LES/indicators/{o2().id}/targets",
                           data={"csrf_token": csrf_token(page), "period_id": choice, "value": "5"},
                           follow_redirects=True)
    assert response.status_code == 200 and 'class="flash flash-error"' in response.get_data(as_text=True)


def test_the_progress_report_pdf_shows_the_accepted_values(client, tmp_path):
    needs_fonts()
    needs_tool("pdftotext", "poppler-utils")
    login(client, "finance@example.org")
    response = client.get("/projects/LES/indicators/progress.pdf?lang=en")
    path = tmp_path / "progress.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    o2 = text[text.index("O2 Grensoverschrijdende stages"):text.index("R1 ")]
    rows = {int(m[0]): m[1:] for m in re.findall(r"Period (\d)\s+\S+ – \S+\s+(\d+)\s+(\d+)\s+(\d+)", o2)}
    assert rows[1] == ("10", "9", "9") and rows[2] == ("10", "8", "17")  # target, achieved, cumulative: accepted only


def edit(client, indicator, **data):
    page = client.get(f"/projects/LES/indicators/{indicator.id}").get_data(as_text=True)
    return client.post(f"/projects/LES/indicators/{indicator.id}/edit", data={"csrf_token": csrf_token(page),
                                                                             **data}, follow_redirects=True)


def test_a_finance_officer_changes_an_indicator_and_the_accepted_values_stay(client):
    login(client, "finance@example.org")
    page = client.get(f"/projects/LES/indicators/{o2().id}").get_data(as_text=True)
    assert 'id="edit-form"' in page and 'value="60,00"' in page
    response = edit(client, o2(), name="Grensoverschrijdende stages", unit="studenten", baseline="2", target="72")
    html = response.get_data(as_text=True)
    assert 'class="flash flash-success"' in html
    db.session.expire_all()
    assert (o2().name, o2().unit, o2().baseline, o2().target) == (
        "Grensoverschrijdende stages", "studenten", Decimal("2.00"), Decimal("72.00"))
    section = html[html.index('data-indicator="O2"'):]
    rows = re.findall(r'<tr data-period="(\d)">.*?class="num achieved">([^<]*)<.*?class="num cumulative">([^<]*)<',
                      section[:section.index("</table>")], re.S)
    assert rows[:2] == [("1", "9", "9"), ("2", "8", "17")]
    trail = client.get("/projects/LES/audit").get_data(as_text=True)
    assert "studenten" in trail and "72" in trail
    again = edit(client, o2(), name="Grensoverschrijdende stages", unit="studenten", baseline="2", target="72")
    assert "Er is niets gewijzigd" in again.get_data(as_text=True)  # the same values: no event, and it says so
    refused = edit(client, o2(), name="", unit="studenten", baseline="2", target="72")
    assert 'class="flash flash-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert o2().name == "Grensoverschrijdende stages"
    for bad in ({"target": "veel"}, {"target": "-3"}, {"baseline": "1,234"}):
        response = edit(client, o2(), **{"name": "X", "unit": "x", "baseline": "0", "target": "1", **bad})
        assert response.status_code == 200 and 'class="flash flash-error"' in response.get_data(as_text=True)
        db.session.expire_all()
        assert o2().name == "Grensoverschrijdende stages"


def test_a_partner_or_an_auditor_cannot_change_an_indicator(client):
    login(client, "partner.howest@example.org")
    page = client.get(f"/projects/LES/indicators/{o2().id}").get_data(as_text=True)
    assert 'id="edit-form"' not in page
    assert client.post(f"/projects/LES/indicators/{o2().id}/edit", data={
        "csrf_token": csrf_token(page), "name": "X", "unit": "x", "baseline": "0", "target": "1"}).status_code == 403
    assert client.post(f"/projects/LES/indicators/{o2().id}/assignments/{partner('Howest').id}/remove",
                       data={"csrf_token": csrf_token(page)}).status_code == 403
    db.session.expire_all()
    assert o2().name == "Grensoverschrijdende stages georganiseerd" and len(o2().assignments) == 2


def test_a_finance_officer_removes_a_partner_from_an_indicator(client):
    login(client, "finance@example.org")
    page = client.get(f"/projects/LES/indicators/{o2().id}").get_data(as_text=True)
    assert 'id="assigned-partners"' in page
    howest = partner("Howest").id
    removed = client.post(f"/projects/LES/indicators/{o2().id}/assignments/{howest}/remove",
                          data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert 'class="flash flash-success"' in removed.get_data(as_text=True)
    db.session.expire_all()
    assert [a.partner.name for a in o2().assignments] == ["Odisee"]
    refused = client.post(f"/projects/LES/indicators/{o2().id}/assignments/{partner('Odisee').id}/remove",
                          data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Odisee" in refused.get_data(as_text=True) and 'class="flash flash-error"' in refused.get_data(as_text=True)
    assert client.post(f"/projects/LES/indicators/{o2().id}/assignments/999999/remove",
                       data={"csrf_token": csrf_token(page)}).status_code == 404
    assert client.post(f"/projects/LES/indicators/{o2().id}/assignments/{howest}/remove",
                       data={"csrf_token": csrf_token(page)}).status_code == 404  # no longer assigned
