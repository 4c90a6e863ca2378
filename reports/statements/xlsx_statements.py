"""The four statements as XLSX workbooks: a sheet of facts, then one sheet per table."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import chain, islice

from .. import formatting, labels
from ..i18n import translator
from .common import (
    anchor_lines,
    category_name,
    efro_label,
    flat_rate_text,
    generated_line,
    partner_label,
    period_text,
    scope_lines,
    titles,
)
from .data import (
    AuditExtract,
    Certificate,
    ClaimInfo,
    ClaimStatement,
    FinancialReport,
    FinancialRow,
    Header,
    Tally,
    absorption,
)
from .xlsx_sheet import Book, Column, money_sum, money_total

Progress = Callable[[int], None] | None
SAMPLE = 2000  # rows that column widths are fitted to


def _book(kind: str, header: Header, lang: str, subject: str) -> Book:
    title = f"{titles(lang)[kind]} – {header.project_code} – {subject}" if subject else \
        f"{titles(lang)[kind]} – {header.project_code}"
    return Book(lang, title, header.generated_by, header.generated_at)


def _header_facts(header: Header, lang: str) -> list[tuple[str, object, str]]:
    _ = translator(lang)
    return [(_("Programme"), header.programme, "text"),
            (_("Project"), f"{header.project_code} – {header.project_name}", "text")]


def _anchor_facts(header: Header, lang: str) -> list[tuple[str, object, str]]:
    _ = translator(lang)
    rows = [(_("Generated"), generated_line(header, lang), "text")]
    anchor = anchor_lines(header.anchor, lang)
    rows += [(_("Audit chain") if i == 0 else "", text, "text") for i, text in enumerate(anchor)]
    return rows


def _claim_facts(claim: ClaimInfo, lang: str) -> list[tuple[str, object, str]]:
    _ = translator(lang)
    return [
        (_("Partner"), partner_label(claim.partner_number, claim.partner_name), "text"),
        (_("Reporting period"), period_text(claim, lang), "text"),
        (_("Claim number"), claim.claim_id, "int"),
        (_("Status"), labels.claim_status(claim.status, lang), "text"),
        (_("Created"), claim.created_at, "datetime"),
        (_("Submitted"), claim.submitted_at, "datetime"),
        (_("Submitted by"), claim.submitted_by or "–", "text"),
        (_("Verifier"), claim.verifier or "–", "text"),
        (_("Certified"), claim.certified_at, "datetime"),
        (_("Certified by"), claim.certified_by or "–", "text"),
    ]


def _claim_figures(claim: ClaimInfo, lang: str) -> list[tuple[str, object, str]]:
    _ = translator(lang)
    rows = [
        (efro_label("ERDF co-financing rate", claim.fund_name, lang), claim.rate / 100, "percent"),
        (_("Declared (cost categories, flat rates included)"), claim.declared, "money"),
        (_("Certified"), claim.certified, "money"),
        (efro_label("ERDF share", claim.fund_name, lang), claim.efro, "money"),
        *((f"{name} ({formatting.percent(rate, lang)})", amount, "money") for name, rate, amount in claim.shares),
        (_("Own contribution"), claim.contribution, "money"),
    ]
    if claim.parked_amount:
        rows.insert(2, (_("Parked (not in the figures)"), claim.parked_amount, "money"))
    if claim.efro_capped:
        rows.append((_("ERDF capped at the approved amount"), claim.efro_capped, "money"))
    if claim.corrected:
        rows += [(_("Corrected"), claim.corrected, "money"), (_("Net certified"), claim.certified + claim.corrected,
                                                              "money"),
                 (efro_label("ERDF corrected", claim.fund_name, lang), claim.corrected_efro, "money"),
                 (efro_label("ERDF net", claim.fund_name, lang), claim.efro + claim.corrected_efro, "money")]
    if claim.payment:
        pay = claim.payment
        rows += [(_("Payment request"), pay.request_number, "int"),
                 (_("Recovery offset"), -pay.offset, "money"), (_("Not received"), -pay.not_received, "money"),
                 (_("Passed on"), pay.passed_on, "money")]
    if not claim.fixed:
        rows.append((_("Note"), efro_label("provisional", claim.fund_name, lang), "text"))
    return rows


def _category_table(book: Book, categories, lang: str, with_budget: bool = True, fund: str | None = None) -> None:
    _ = translator(lang)
    columns = [Column(_("Cost category")), Column(_("Flat rate"))]
    if with_budget:
        columns.append(Column(_("Budget"), "money"))
    columns += [Column(_("Declared"), "money"), Column(_("Certified"), "money"),
                Column(efro_label("ERDF (allocated)", fund, lang), "money"), Column(_("Own contribution"), "money")]
    rows = []
    for c in categories:
        row = [category_name(c.category, lang), flat_rate_text(c.category, lang)]
        if with_budget:
            row.append(c.budget)
        rows.append(row + [c.declared, c.certified, c.efro, c.contribution])
    totals = [_("Total"), None]
    if with_budget:
        totals.append(money_sum(c.budget for c in categories))
    totals += [money_sum(c.declared for c in categories), money_sum(c.certified for c in categories),
               money_total(c.efro for c in categories), money_total(c.contribution for c in categories)]
    book.table(_("Cost categories"), columns, rows, totals)


def claim_statement_xlsx(data: ClaimStatement, lang: str, progress: Progress = None) -> bytes:
    _ = translator(lang)
    claim = data.claim
    book = _book("claim-statement", data.header, lang, f"PP{claim.partner_number} #{claim.claim_id}")
    book.facts(_("Summary"), titles(lang)["claim-statement"],
               _header_facts(data.header, lang) + _claim_facts(claim, lang) + _claim_figures(claim, lang)
               + _anchor_facts(data.header, lang))
    _category_table(book, data.categories, lang, fund=data.claim.fund_name)
    columns = [Column(_("Expenditure"), "id"), Column(_("Internal reference")), Column(_("Supplier")),
               Column(_("Invoice number")), Column(_("Invoice date"), "date"), Column(_("Payment date"), "date"),
               Column(_("Cost category")), Column(_("Description"), width=45), Column(_("Declared"), "money"),
               Column(_("Deducted"), "money"), Column(_("Certified"), "money"), Column(_("Type of error")),
               Column(_("Comment"), width=45), Column(_("Parked")), Column(_("Verification"))]
    def row(line):
        return [line.expenditure_id, line.internal_ref, line.supplier, line.invoice_number, line.invoice_date,
                line.payment_date, category_name(line.category, lang), line.description, line.declared,
                line.deduction, line.certified, labels.error_type(line.error_type, lang), line.comment,
                labels.yes_no(line.status == "parked", lang), labels.line_status(line.status, lang)]
    tally = Tally()
    lines = tally.through(data.lines)
    sample = [row(line) for line in islice(lines, SAMPLE)]  # the column widths are fitted to the first lines
    rows = chain(sample, (row(line) for line in lines))

    def totals():  # once every line went by
        return [_("Total"), None, None, None, None, None, None, None, tally.declared, tally.deduction,
                tally.certified, None, None, None, None]
    book.table(_("Lines"), columns, rows, totals, progress, sample=sample)
    book.table(_("Evidence"), [Column(_("Expenditure"), "id"), Column(_("File name")),
                               Column(_("SHA-256"), width=68), Column(_("Size (bytes)"), "int")],
               ([e.expenditure_id, e.filename, e.sha256, e.size] for e in data.evidence))
    return book.save()


def certificate_xlsx(data: Certificate, lang: str, progress: Progress = None) -> bytes:
    _ = translator(lang)
    claim = data.claim
    book = _book("certificate", data.header, lang, f"PP{claim.partner_number} #{claim.claim_id}")
    facts = _header_facts(data.header, lang) + _claim_facts(claim, lang) + [
        (_("Lines verified"), data.verified_lines, "int"),
        (_("Lines parked"), data.parked_lines, "int"),
        (_("Expenses declared (lines)"), data.expenses_declared, "money"),
        (_("Deductions"), data.deductions, "money"),
    ] + _claim_figures(claim, lang) + [
        (_("Declaration"), _("The verifier declares that the expenditure of this claim was checked against its "
                             "evidence and the programme's rules, with the findings listed."), "text"),
        (_("Signature"), "", "text"), (_("Name"), claim.certified_by or "", "text"), (_("Date"), "", "text"),
    ] + _anchor_facts(data.header, lang)
    book.facts(_("Certificate"), titles(lang)["certificate"], facts)
    columns = [Column(_("Expenditure"), "id"), Column(_("Supplier")), Column(_("Invoice number")),
               Column(_("Cost category")), Column(_("Declared"), "money"), Column(_("Deducted"), "money"),
               Column(_("Decision")), Column(_("Type of error")), Column(_("Comment"), width=50)]
    rows = [[f.expenditure_id, f.supplier, f.invoice_number, category_name(f.category, lang), f.declared,
             f.deduction, labels.line_status(f.status, lang), labels.error_type(f.error_type, lang), f.comment]
            for f in data.findings]
    book.table(_("Findings"), columns, rows, [_("Total"), None, None, None,
                                             money_sum(f.declared for f in data.findings),
                                             money_sum(f.deduction for f in data.findings), None, None, None])
    book.table(_("Deductions by type"), [Column(_("Type of error")), Column(_("Lines"), "int"),
                                         Column(_("Amount"), "money")],
               [[labels.error_type(t.error_type, lang), t.lines, t.amount] for t in data.by_type],
               [_("Total"), sum(t.lines for t in data.by_type), data.deductions])
    _category_table(book, data.categories, lang, with_budget=False, fund=data.claim.fund_name)
    return book.save()


def _financial_values(row: FinancialRow) -> list:
    return [row.budget, row.declared, row.certified, row.certified_efro, row.certified_contribution, row.paid,
            row.remaining, row.absorption, row.corrected, row.net_certified, row.corrected_efro, row.net_efro]


def _financial_totals(rows: list[FinancialRow]) -> list[Decimal | None]:
    budget, certified = money_sum(r.budget for r in rows), money_sum(r.certified for r in rows)
    declared = money_sum(r.declared for r in rows)
    efro = money_sum(r.certified_efro for r in rows)
    corrected, corrected_efro = money_sum(r.corrected for r in rows), money_sum(r.corrected_efro for r in rows)
    return [budget, declared, certified, efro, certified - efro, money_sum(r.paid for r in rows),
            budget - certified - corrected, absorption(certified + corrected, budget), corrected, certified + corrected,
            corrected_efro,
            efro + corrected_efro]


def financial_report_xlsx(data: FinancialReport, lang: str, progress: Progress = None) -> bytes:
    _ = translator(lang)
    book = _book("financial-report", data.header, lang, formatting.day(data.at, lang))
    budget = money_sum(p.budget for p in data.partners)
    efro = money_sum(p.efro_budget for p in data.partners)
    f = data.fund_name
    book.facts(_("Summary"), titles(lang)["financial-report"], _header_facts(data.header, lang) + [
        (_("Figures at"), data.at, "date"),
        (efro_label("ERDF co-financing rate", f, lang), data.rate / 100, "percent"),
        (efro_label("Approved ERDF", f, lang), data.efro_ceiling, "money"),
        (_("Total eligible budget"), budget, "money"),
        (efro_label("ERDF in the budget", f, lang), efro, "money"),
        (_("Contribution in the budget"), budget - efro, "money"),
        (_("Note"), efro_label("financial-note", f, lang), "text"),
        (_("Corrections"), _("Corrected: financial corrections booked by the date (negative); net certified and "
                             "ERDF net: certified after them."), "text"),
    ] + _anchor_facts(data.header, lang))
    amounts = [Column(_("Budget"), "money"), Column(_("Declared"), "money"), Column(_("Certified"), "money"),
               Column(efro_label("ERDF certified", f, lang), "money"), Column(_("Contribution certified"), "money"),
               Column(efro_label("Paid (ERDF)", f, lang), "money"), Column(_("Remaining"), "money"),
               Column(_("Absorption"), "percent"), Column(_("Corrected"), "money"),
               Column(_("Net certified"), "money"), Column(efro_label("ERDF corrected", f, lang), "money"),
               Column(efro_label("ERDF net", f, lang), "money")]
    columns = [Column(_("Partner")), Column(efro_label("ERDF budget", f, lang), "money"),
               Column(_("Contribution budget"), "money"), *amounts]
    rows = [[partner_label(p.partner_number, p.partner_name), p.efro_budget, p.contribution_budget,
             *_financial_values(p)] for p in data.partners]
    book.table(_("Partners"), columns, rows, [_("Project total"), efro, budget - efro,
                                              *_financial_totals(data.partners)])
    rows = [[partner_label(d.partner_number, d.partner_name), category_name(d.category, lang),
             *_financial_values(d)] for d in data.details]
    book.table(_("By cost category"), [Column(_("Partner")), Column(_("Cost category")), *amounts], rows,
               [_("Project total"), None, *_financial_totals(data.details)])
    return book.save()


def audit_extract_xlsx(data: AuditExtract, lang: str, progress: Progress = None) -> bytes:
    _ = translator(lang)
    book = _book("audit-extract", data.header, lang, "")
    facts = _header_facts(data.header, lang) + [(label, value, "text") for label, value in scope_lines(data, lang)]
    book.facts(_("Summary"), titles(lang)["audit-extract"], facts + _anchor_facts(data.header, lang))
    columns = [Column(_("No."), "id", 9), Column(_("Time"), "datetime", 20), Column(_("User"), width=24),
               Column(_("E-mail address"), width=28), Column(_("Role"), width=18), Column(_("Action"), width=24),
               Column(_("Details"), "wrap", 80), Column(_("Object"), width=16), Column(_("Object id"), width=10),
               Column(_("Hash (SHA-256)"), width=68)]
    rows = ([e.seq, e.occurred_at, e.who, e.email, labels.role(e.role, lang), e.what, e.sentence,
             labels.object_type(e.object_type, lang), e.object_id or "", e.hash] for e in data.events)
    book.table(_("Events"), columns, rows, progress=progress)
    return book.save()


XLSX_BUILDERS = {"claim-statement": claim_statement_xlsx, "certificate": certificate_xlsx,
                 "financial-report": financial_report_xlsx, "audit-extract": audit_extract_xlsx}
