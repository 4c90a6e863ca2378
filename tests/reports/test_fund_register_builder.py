"""The fund register statement on plain data: euro cells that are numbers, dates that are dates, a totals row
that is the sum of its rows, the fund's totals as given, user text that stays text, personal data only when
the data carries it, and every label in the statement's language."""
import io
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pikepdf
import pytest
from openpyxl import load_workbook

from app.models import ActionStatus, OrgType
from reports import labels
from reports.statements import (
    Anchor,
    CheckpointInfo,
    FundFigures,
    FundRegisterStatement,
    Header,
    RegisterLine,
    RegisterScope,
    build,
)
from tests.reports.test_statement_builders import needs_fonts, needs_tool

NOW = datetime(2026, 11, 30, 10, 5, tzinfo=UTC)
HOSTILE = ["=cmd|' /C calc'!A0", "+32 9 000", "-1+1", "@SUM(A1)", "\tTab", "#N/A"]
STATES = [s.value for s in ActionStatus]
TYPES = [t.value for t in OrgType]
MONEY_COLUMNS = ("Requested", "Approved", "Committed", "Paid", "Released", "Still to pay")


def line(i: int, personal: bool = True) -> RegisterLine:
    status = STATES[i % len(STATES)]
    approved = Decimal("1150.00") + i if status in ("approved", "executed", "reported", "closed") else Decimal("0.00")
    paid = (approved * Decimal("0.7")).quantize(Decimal("0.01")) if status in ("executed", "reported", "closed") \
        else Decimal("0.00")
    released = approved - paid if status == "closed" else Decimal("0.00")
    return RegisterLine(
        f"2021-1-{i + 1:03}", "2021-1", HOSTILE[(i // 2) % len(HOSTILE)] if i % 2 else f"Studiebezoek {i}",
        "=cmd" if i == 0 else HOSTILE[i % len(HOSTILE)] if i % 3 == 0 else f"Basisschool {i}",
        TYPES[i % len(TYPES)], "BE" if i % 2 else "NL", status, date(2021, 4, 20), date(2021, 4, 20 + i % 3),
        40 + i, (30 + i) if status in ("reported", "closed") else None, Decimal("1150.00") + i + Decimal("0.01"),
        approved, paid, released, f"Contact {i}" if personal else None,
        f"contact{i}@school.example" if personal else None)


def register(n: int = 23, personal: bool = True, scope: RegisterScope | None = None) -> FundRegisterStatement:
    anchor = Anchor(321, "ab" * 32, CheckpointInfo(321, "ab" * 32, "2026-11-30T10:04:00.000000Z", "0" * 16, "c2ln"))
    header = Header("Interreg Vlaanderen-Nederland", "LES", "Lerende Euregio Scheldemond", NOW, "Aude Auditor",
                    anchor)
    rows = [line(i, personal) for i in range(n)]
    approved = sum((r.approved for r in rows), Decimal("0.00"))
    released = sum((r.released for r in rows), Decimal("0.00"))
    paid = sum((r.paid for r in rows), Decimal("0.00"))
    committed = approved - released
    fund = FundFigures(Decimal("100000.00"), approved, committed, paid, committed - paid, released,
                       Decimal("100000.00") - committed, sum(r.participants_reached or 0 for r in rows),
                       tuple((s, sum(1 for r in rows if r.status == s)) for s in STATES))
    return FundRegisterStatement(header, "LES Fonds", "PP13 Provincie Oost-Vlaanderen", Decimal("5000.00"),
                                 scope or RegisterScope(), personal, rows, fund)


def _sheet(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return book, book.worksheets[0], book.worksheets[1]


def _cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_xlsx_totals_are_the_sums_of_the_rows_and_the_fund_totals_are_the_funds():
    data = register()
    book, summary, sheet = _sheet(build("fund-register", "xlsx", data, "en"))
    head = [c.value for c in sheet[1]]
    n = len(data.rows)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:S{n + 1}"
    assert book.properties.creator == "Aude Auditor" and book.properties.title == "Fund register – LES – LES Fonds"
    assert book.properties.created.replace(tzinfo=UTC) == NOW.replace(tzinfo=UTC)
    totals = [c.value for c in sheet[n + 2]]
    assert totals[0] == f"Total ({n} actions)"
    for name in MONEY_COLUMNS:
        col = head.index(name)
        cells = [sheet.cell(row=r, column=col + 1) for r in range(2, n + 2)]
        assert all(c.data_type == "n" and c.number_format.startswith('"€"') for c in cells), name
        assert _cents(totals[col]) == sum((_cents(c.value) for c in cells), Decimal("0.00")), name
    attr = {"Requested": "requested", "Approved": "approved", "Committed": "committed", "Paid": "paid",
            "Released": "released", "Still to pay": "to_pay"}
    for name, field in attr.items():
        assert _cents(totals[head.index(name)]) == sum((getattr(r, field) for r in data.rows), Decimal("0.00"))
    # the listed actions are the whole fund here, so the totals row equals the fund's totals
    assert _cents(totals[head.index("Committed")]) == data.fund.committed
    assert _cents(totals[head.index("Paid")]) == data.fund.paid
    assert _cents(totals[head.index("Released")]) == data.fund.released
    assert totals[head.index("Participants reached")] == data.fund.participants_reached
    dates = [sheet.cell(row=r, column=head.index("First day") + 1) for r in range(2, n + 2)]
    assert all(c.is_date and c.value.date() == date(2021, 4, 20) for c in dates)
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    for label, value in (("Ceiling", data.fund.ceiling), ("Committed", data.fund.committed),
                         ("Paid", data.fund.paid), ("Available", data.fund.available),
                         ("Released by closed actions", data.fund.released), ("Still to pay", data.fund.to_pay)):
        assert _cents(facts[label]) == value, label
    assert data.fund.ceiling == data.fund.committed + data.fund.available
    assert facts["Participants reached"] == data.fund.participants_reached
    assert facts["Filter: Selection"] == "all actions of the fund"


def test_xlsx_user_text_is_never_a_formula():
    _, _, sheet = _sheet(build("fund-register", "xlsx", register(), "en"))
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    organisation = sheet.cell(row=2, column=4)
    assert organisation.value == "=cmd" and organisation.data_type == "s"
    texts = {c.value for c in cells if c.data_type == "s"}
    assert set(HOSTILE) - {"\tTab"} <= texts  # '=cmd|...', '+32 9 000', '@SUM(A1)', '#N/A' stay text


def test_xlsx_without_personal_data_has_no_contact_columns():
    data = register(personal=False)
    _, summary, sheet = _sheet(build("fund-register", "xlsx", data, "en"))
    head = [c.value for c in sheet[1]]
    assert "Contact person" not in head and "E-mail address" not in head and len(head) == 17
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [v for v in values if "Contact" in v or "@school.example" in v]
    notes = [row[1] for row in summary.iter_rows(values_only=True) if row[1]]
    assert any(str(n).startswith("Without personal data") for n in notes)
    with_contacts = [c.value for c in _sheet(build("fund-register", "xlsx", register(), "en"))[2][1]]
    assert with_contacts[6:8] == ["Contact person", "E-mail address"]


def test_xlsx_names_the_codes_and_the_filters_in_dutch():
    scope = RegisterScope("in_assessment", "2021-1 Grensoverschrijdende uitwisselingen", "NL", "public_body")
    book, summary, sheet = _sheet(build("fund-register", "xlsx", register(scope=scope), "nl"))
    assert book.sheetnames == ["Overzicht", "Acties"]
    head = [c.value for c in sheet[1]]
    assert head[:9] == ["Ref.", "Actie", "Oproep", "Organisatie", "Land", "Soort organisatie", "Contactpersoon",
                        "E-mailadres", "Status"]
    statuses = {sheet.cell(row=r, column=9).value for r in range(2, sheet.max_row)}
    assert statuses == {labels.action_status(s, "nl") for s in STATES} and "in beoordeling" in statuses
    types = {sheet.cell(row=r, column=6).value for r in range(2, sheet.max_row)}
    assert types == {labels.org_type(t, "nl") for t in TYPES} and not types & set(TYPES) - {"school"}
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert facts["Filter: Status"] == "in beoordeling" and facts["Filter: Land"] == "NL"
    assert facts["Filter: Oproep"] == "2021-1 Grensoverschrijdende uitwisselingen"
    assert facts["Filter: Soort organisatie"] == labels.org_type("public_body", "nl") != "public body"
    assert sheet.cell(row=2, column=10).number_format == "DD-MM-YYYY"


def test_every_action_state_and_organisation_type_has_a_label_in_both_languages(app):
    """The page and the statement name them from one table (reports/labels.py)."""
    from flask_babel import force_locale
    for lang in ("nl", "en"):
        with force_locale(lang):
            for member in ActionStatus:
                assert member.label == labels.action_status(member.value, lang) and "_" not in member.label
            for member in OrgType:
                assert member.label == labels.org_type(member.value, lang) and "_" not in member.label
    assert labels.action_status("in_assessment", "nl") == "in beoordeling"
    assert labels.org_type("public_body", "en") == "public body"


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    needs_tool("pdftotext", "poppler-utils")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


ENGLISH_ONLY = ["Fund register", "Requested", "Committed", "Still to pay", "Released by closed actions",
                "Available", "Participants reached", "Managing partner", "Register of actions", "Page 1 of",
                "Audit chain head", "in assessment", "public body", "all actions of the fund"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_register_text_totals_anchor_and_page_numbers(lang, tmp_path):
    needs_fonts()
    from reports import formatting
    data = register(60)
    content = build("fund-register", "pdf", data, lang)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        pages = len(pdf.pages)
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                assert "/FontFile2" in font.FontDescriptor, font.get("/BaseFont")
    text = _pdf_text(content, tmp_path)
    page_word, of = ("Pagina", "van") if lang == "nl" else ("Page", "of")
    assert f"{page_word} 1 {of} {pages}" in text and f"{page_word} {pages} {of} {pages}" in text and pages >= 3
    money = lambda v: formatting.money(v, lang, sign=False)  # noqa: E731
    for field in ("requested", "approved", "committed", "paid", "released"):
        assert money(sum((getattr(r, field) for r in data.rows), Decimal("0.00"))) in text, field
    for value in (data.fund.ceiling, data.fund.committed, data.fund.paid, data.fund.available, data.fund.released):
        assert formatting.money(value, lang).replace("\xa0", " ") in text.replace("\xa0", " ")
    assert ("Kop van de auditketen" if lang == "nl" else "Audit chain head") in text and "ab" * 32 in text
    assert "=cmd (NL)" in text and "contact0@school.example" in text
    heading = "Gevraagd" if lang == "nl" else "Requested"
    assert all(heading in p for p in text.split("\f")[:pages - 1] if "2021-1-0" in p)  # header on every page
    if lang == "nl":
        for english in ENGLISH_ONLY:
            assert english not in text, english
        assert "Fondsregister" in text and "in beoordeling" in text and "alle acties van het fonds" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_without_personal_data_and_with_filters(lang, tmp_path):
    needs_fonts()
    scope = RegisterScope("approved", "2021-1 Uitwisselingen", "BE", "school")
    text = _pdf_text(build("fund-register", "pdf", register(8, personal=False, scope=scope), lang), tmp_path)
    assert "@school.example" not in text and "Contact 1" not in text
    assert ("Zonder persoonsgegevens" if lang == "nl" else "Without personal data") in text
    status_label = labels.action_status("approved", lang)
    assert "Filter: Status" in text and status_label in text and "2021-1 Uitwisselingen" in text
    assert ("Filter: Soort organisatie" if lang == "nl" else "Filter: Type of organisation") in text


def test_an_empty_register_says_so(tmp_path):
    needs_fonts()
    data = register(0, scope=RegisterScope(country="NL"))
    text = _pdf_text(build("fund-register", "pdf", data, "en"), tmp_path)
    assert "No actions match these filters." in text
    _, _, sheet = _sheet(build("fund-register", "xlsx", data, "en"))
    assert sheet.max_row == 2 and sheet.cell(row=2, column=1).value == "Total (0 actions)"
