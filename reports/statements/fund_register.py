"""The register of a small-grants fund (LES Fonds) as a statement: every action listed with its organisation,
status and amounts, the totals of the listed actions under them, and the fund's own totals (ceiling,
committed, paid, available, released) and the participants reached, in XLSX and PDF, in Dutch and English.

Plain data in: codes (an action's status, a type of organisation) stay codes and are named here in the
statement's language (reports/labels.py). The applicant's contact person is personal data: the app fills it
in only for a user who may see it (``personal_data``); without it the columns are not there at all.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib.units import mm

from .. import formatting, labels
from ..i18n import translator
from .common import titles
from .data import ZERO, Header
from .pdf_doc import build_pdf, money, register_fonts
from .pdf_parts import H2, SMALL, anchor_block, facts, meta, page_frame, para, side_by_side, table, title_block
from .xlsx_sheet import Book, Column, money_sum
from .xlsx_statements import _anchor_facts

Progress = Callable[[int], None] | None
LANDSCAPE_WIDTH = 842 - 2 * 14 * mm


@dataclass(frozen=True, slots=True)
class RegisterLine:
    """One action of the fund. ``approved`` includes recorded overrun decisions and is zero for an action
    that was not approved; ``released`` is what closing it gave back to the fund."""

    reference: str
    call: str
    title: str
    organisation: str
    org_type: str  # code: school, company, institution, association, public_body
    country: str  # BE or NL
    status: str  # code: submitted, in_assessment, approved, rejected, executed, reported, closed
    start_date: date
    end_date: date
    expected_participants: int
    participants_reached: int | None
    requested: Decimal
    approved: Decimal
    paid: Decimal
    released: Decimal
    contact_name: str | None = None  # personal data: None where the reader may not see it
    contact_email: str | None = None

    @property
    def committed(self) -> Decimal:
        return self.approved - self.released

    @property
    def to_pay(self) -> Decimal:
        return self.approved - self.released - self.paid


@dataclass(frozen=True)
class RegisterScope:
    """The register page's filters in force (None: no filter)."""

    status: str | None = None  # code
    call: str | None = None  # "2021-1 Grensoverschrijdende uitwisselingen 2021"
    country: str | None = None
    org_type: str | None = None  # code


@dataclass(frozen=True)
class FundFigures:
    """The whole fund, whatever the filters: ceiling = committed + available; committed = paid + to pay;
    approved = committed + released."""

    ceiling: Decimal
    approved: Decimal
    committed: Decimal
    paid: Decimal
    to_pay: Decimal
    released: Decimal
    available: Decimal
    participants_reached: int
    actions_by_status: tuple[tuple[str, int], ...] = ()  # (status code, number of actions)


@dataclass(frozen=True)
class FundRegisterStatement:
    header: Header
    fund_name: str
    managing_partner: str
    max_per_action: Decimal
    scope: RegisterScope
    personal_data: bool  # whether the contact columns are there
    rows: list[RegisterLine]
    fund: FundFigures


@dataclass(frozen=True)
class Listed:
    """The sums of the listed rows (the totals row under them)."""

    actions: int
    requested: Decimal
    approved: Decimal
    committed: Decimal
    paid: Decimal
    released: Decimal
    to_pay: Decimal
    expected: int
    reached: int


def listed(rows: list[RegisterLine]) -> Listed:
    return Listed(len(rows), money_sum(r.requested for r in rows), money_sum(r.approved for r in rows),
                  money_sum(r.committed for r in rows), money_sum(r.paid for r in rows),
                  money_sum(r.released for r in rows), money_sum(r.to_pay for r in rows),
                  sum(r.expected_participants for r in rows), sum(r.participants_reached or 0 for r in rows))


def scope_lines(scope: RegisterScope, lang: str) -> list[tuple[str, str]]:
    """The filters in force, in words; 'all actions of the fund' without any."""
    _ = translator(lang)
    rows = []
    if scope.status:
        rows.append((_("Status"), labels.action_status(scope.status, lang)))
    if scope.call:
        rows.append((_("Call"), scope.call))
    if scope.country:
        rows.append((_("Country"), scope.country))
    if scope.org_type:
        rows.append((_("Type of organisation"), labels.org_type(scope.org_type, lang)))
    return rows or [(_("Selection"), _("all actions of the fund"))]


def _fund_lines(data: FundRegisterStatement, lang: str) -> list[tuple[str, Decimal | int, str]]:
    _ = translator(lang)
    f = data.fund
    rows = [(_("Ceiling"), f.ceiling, "money"), (_("Committed"), f.committed, "money"), (_("Paid"), f.paid, "money"),
            (_("Still to pay"), f.to_pay, "money"), (_("Released by closed actions"), f.released, "money"),
            (_("Available"), f.available, "money"), (_("Participants reached"), f.participants_reached, "int")]
    rows += [(_("Actions: %(status)s", status=labels.action_status(code, lang)), n, "int")
             for code, n in f.actions_by_status]
    return rows


def _notes(lang: str) -> list[str]:
    _ = translator(lang)
    return [_("Ceiling = committed + available; committed = paid + still to pay. Closing an action releases what "
              "it did not spend. Participants reached: as reported in the final reports."),
            _("The fund's totals cover the whole fund; the totals row under the actions covers the listed actions.")]


def _without_personal_data(lang: str) -> str:
    _ = translator(lang)
    return _("Without personal data: the contact persons of applicants are shown to the fund's finance officers, "
             "administrators and auditors, and to the managing partner for the actions it pays for.")


def _subject(data: FundRegisterStatement) -> str:
    return data.fund_name


# XLSX ---------------------------------------------------------------------------------------------------

def fund_register_xlsx(data: FundRegisterStatement, lang: str, progress: Progress = None) -> bytes:
    _ = translator(lang)
    header = data.header
    book = Book(lang, f"{titles(lang)['fund-register']} – {header.project_code} – {_subject(data)}",
                header.generated_by, header.generated_at)
    facts_rows = [(_("Programme"), header.programme, "text"),
                  (_("Project"), f"{header.project_code} – {header.project_name}", "text"),
                  (_("Fund"), data.fund_name, "text"), (_("Managing partner"), data.managing_partner, "text"),
                  (_("Maximum per action"), data.max_per_action, "money")]
    facts_rows += [(_("Filter: %(name)s", name=label), value, "text") for label, value in scope_lines(data.scope, lang)]
    facts_rows += _fund_lines(data, lang)
    facts_rows += [(_("Note") if i == 0 else "", text, "text") for i, text in enumerate(_notes(lang))]
    if not data.personal_data:
        facts_rows.append(("", _without_personal_data(lang), "text"))
    book.facts(_("Summary"), titles(lang)["fund-register"], facts_rows + _anchor_facts(header, lang))
    columns = [Column(_("Ref."), width=12), Column(_("Action"), width=40), Column(_("Call")),
               Column(_("Organisation"), width=32), Column(_("Country"), width=8),
               Column(_("Type of organisation"))]
    if data.personal_data:
        columns += [Column(_("Contact person")), Column(_("E-mail address"))]
    columns += [Column(_("Status")), Column(_("First day"), "date"), Column(_("Last day"), "date"),
                Column(_("Requested"), "money"), Column(_("Approved"), "money"), Column(_("Committed"), "money"),
                Column(_("Paid"), "money"), Column(_("Released"), "money"), Column(_("Still to pay"), "money"),
                Column(_("Expected participants"), "int"), Column(_("Participants reached"), "int")]

    def row(r: RegisterLine) -> list:
        cells = [r.reference, r.title, r.call, r.organisation, r.country, labels.org_type(r.org_type, lang)]
        if data.personal_data:
            cells += [r.contact_name or "", r.contact_email or ""]
        return cells + [labels.action_status(r.status, lang), r.start_date, r.end_date, r.requested, r.approved,
                        r.committed, r.paid, r.released, r.to_pay, r.expected_participants, r.participants_reached]
    t = listed(data.rows)
    blanks = [None] * (7 if data.personal_data else 5)
    totals = [_("Total (%(count)s actions)", count=t.actions), *blanks, None, None, None, t.requested, t.approved,
              t.committed, t.paid, t.released, t.to_pay, t.expected, t.reached]
    book.table(_("Actions"), columns, [row(r) for r in data.rows], totals, progress)
    return book.save()


# PDF ----------------------------------------------------------------------------------------------------

def _dates(r: RegisterLine, lang: str) -> str:
    first = formatting.day(r.start_date, lang)
    return first if r.end_date == r.start_date else f"{first} –\n{formatting.day(r.end_date, lang)}"


def fund_register_pdf(data: FundRegisterStatement, lang: str, progress: Progress = None) -> bytes:
    register_fonts()
    _ = translator(lang)
    width, header = LANDSCAPE_WIDTH, data.header
    subject = _subject(data)
    story = title_block("fund-register", header, subject, lang)
    about = [(_("Fund"), data.fund_name), (_("Managing partner"), data.managing_partner),
             (_("Maximum per action"), formatting.money(data.max_per_action, lang))]
    about += [(_("Filter: %(name)s", name=label), value) for label, value in scope_lines(data.scope, lang)]
    totals = [(label, formatting.money(v, lang) if kind == "money" else formatting.number(v, lang))
              for label, v, kind in _fund_lines(data, lang)]
    half = (width - 6 * mm) / 2
    story += [side_by_side(facts(about, half, 0.36), facts(totals, half, 0.5), width)]
    story += [para(text, SMALL) for text in _notes(lang)]
    heads = [_("Ref."), _("Action"), _("Call"), _("Organisation"), _("Type of organisation"), _("Status"),
             _("Dates"), _("Requested (€)"), _("Approved (€)"), _("Committed (€)"), _("Paid (€)"),
             _("Released (€)"), _("Participants (expected / reached)")]
    widths = [w * mm for w in (17, 36, 11, 42, 18, 20, 17, 19, 20, 19, 19, 20, 20)]
    widths = [w * width / sum(widths) for w in widths]

    def organisation(r: RegisterLine) -> str:
        text = f"{r.organisation} ({r.country})"
        if data.personal_data and (r.contact_name or r.contact_email):
            text += "\n" + ", ".join(t for t in (r.contact_name, r.contact_email) if t)
        return text

    def rows():
        for r in data.rows:
            reached = "–" if r.participants_reached is None else formatting.number(r.participants_reached, lang)
            yield [r.reference, r.title, r.call, organisation(r), labels.org_type(r.org_type, lang),
                   labels.action_status(r.status, lang), _dates(r, lang), money(r.requested, lang),
                   money(r.approved, lang) if r.approved else "", money(r.committed, lang) if r.committed else "",
                   money(r.paid, lang) if r.paid else "", money(r.released, lang) if r.released else "",
                   f"{formatting.number(r.expected_participants, lang)} / {reached}"]
    t = listed(data.rows)
    sums = [_("Total"), _("%(count)s actions", count=formatting.number(t.actions, lang)), "", "", "", "", "",
            *(money(v, lang) for v in (t.requested, t.approved, t.committed, t.paid, t.released)),
            f"{formatting.number(t.expected, lang)} / {formatting.number(t.reached, lang)}"]
    story += [para(_("Register of actions"), H2)]
    if data.rows:
        story += table(heads, widths, rows(), list(range(7, 13)), sums, wrap=[1, 3, 4, 5], progress=progress)
    else:
        story.append(para(_("No actions match these filters."), SMALL))
    if not data.personal_data:
        story.append(para(_without_personal_data(lang), SMALL))
    story.append(anchor_block(header, lang))
    return build_pdf(page_frame("fund-register", header, subject, lang), story,
                     meta("fund-register", header, subject, lang))


__all__ = ["FundFigures", "FundRegisterStatement", "Listed", "RegisterLine", "RegisterScope", "ZERO",
           "fund_register_pdf", "fund_register_xlsx", "listed", "scope_lines"]
