"""The portfolio overview: every project of an office side by side, with its own funding sources, as XLSX
and PDF. Plain data in (:class:`Portfolio`), bytes out; no Flask, no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.units import mm

from .. import formatting
from ..i18n import translator
from .data import ZERO, Anchor, absorption
from .pdf_doc import Page, build_pdf, money, register_fonts
from .pdf_parts import H1, H2, SMALL, SUBTITLE, anchor_block, facts, para, table
from .xlsx_sheet import Book, Column


@dataclass(frozen=True)
class SourceShare:
    """One funding source of a project: its rate, and its shares of the certified and paid claims."""

    name: str
    rate: Decimal  # percent
    ceiling: Decimal
    certified: Decimal
    paid: Decimal


@dataclass(frozen=True)
class PortfolioRow:
    code: str
    name: str
    programme: str
    budget: Decimal
    fund_budget: Decimal  # the funding sources' share of the budget (the partners' approved support)
    declared: Decimal
    certified: Decimal
    certified_fund: Decimal  # the sources' shares of the certified claims together
    paid: Decimal  # the sources' shares of the claims paid out to the partners
    sources: tuple[SourceShare, ...]
    next_deadline: date | None
    waiting: int  # claims submitted or in verification
    corrected: Decimal = ZERO  # financial corrections booked by the date (negative)

    @property
    def contribution(self) -> Decimal:
        return self.certified - self.certified_fund

    @property
    def net_certified(self) -> Decimal:
        return self.certified + self.corrected

    @property
    def absorption(self) -> Decimal | None:
        return absorption(self.net_certified, self.budget)

    @property
    def rate(self) -> Decimal:
        return sum((s.rate for s in self.sources), ZERO)


@dataclass(frozen=True)
class Portfolio:
    at: date
    generated_at: datetime
    generated_by: str
    anchor: Anchor
    rows: list[PortfolioRow]

    def total(self, field: str) -> Decimal:
        return sum((getattr(r, field) for r in self.rows), ZERO)

    @property
    def absorption(self) -> Decimal | None:
        return absorption(self.total("net_certified"), self.total("budget"))

    @property
    def waiting(self) -> int:
        return sum(r.waiting for r in self.rows)


AMOUNTS = ("budget", "declared", "certified", "certified_fund", "contribution", "paid")


def _labels(lang: str) -> list[str]:
    _ = translator(lang)
    return [_("Budget"), _("Declared"), _("Certified"), _("Funding certified"), _("Contribution certified"),
            _("Paid")]


def _subject(data: Portfolio, lang: str) -> str:
    _ = translator(lang)
    return _("%(count)s projects at %(date)s", count=len(data.rows), date=formatting.day(data.at, lang))


def _note(lang: str) -> str:
    _ = translator(lang)
    return _("As in each project's financial report: declared: claims submitted by the date; certified, funding "
             "and contribution: claims certified by the date; paid: the funding of claims paid by the date (passed "
             "on to the partners or offset against recoveries). Absorption: net certified (certified less the "
             "financial corrections booked by the date) as a share of the budget. Next deadline: a period's claims "
             "are due within 90 days after its end.")


def portfolio_xlsx(data: Portfolio, lang: str, progress=None) -> bytes:
    _ = translator(lang)
    title = _("Portfolio overview")
    book = Book(lang, f"{title} – {_subject(data, lang)}", data.generated_by, data.generated_at)
    book.facts(_("Summary"), title, [
        (_("Figures at"), data.at, "date"), (_("Projects"), len(data.rows), "int"),
        (_("Total eligible budget"), data.total("budget"), "money"),
        (_("Certified"), data.total("certified"), "money"), (_("Paid"), data.total("paid"), "money"),
        (_("Note"), _note(lang), "text"),
        (_("Generated"), _("Generated on %(moment)s by %(who)s with Cofund.", moment=formatting.moment(
            data.generated_at, lang, seconds=True), who=data.generated_by), "text"),
        (_("Audit chain"), _("Audit chain head: %(count)s events, hash %(hash)s", count=formatting.number(
            data.anchor.events, lang), hash=data.anchor.head), "text")])
    columns = [Column(_("Project")), Column(_("Name")), *(Column(label, "money") for label in _labels(lang)),
               Column(_("Absorption"), "percent"), Column(_("Claims waiting"), "int"),
               Column(_("Next deadline"), "date")]
    rows = [[r.code, r.name, *(getattr(r, f) for f in AMOUNTS), r.absorption, r.waiting, r.next_deadline]
            for r in data.rows]
    book.table(_("Projects"), columns, rows, [_("Portfolio total"), None, *(data.total(f) for f in AMOUNTS),
                                              data.absorption, data.waiting, None])
    columns = [Column(_("Project")), Column(_("Funding source")), Column(_("Rate"), "percent"),
               Column(_("Approved"), "money"), Column(_("Certified"), "money"), Column(_("Paid"), "money")]
    rows = [[r.code, s.name, s.rate / 100, s.ceiling, s.certified, s.paid] for r in data.rows for s in r.sources]
    book.table(_("Funding sources"), columns, rows, [
        _("Portfolio total"), None, None, sum((s[3] for s in rows), ZERO), sum((s[4] for s in rows), ZERO),
        sum((s[5] for s in rows), ZERO)])
    return book.save()


def portfolio_pdf(data: Portfolio, lang: str, progress=None) -> bytes:
    register_fonts()
    _ = translator(lang)
    title, subject = _("Portfolio overview"), _subject(data, lang)
    width = 842 - 2 * 14 * mm
    generated = _("Generated on %(moment)s by %(who)s with Cofund.",
                  moment=formatting.moment(data.generated_at, lang, seconds=True), who=data.generated_by)
    story = [para(title, H1), para(subject, SUBTITLE),
             facts([(_("Figures at"), formatting.day(data.at, lang)),
                    (_("Total eligible budget"), formatting.money(data.total("budget"), lang)),
                    (_("Certified"), formatting.money(data.total("certified"), lang)),
                    (_("Paid"), formatting.money(data.total("paid"), lang)),
                    (_("Claims waiting"), formatting.number(data.waiting, lang))], width / 2, 0.5)]
    widths = [width * 0.07, width * 0.2] + [width * 0.1] * 6 + [width * 0.07, width * 0.06]
    rows = ([r.code, r.name, *(money(getattr(r, f), lang) for f in AMOUNTS),
             formatting.share(r.certified, r.budget, lang), formatting.number(r.waiting, lang)] for r in data.rows)
    story += [para(_("Projects"), H2),
              *table([_("Project"), _("Name"), *(f"{label} (€)" for label in _labels(lang)), _("Absorption"),
                      _("Claims waiting")], widths, rows, list(range(2, 10)),
                     [_("Portfolio total"), "", *(money(data.total(f), lang) for f in AMOUNTS),
                      formatting.share(data.total("certified"), data.total("budget"), lang),
                      formatting.number(data.waiting, lang)], wrap=[1])]
    widths = [width * 0.08, width * 0.32, width * 0.12] + [width * 0.16] * 3
    rows = ([r.code, s.name, formatting.percent(s.rate, lang), money(s.ceiling, lang), money(s.certified, lang),
             money(s.paid, lang)] for r in data.rows for s in r.sources)
    sources = [s for r in data.rows for s in r.sources]
    story += [para(_("Funding sources"), H2),
              *table([_("Project"), _("Funding source"), _("Rate"), _("Approved (€)"), _("Certified (€)"),
                      _("Paid (€)")], widths, rows, [2, 3, 4, 5],
                     [_("Portfolio total"), "", "", money(sum((s.ceiling for s in sources), ZERO), lang),
                      money(sum((s.certified for s in sources), ZERO), lang),
                      money(sum((s.paid for s in sources), ZERO), lang)], wrap=[1]),
              para(_note(lang), SMALL)]
    header = _Header(data)
    story.append(anchor_block(header, lang))
    page = Page(project=_("Portfolio"), title=title, subject=subject, generated=generated, lang=lang)
    return build_pdf(page, story, {"title": f"{title} – {subject}", "author": data.generated_by,
                                   "subject": subject, "lang": lang, "created": data.generated_at})


@dataclass(frozen=True)
class _Header:
    """What the anchor block reads of a statement's header."""

    portfolio: Portfolio

    @property
    def anchor(self) -> Anchor:
        return self.portfolio.anchor

    @property
    def generated_at(self) -> datetime:
        return self.portfolio.generated_at

    @property
    def generated_by(self) -> str:
        return self.portfolio.generated_by


BUILDERS = {"xlsx": portfolio_xlsx, "pdf": portfolio_pdf}
