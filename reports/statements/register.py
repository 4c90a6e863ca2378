"""The corrections and recoveries register, XLSX and PDF: every financial correction (what it corrects,
its kind, rate, type of error, irregularity, total, EFRO and contribution) and every recovery with how it
was settled, and per partner the certified, corrected and net figures."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .. import formatting, labels
from ..i18n import translator
from .common import partner_label, titles
from .data import Header
from .pdf_doc import build_pdf, money, register_fonts
from .pdf_parts import H2, anchor_block, facts, meta, page_frame, para, table, title_block
from .xlsx_sheet import Book, Column, money_sum

Progress = Callable[[int], None] | None
KIND = "corrections-register"


@dataclass(frozen=True)
class CorrectionRow:
    id: int
    booked_on: date
    partner_number: int
    partner_name: str
    claim_id: int
    what: str  # the line (supplier and invoice), the cost category, or the claim
    kind: str  # code of correction_kind
    rate: Decimal | None
    error_type: str
    irregularity: bool
    audit: str  # body and reference of the audit of the finding
    total: Decimal  # negative
    efro: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class RecoveryRow:
    id: int
    partner_number: int
    partner_name: str
    origin: str  # "correction #n" or "claim #n"
    measure: str  # code of recovery_measure
    amount: Decimal
    offset: Decimal
    repaid: Decimal
    written_off: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.offset - self.repaid - self.written_off


@dataclass(frozen=True)
class PartnerNet:
    partner_number: int
    partner_name: str
    certified: Decimal
    corrected: Decimal  # negative
    certified_efro: Decimal
    corrected_efro: Decimal

    @property
    def net(self) -> Decimal:
        return self.certified + self.corrected

    @property
    def net_efro(self) -> Decimal:
        return self.certified_efro + self.corrected_efro


@dataclass(frozen=True)
class CorrectionsRegister:
    header: Header
    partners: list[PartnerNet]
    corrections: list[CorrectionRow]
    recoveries: list[RecoveryRow]


def register_xlsx(data: CorrectionsRegister, lang: str, progress: Progress = None) -> bytes:
    _ = translator(lang)
    book = Book(lang, f"{titles(lang)[KIND]} – {data.header.project_code}", data.header.generated_by,
                data.header.generated_at)
    book.facts(_("Summary"), titles(lang)[KIND], [
        (_("Programme"), data.header.programme, "text"), (_("Project"), f"{data.header.project_code} "
                                                                      f"{data.header.project_name}", "text"),
        (_("Generated"), formatting.moment(data.header.generated_at, lang), "text"),
        (_("Certified"), money_sum(p.certified for p in data.partners), "money"),
        (_("Corrected"), money_sum(p.corrected for p in data.partners), "money"),
        (_("Net certified"), money_sum(p.net for p in data.partners), "money"),
        (_("ERDF net"), money_sum(p.net_efro for p in data.partners), "money"),
        (_("ERDF still to recover"), money_sum(r.outstanding for r in data.recoveries), "money")])
    book.table(_("Per partner"), [Column(_("Partner")), Column(_("Certified"), "money"),
                                  Column(_("Corrected"), "money"),
                                  Column(_("Net certified"), "money"), Column(_("ERDF certified"), "money"),
                                  Column(_("ERDF corrected"), "money"), Column(_("ERDF net"), "money")],
               [[partner_label(p.partner_number, p.partner_name), p.certified, p.corrected, p.net, p.certified_efro,
                 p.corrected_efro, p.net_efro] for p in data.partners],
               [_("Project total"), *(money_sum(getattr(p, f) for p in data.partners) for f in (
                   "certified", "corrected", "net", "certified_efro", "corrected_efro", "net_efro"))])
    book.table(_("Corrections"), [
        Column(_("No.")), Column(_("Booked"), "date"), Column(_("Partner")), Column(_("Claim")),
        Column(_("Corrects")), Column(_("Kind")), Column(_("Rate"), "percent"), Column(_("Type of error")),
        Column(_("Irregularity")), Column(_("Audit")), Column(_("Total"), "money"), Column(_("ERDF"), "money"),
        Column(_("Contribution"), "money")],
        [[c.id, c.booked_on, partner_label(c.partner_number, c.partner_name), f"#{c.claim_id}", c.what,
          labels.code("correction_kind", c.kind, lang), c.rate / 100 if c.rate is not None else None,
          labels.error_type(c.error_type, lang), labels.yes_no(c.irregularity, lang), c.audit, c.total, c.efro,
          c.contribution] for c in data.corrections],
        [_("Total"), None, None, None, None, None, None, None, None, None,
         money_sum(c.total for c in data.corrections), money_sum(c.efro for c in data.corrections),
         money_sum(c.contribution for c in data.corrections)])
    book.table(_("Recoveries"), [
        Column(_("No.")), Column(_("Partner")), Column(_("From")), Column(_("Measure")), Column(_("ERDF to recover"),
                                                                                             "money"),
        Column(_("Offset"), "money"), Column(_("Repaid"), "money"), Column(_("Written off"), "money"),
        Column(_("Outstanding"), "money")],
        [[r.id, partner_label(r.partner_number, r.partner_name), r.origin,
          labels.code("recovery_measure", r.measure, lang), r.amount, r.offset, r.repaid, r.written_off,
          r.outstanding] for r in data.recoveries],
        [_("Total"), None, None, None, *(money_sum(getattr(r, f) for r in data.recoveries) for f in (
            "amount", "offset", "repaid", "written_off", "outstanding"))])
    return book.save()


def register_pdf(data: CorrectionsRegister, lang: str, progress: Progress = None) -> bytes:
    register_fonts()
    _ = translator(lang)
    from reportlab.lib.units import mm
    width = 842 - 2 * 14 * mm
    story = title_block(KIND, data.header, "", lang)
    story.append(facts([
        (_("Certified"), formatting.money(money_sum(p.certified for p in data.partners), lang)),
        (_("Corrected"), formatting.money(money_sum(p.corrected for p in data.partners), lang)),
        (_("Net certified"), formatting.money(money_sum(p.net for p in data.partners), lang)),
        (_("ERDF net"), formatting.money(money_sum(p.net_efro for p in data.partners), lang)),
        (_("ERDF still to recover"), formatting.money(money_sum(r.outstanding for r in data.recoveries), lang))],
        width / 2, 0.5))
    fields = ("certified", "corrected", "net", "certified_efro", "corrected_efro", "net_efro")
    story += [para(_("Per partner"), H2), *table(
        [_("Partner"), _("Certified (€)"), _("Corrected (€)"), _("Net certified (€)"), _("ERDF certified (€)"),
         _("ERDF corrected (€)"), _("ERDF net (€)")], [width * 0.28] + [width * 0.12] * 6,
        ([partner_label(p.partner_number, p.partner_name), *(money(getattr(p, f), lang) for f in fields)]
         for p in data.partners), list(range(1, 7)),
        [_("Project total"), *(money(money_sum(getattr(p, f) for p in data.partners), lang) for f in fields)],
        wrap=[0])]
    story += [para(_("Corrections"), H2), *table(
        [_("No."), _("Booked"), _("Partner"), _("Claim"), _("Corrects"), _("Kind"), _("Type of error"), _("Audit"),
         _("Total (€)"), _("ERDF (€)"), _("Contribution (€)")],
        [width * w for w in (0.04, 0.07, 0.13, 0.05, 0.16, 0.1, 0.12, 0.1, 0.08, 0.075, 0.075)],
        ([str(c.id), formatting.day(c.booked_on, lang), partner_label(c.partner_number, c.partner_name),
          f"#{c.claim_id}", c.what, labels.code("correction_kind", c.kind, lang) + (
              f" {formatting.percent(c.rate, lang)}" if c.rate is not None else ""),
          labels.error_type(c.error_type, lang) + (f" ({_('irregularity')})" if c.irregularity else ""), c.audit,
          money(c.total, lang), money(c.efro, lang), money(c.contribution, lang)] for c in data.corrections),
        [8, 9, 10], ["", "", _("Total"), "", "", "", "", "", money(money_sum(c.total for c in data.corrections), lang),
                     money(money_sum(c.efro for c in data.corrections), lang),
                     money(money_sum(c.contribution for c in data.corrections), lang)], wrap=[2, 4, 6, 7])]
    rfields = ("amount", "offset", "repaid", "written_off", "outstanding")
    story += [para(_("Recoveries"), H2), *table(
        [_("No."), _("Partner"), _("From"), _("Measure"), _("ERDF to recover (€)"), _("Offset (€)"), _("Repaid (€)"),
         _("Written off (€)"), _("Outstanding (€)")],
        [width * w for w in (0.05, 0.2, 0.12, 0.18, 0.09, 0.09, 0.09, 0.09, 0.09)],
        ([str(r.id), partner_label(r.partner_number, r.partner_name), r.origin,
          labels.code("recovery_measure", r.measure, lang), *(money(getattr(r, f), lang) for f in rfields)]
         for r in data.recoveries), [4, 5, 6, 7, 8],
        ["", _("Total"), "", "", *(money(money_sum(getattr(r, f) for r in data.recoveries), lang) for f in rfields)],
        wrap=[1, 3]), anchor_block(data.header, lang)]
    return build_pdf(page_frame(KIND, data.header, "", lang), story, meta(KIND, data.header, "", lang))


__all__ = ["CorrectionRow", "CorrectionsRegister", "PartnerNet", "RecoveryRow", "register_pdf", "register_xlsx"]
