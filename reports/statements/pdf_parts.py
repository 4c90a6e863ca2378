"""Pieces the PDF statements are made of: title, facts, a table with totals, the anchor block."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape  # nosec B406  # escapes text for reportlab's markup; parses no XML

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..i18n import translator
from .common import anchor_lines, generated_line, titles
from .data import Header
from .pdf_doc import DARK, RULE, Page, PagedTable, fit, style, table_style, totals_table

H1 = style("h1", 15, "Cofund-Bold", textColor=DARK, spaceAfter=2)
H2 = style("h2", 10.5, "Cofund-Bold", textColor=DARK, spaceBefore=8, spaceAfter=4)
SUBTITLE = style("subtitle", 9.5, "Cofund", spaceAfter=6)
TEXT = style("text", 8.5, "Cofund", leading=11)
SMALL = style("small", 7.5, "Cofund", leading=9.5, textColor=colors.HexColor("#333333"))
MONO = style("mono", 7, "Cofund-Mono", leading=9)


def para(text: str, st=TEXT) -> Paragraph:
    """User text is escaped: it is never read as markup."""
    return Paragraph(escape(str(text)), st)


def page_frame(kind: str, header: Header, subject: str, lang: str, landscape: bool = True) -> Page:
    return Page(project=f"{header.project_code} – {header.project_name}", title=titles(lang)[kind],
                subject=subject, generated=generated_line(header, lang), lang=lang, landscape=landscape)


def meta(kind: str, header: Header, subject: str, lang: str) -> dict:
    title = f"{titles(lang)[kind]} – {header.project_code}" + (f" – {subject}" if subject else "")
    return {"title": title, "author": header.generated_by, "subject": subject, "lang": lang,
            "created": header.generated_at}


def title_block(kind: str, header: Header, subject: str, lang: str) -> list:
    return [para(titles(lang)[kind], H1), para(f"{header.programme} · {header.project_code} – "
                                                 f"{header.project_name}" + (f" · {subject}" if subject else ""),
                                                 SUBTITLE)]


def facts(rows: list[tuple[str, str]], width: float, label_share: float = 0.42) -> Table:
    """Label and value pairs, the values wrapped to the column."""
    label_w = width * label_share
    data = [[fit(label, label_w, "Cofund-CondBold", 8), fit(value, width - label_w, "Cofund-Cond", 8)]
            for label, value in rows]
    return Table(data, colWidths=[label_w, width - label_w], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (0, -1), "Cofund-CondBold"), ("FONTNAME", (1, 0), (1, -1), "Cofund-Cond"),
        ("FONTSIZE", (0, 0), (-1, -1), 8), ("LEADING", (0, 0), (-1, -1), 10), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))


def side_by_side(left: Table, right: Table, width: float) -> Table:
    gap = 6 * mm
    return Table([[left, right]], colWidths=[(width - gap) / 2 + gap, (width - gap) / 2],
                 style=TableStyle([("FONTNAME", (0, 0), (-1, -1), "Cofund"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (0, 0), gap), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))


def table(headings: list[str], widths: list[float], rows: Iterable[list], money_columns: list[int],
          totals: list[str] | Callable[[], list[str]] | None = None, wrap: Iterable[int] = (), mono: Iterable[int] = (),
          progress: Callable[[int], None] | None = None) -> list:
    """A table of any length with its totals row; cells in ``wrap`` columns are wrapped to their width."""
    wrap = set(wrap)
    header = [fit(h, w, "Cofund-CondBold") for h, w in zip(headings, widths, strict=True)]

    def cells():
        for row in rows:
            yield [fit(v, widths[i]) if i in wrap else ("" if v is None else str(v)) for i, v in enumerate(row)]

    cmds = table_style(money_columns)
    for col in mono:
        cmds += [("FONTNAME", (col, 1), (col, -1), "Cofund-Mono"), ("FONTSIZE", (col, 1), (col, -1), 5.6)]
    flowables: list = [PagedTable(header, cells(), widths, cmds, progress)]
    if callable(totals):  # computed once the rows went by (they may be streamed)
        flowables.append(Deferred(lambda: totals_table(totals(), widths, money_columns)))
    elif totals is not None:
        flowables.append(totals_table(totals, widths, money_columns))
    return flowables


class Deferred(Flowable):
    """A flowable made when the layout reaches it: a totals row under rows that were streamed."""

    def __init__(self, make):
        super().__init__()
        self.make, self._made = make, None

    def _flowable(self):
        if self._made is None:
            self._made = self.make()
        return self._made

    def wrap(self, avail_width, avail_height):
        return self._flowable().wrap(avail_width, avail_height)

    def split(self, avail_width, avail_height):
        return self._flowable().split(avail_width, avail_height)

    def draw(self):
        self._made.drawOn(self.canv, 0, 0)


def anchor_block(header: Header, lang: str) -> KeepTogether:
    """The last thing in every PDF: when it was made, the audit chain's head and its signed checkpoint."""
    _ = translator(lang)
    lines = anchor_lines(header.anchor, lang)
    body = [Spacer(1, 5 * mm), para(_("Anchoring in the audit trail"), H2), para(generated_line(header, lang), SMALL)]
    body += [para(text, SMALL if i == 0 else MONO if "base64" in text else SMALL) for i, text in enumerate(lines)]
    body.append(para(_("Anyone holding the installation's public key (flask audit public-key) can check the "
                       "signature of the checkpoint; `flask audit verify` checks the chain against it."), SMALL))
    return KeepTogether(body)


def split_hash(value: str) -> str:
    return f"{value[:32]}\n{value[32:]}" if len(value) > 32 else value
