"""The four statements as PDF/A-2b files (A4; the certificate upright, the others landscape)."""
from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from .. import formatting, labels
from ..i18n import translator
from .common import by_whom, category_name, efro_label, flat_rate_text, partner_label, period_text, scope_lines
from .data import (
    AuditExtract,
    Certificate,
    ClaimInfo,
    ClaimStatement,
    FinancialReport,
    FinancialRow,
    Tally,
    absorption,
)
from .pdf_doc import DARK, RULE, build_pdf, money, register_fonts
from .pdf_parts import (
    H2,
    SMALL,
    anchor_block,
    facts,
    meta,
    page_frame,
    para,
    side_by_side,
    split_hash,
    table,
    title_block,
)
from .xlsx_sheet import money_sum, money_total

Progress = Callable[[int], None] | None
LANDSCAPE_WIDTH = 842 - 2 * 14 * mm / 1  # A4 landscape minus the margins, in points
PORTRAIT_WIDTH = 595 - 2 * 14 * mm


def _claim_subject(claim: ClaimInfo, lang: str) -> str:
    _ = translator(lang)
    return _("%(partner)s · claim #%(claim)s", partner=partner_label(claim.partner_number, claim.partner_name),
             claim=claim.claim_id)


def _claim_facts(claim: ClaimInfo, lang: str) -> list[tuple[str, str]]:
    _ = translator(lang)
    return [(_("Partner"), partner_label(claim.partner_number, claim.partner_name)),
            (_("Reporting period"), period_text(claim, lang)), (_("Claim number"), f"#{claim.claim_id}"),
            (_("Status"), labels.claim_status(claim.status, lang)),
            (_("Created"), formatting.moment(claim.created_at, lang)),
            (_("Submitted"), by_whom(claim.submitted_at, claim.submitted_by, lang)),
            (_("Verifier"), claim.verifier or "–"),
            (_("Certified"), by_whom(claim.certified_at, claim.certified_by, lang))]


def _claim_figures(claim: ClaimInfo, lang: str) -> list[tuple[str, str]]:
    _ = translator(lang)
    m = formatting.money
    f = claim.fund_name
    rows = [(efro_label("ERDF co-financing rate", f, lang), formatting.percent(claim.rate, lang)),
            (_("Declared (cost categories, flat rates included)"), m(claim.declared, lang)),
            (_("Certified"), m(claim.certified, lang)), (efro_label("ERDF share", f, lang), m(claim.efro, lang)),
            *((f"{name} ({formatting.percent(rate, lang)})", m(amount, lang)) for name, rate, amount in claim.shares),
            (_("Own contribution"), m(claim.contribution, lang))]
    if claim.parked_amount:
        rows.insert(2, (_("Parked (not in the figures)"), m(claim.parked_amount, lang)))
    if claim.efro_capped:
        rows.append((_("ERDF capped at the approved amount"), m(claim.efro_capped, lang)))
    if claim.corrected:
        rows += [(_("Corrected"), m(claim.corrected, lang)), (_("Net certified"), m(claim.certified + claim.corrected,
                                                                                       lang)),
                 (efro_label("ERDF corrected", claim.fund_name, lang), m(claim.corrected_efro, lang)),
                 (efro_label("ERDF net", claim.fund_name, lang), m(claim.efro + claim.corrected_efro, lang))]
    if claim.payment:
        pay = claim.payment
        rows += [(_("Payment request"), f"#{pay.request_number}"), (_("Recovery offset"), m(-pay.offset, lang)),
                 (_("Not received"), m(-pay.not_received, lang)), (_("Passed on"), m(pay.passed_on, lang))]
    if not claim.fixed:
        rows.append((_("Note"), efro_label("provisional", f, lang)))
    return rows


def _categories(categories, lang: str, width: float, with_budget: bool = True, fund: str | None = None) -> list:
    _ = translator(lang)
    heads = [_("Cost category"), _("Flat rate")] + ([_("Budget (€)")] if with_budget else []) + [
        _("Declared (€)"), _("Certified (€)"), efro_label("ERDF, allocated (€)", fund, lang), _("Own contribution (€)")]
    first = 0.27 if with_budget else 0.3
    n_money = len(heads) - 2
    widths = [width * first, width * 0.17] + [width * (1 - first - 0.17) / n_money] * n_money
    rows = [[category_name(c.category, lang), flat_rate_text(c.category, lang)]
            + ([money(c.budget, lang)] if with_budget else [])
            + [money(v, lang) for v in (c.declared, c.certified, c.efro, c.contribution)] for c in categories]
    totals = [_("Total"), ""] + ([money(money_sum(c.budget for c in categories), lang)] if with_budget else []) + [
        money(money_total(getattr(c, f) for c in categories), lang)
        for f in ("declared", "certified", "efro", "contribution")]
    return table(heads, widths, rows, list(range(2, len(heads))), totals, wrap=[0, 1])


def claim_statement_pdf(data: ClaimStatement, lang: str, progress: Progress = None) -> bytes:
    register_fonts()
    _ = translator(lang)
    claim, width = data.claim, LANDSCAPE_WIDTH
    subject = _claim_subject(claim, lang)
    story = title_block("claim-statement", data.header, subject, lang)
    story.append(side_by_side(facts(_claim_facts(claim, lang), (width - 6 * mm) / 2),
                              facts(_claim_figures(claim, lang), (width - 6 * mm) / 2), width))
    story += [para(_("Totals per cost category"), H2),
              *_categories(data.categories, lang, width, fund=claim.fund_name)]
    story.append(para(efro_label("claim-note", claim.fund_name, lang), SMALL))
    heads = [_("Exp."), _("Reference"), _("Supplier"), _("Invoice number"), _("Invoice date"), _("Paid on"),
             _("Cost category"), _("Declared (€)"), _("Deducted (€)"), _("Certified (€)"),
             _("Type of error, comment"), _("Verification")]
    widths = [w * mm for w in (10, 19, 30, 22, 18, 17, 28, 19, 17, 21, 48, 18)]
    scale = width / sum(widths)
    widths = [w * scale for w in widths]

    tally = Tally()

    def rows():
        for line in tally.through(data.lines):
            error = "; ".join(t for t in (labels.error_type(line.error_type, lang), line.comment) if t)
            yield [line.expenditure_id, line.internal_ref, line.supplier, line.invoice_number,
                   formatting.day(line.invoice_date, lang), formatting.day(line.payment_date, lang),
                   category_name(line.category, lang), money(line.declared, lang),
                   money(line.deduction, lang) if line.deduction else "", money(line.certified, lang), error,
                   labels.line_status(line.status, lang)]

    def totals():  # once every line went by
        return [_("Total"), "", _("%(count)s lines", count=formatting.number(tally.count, lang)), "", "", "", "",
                money(tally.declared, lang), money(tally.deduction, lang), money(tally.certified, lang), "", ""]
    story += [para(_("Lines"), H2), *table(heads, widths, rows(), [7, 8, 9], totals, wrap=[1, 2, 3, 6, 10, 11],
                                           progress=progress)]
    story.append(para(_("Evidence files"), H2))
    evidence = iter(data.evidence)
    first = next(evidence, None)
    if first is not None:
        widths = [14 * mm, width - 14 * mm - 125 * mm - 22 * mm, 125 * mm, 22 * mm]
        story += table([_("Exp."), _("File name"), _("SHA-256"), _("Size (bytes)")], widths,
                       ([e.expenditure_id, e.filename, e.sha256, formatting.number(e.size, lang)]
                        for e in chain([first], evidence)), [3], wrap=[1], mono=[2])
    else:
        story.append(para(_("No evidence files."), SMALL))
    story.append(anchor_block(data.header, lang))
    return build_pdf(page_frame("claim-statement", data.header, subject, lang), story,
                     meta("claim-statement", data.header, subject, lang))


def _signature_box(claim: ClaimInfo, lang: str, width: float) -> Table:
    _ = translator(lang)
    return Table([[_("Name"), claim.certified_by or "", _("Signature")],
                  [_("Date"), formatting.day(claim.certified_at, lang), ""]],
                 colWidths=[width * 0.14, width * 0.43, width * 0.43], rowHeights=[9 * mm, 16 * mm],
                 style=TableStyle([("FONTNAME", (0, 0), (-1, -1), "Cofund"), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                                   ("FONTNAME", (0, 0), (0, -1), "Cofund-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("FONTNAME", (2, 0), (2, 0), "Cofund-Bold"), ("SPAN", (2, 0), (2, 0)),
                                   ("BOX", (0, 0), (-1, -1), 0.6, DARK), ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE)]))


def certificate_pdf(data: Certificate, lang: str, progress: Progress = None) -> bytes:
    register_fonts()
    _ = translator(lang)
    claim, width = data.claim, PORTRAIT_WIDTH
    subject = _claim_subject(claim, lang)
    m = formatting.money
    story = title_block("certificate", data.header, subject, lang)
    story.append(facts(_claim_facts(claim, lang), width, 0.3))
    story.append(para(_("Result of the verification"), H2))
    story.append(facts([(_("Lines verified"), formatting.number(data.verified_lines, lang)),
                        (_("Lines parked"), formatting.number(data.parked_lines, lang)),
                        (_("Expenses declared (lines)"), m(data.expenses_declared, lang)),
                        (_("Deductions"), m(data.deductions, lang))] + _claim_figures(claim, lang)[1:], width, 0.5))
    story.append(para(_("Deductions by type of error"), H2))
    if data.by_type:
        story += table([_("Type of error"), _("Lines"), _("Amount (€)")], [width * 0.6, width * 0.15, width * 0.25],
                       ([labels.error_type(t.error_type, lang), t.lines, money(t.amount, lang)] for t in data.by_type),
                       [1, 2], [_("Total"), str(sum(t.lines for t in data.by_type)), money(data.deductions, lang)])
    else:
        story.append(para(_("No deductions."), SMALL))
    story.append(para(_("Findings"), H2))
    if data.findings:
        widths = [w * width for w in (0.06, 0.2, 0.16, 0.12, 0.11, 0.1, 0.25)]

        def rows():
            for f in data.findings:
                error = "; ".join(t for t in (labels.error_type(f.error_type, lang), f.comment) if t)
                yield [f.expenditure_id, f"{f.supplier}\n{f.invoice_number}", category_name(f.category, lang),
                       money(f.declared, lang), money(f.deduction, lang) if f.deduction else "",
                       labels.line_status(f.status, lang), error]
        story += table([_("Exp."), _("Supplier, invoice"), _("Cost category"), _("Declared (€)"), _("Deducted (€)"),
                        _("Decision"), _("Type of error, comment")], widths, rows(), [3, 4],
                       [_("Total"), "", "", money(money_sum(f.declared for f in data.findings), lang),
                        money(money_sum(f.deduction for f in data.findings), lang), "", ""], wrap=[1, 2, 6])
    else:
        story.append(para(_("No findings: every line was accepted as declared."), SMALL))
    story += [para(_("Certified totals per cost category"), H2), *_categories(data.categories, lang, width, False,
                                                                                       fund=data.claim.fund_name)]
    story += [para(_("Declaration"), H2),
              para(_("The verifier declares that the expenditure of this claim was checked against its evidence "
                     "and the programme's rules, with the findings listed.")),
              para(_("Verified by %(verifier)s; certified by %(certifier)s.", verifier=claim.verifier or "–",
                     certifier=by_whom(claim.certified_at, claim.certified_by, lang)), SMALL),
              Spacer(1, 3 * mm), _signature_box(claim, lang, width), anchor_block(data.header, lang)]
    return build_pdf(page_frame("certificate", data.header, subject, lang, landscape=False), story,
                     meta("certificate", data.header, subject, lang))


def _financial_cells(row: FinancialRow, lang: str) -> list[str]:
    return [money(v, lang) for v in (row.budget, row.declared, row.certified, row.certified_efro,
                                     row.certified_contribution, row.paid, row.remaining)] + [
        formatting.share(row.net_certified, row.budget, lang)]


def _financial_totals(rows: list[FinancialRow], lang: str) -> list[str]:
    budget, certified = money_sum(r.budget for r in rows), money_sum(r.certified for r in rows)
    efro, net = money_sum(r.certified_efro for r in rows), money_sum(r.net_certified for r in rows)
    share = absorption(net, budget)
    return [money(v, lang) for v in (budget, money_sum(r.declared for r in rows), certified, efro, certified - efro,
                                     money_sum(r.paid for r in rows), budget - net)] + [
        formatting.share(net, budget, lang) if share is not None else ""]


def financial_report_pdf(data: FinancialReport, lang: str, progress: Progress = None) -> bytes:
    register_fonts()
    _ = translator(lang)
    width = LANDSCAPE_WIDTH
    subject = _("at %(date)s", date=formatting.day(data.at, lang))
    budget = money_sum(p.budget for p in data.partners)
    efro = money_sum(p.efro_budget for p in data.partners)
    f = data.fund_name
    story = title_block("financial-report", data.header, subject, lang)
    story.append(facts([(_("Figures at"), formatting.day(data.at, lang)),
                        (efro_label("ERDF co-financing rate", f, lang), formatting.percent(data.rate, lang)),
                        (efro_label("Approved ERDF", f, lang), formatting.money(data.efro_ceiling, lang)),
                        (_("Total eligible budget"), formatting.money(budget, lang)),
                        (efro_label("ERDF in the budget", f, lang), formatting.money(efro, lang)),
                        (_("Contribution in the budget"), formatting.money(budget - efro, lang))], width / 2, 0.5))
    amounts = [_("Budget (€)"), _("Declared (€)"), _("Certified (€)"), efro_label("ERDF certified (€)", f, lang),
               _("Contribution certified (€)"), efro_label("Paid, ERDF (€)", f, lang), _("Remaining (€)"),
               _("Absorption")]
    first = 0.2
    widths = [width * first] + [width * 0.09] * 2 + [width * (1 - first - 0.18 - 0.06) / 7] * 7 + [width * 0.06]
    rows = ([partner_label(p.partner_number, p.partner_name), money(p.efro_budget, lang),
             money(p.contribution_budget, lang), *_financial_cells(p, lang)] for p in data.partners)
    story += [para(_("Per partner"), H2),
              *table([_("Partner"), efro_label("ERDF budget (€)", f, lang), _("Contribution budget (€)"), *amounts],
                     widths, rows,
                     list(range(1, 11)), [_("Project total"), money(efro, lang), money(budget - efro, lang),
                                          *_financial_totals(data.partners, lang)], wrap=[0])]
    net_fields = ("certified", "corrected", "net_certified", "certified_efro", "corrected_efro", "net_efro")
    story += [para(_("Certified, corrected and net per partner"), H2),
              *table([_("Partner"), _("Certified (€)"), _("Corrected (€)"), _("Net certified (€)"),
                      efro_label("ERDF certified (€)", f, lang), efro_label("ERDF corrected (€)", f, lang),
                      efro_label("ERDF net (€)", f, lang)],
                     [width * 0.28] + [width * 0.12] * 6,
                     ([partner_label(p.partner_number, p.partner_name), *(money(getattr(p, f), lang)
                                                                          for f in net_fields)]
                      for p in data.partners), list(range(1, 7)),
                     [_("Project total"), *(money(money_sum(getattr(p, f) for p in data.partners), lang)
                                            for f in net_fields)], wrap=[0])]
    widths = [width * 0.17, width * 0.17] + [width * 0.6 / 7] * 7 + [width * 0.06]
    rows = ([partner_label(d.partner_number, d.partner_name), category_name(d.category, lang),
             *_financial_cells(d, lang)] for d in data.details)
    story += [para(_("Per partner and cost category"), H2),
              *table([_("Partner"), _("Cost category"), *amounts], widths, rows, list(range(2, 10)),
                     [_("Project total"), "", *_financial_totals(data.details, lang)], wrap=[0, 1],
                     progress=progress),
              para(efro_label("financial-note", f, lang), SMALL),
              anchor_block(data.header, lang)]
    return build_pdf(page_frame("financial-report", data.header, subject, lang), story,
                     meta("financial-report", data.header, subject, lang))


def audit_extract_pdf(data: AuditExtract, lang: str, progress: Progress = None) -> bytes:
    register_fonts()
    _ = translator(lang)
    width = LANDSCAPE_WIDTH
    subject = _("%(count)s events", count=formatting.number(data.count, lang))
    story = title_block("audit-extract", data.header, subject, lang)
    story.append(facts(scope_lines(data, lang), width, 0.2))
    widths = [w * mm for w in (12, 27, 33, 27, 109, 19, 42)]
    widths = [w * width / sum(widths) for w in widths]

    def rows():
        for e in data.events:
            who = f"{e.who}\n{labels.role(e.role, lang)}" if e.role else e.who
            obj = f"{labels.object_type(e.object_type, lang)} #{e.object_id}" if e.object_type else ""
            yield [e.seq, formatting.moment(e.occurred_at, lang, seconds=True), who, e.what, e.sentence, obj,
                   split_hash(e.hash)]
    story += [para(_("Events"), H2),
              *table([_("No."), _("Time"), _("User"), _("Action"), _("Details"), _("Object"), _("Hash (SHA-256)")],
                     widths, rows(), [0], wrap=[2, 3, 4, 5], mono=[6], progress=progress),
              anchor_block(data.header, lang)]
    return build_pdf(page_frame("audit-extract", data.header, subject, lang), story,
                     meta("audit-extract", data.header, subject, lang))


PDF_BUILDERS = {"claim-statement": claim_statement_pdf, "certificate": certificate_pdf,
                "financial-report": financial_report_pdf, "audit-extract": audit_extract_pdf}
