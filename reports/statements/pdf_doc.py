"""The frame of every PDF statement: A4, embedded DejaVu fonts, a page header with the project and the
statement's name, "page X of Y", long tables that split across pages with their header repeated, and the
PDF/A-2b finish (XMP metadata and an sRGB output intent, with pikepdf).

Long tables: reportlab splits one Table of N rows in O(N^2), so :class:`PagedTable` hands reportlab one
page of rows at a time (a window of rows, split where the page ends) and reads its rows from an iterator:
100,000 rows are laid out in linear time and never all held in memory.
"""
from __future__ import annotations

import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path

import pikepdf
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFName, PDFStream
from reportlab.pdfbase.pdfmetrics import registerFontFamily, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle

from .. import formatting
from ..i18n import translator

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
FONTS = {"Cofund": "DejaVuSans.ttf", "Cofund-Bold": "DejaVuSans-Bold.ttf",
         "Cofund-Cond": "DejaVuSansCondensed.ttf", "Cofund-CondBold": "DejaVuSansCondensed-Bold.ttf",
         "Cofund-Mono": "DejaVuSansMono.ttf"}
INSTALL_HINT = "install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)"
MARGIN = 14 * mm
DARK = colors.HexColor("#1F4E79")
ZEBRA = colors.HexColor("#F2F5F9")
RULE = colors.HexColor("#9AA9B8")
TABLE_FONT_SIZE = 7.5
TABLE_LEADING = 9
TOP_PADDING, BOTTOM_PADDING = 1.5, 2
PROGRESS_EVERY = 1000


class FontsMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the DejaVu TrueType fonts (embedded as subsets in every statement)."""
    for name, file_name in FONTS.items():
        path = FONT_DIR / file_name
        if not path.exists():
            raise FontsMissing(f"font {path} not found: {INSTALL_HINT}")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    for family, bold in (("Cofund", "Cofund-Bold"), ("Cofund-Cond", "Cofund-CondBold"), ("Cofund-Mono", "Cofund-Mono")):
        registerFontFamily(family, normal=family, bold=bold, italic=family, boldItalic=bold)
        registerFontFamily(bold, normal=bold, bold=bold, italic=bold, boldItalic=bold)


def style(name: str, size: float = 9, font: str = "Cofund", leading: float | None = None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.3, **kw)


@dataclass(frozen=True)
class Page:
    """What every page shows around its content."""

    project: str  # "LES – Lerende Euregio Scheldemond"
    title: str  # the statement's name
    subject: str  # e.g. "PP3 Howest · claim #4"
    generated: str  # the footer's generation line
    lang: str
    landscape: bool = True

    @property
    def size(self) -> tuple[float, float]:
        return landscape(A4) if self.landscape else A4


class PagedTable(Flowable):
    """A table of any length: rows come from an iterator, and each page gets one Table of the rows that fit.

    Every cell is a string (lines separated by newlines) in one font size, so a row's height is known
    without laying it out: the number of lines times the leading, plus the padding (as reportlab computes
    it). One Table is made per page."""

    def __init__(self, header: list[str], rows: Iterator[list], col_widths: list[float], style_cmds: list,
                 progress: Callable[[int], None] | None = None, done: int = 0, buffer: list | None = None):
        super().__init__()
        self.header, self.rows, self.col_widths, self.style_cmds = header, rows, col_widths, style_cmds
        self.progress, self.done = progress, done
        self.buffer = buffer or []
        self.heights: list[float] = [row_height(r) for r in self.buffer]
        self.header_height = row_height(header)
        self._table: Table | None = None

    def _fit(self, avail_height: float) -> tuple[int, float, bool]:
        """(rows that fit, their height with the header, whether every remaining row fits)."""
        used, count = self.header_height, 0
        while True:
            if count == len(self.buffer):
                row = next(self.rows, None)
                if row is None:
                    return count, used, True
                self.buffer.append(row)
                self.heights.append(row_height(row))
            if used + self.heights[count] > avail_height:
                return count, used, False
            used += self.heights[count]
            count += 1

    def _page_table(self, count: int) -> Table:
        return Table([self.header] + self.buffer[:count], colWidths=self.col_widths, repeatRows=1,
                     style=TableStyle(self.style_cmds))

    def wrap(self, avail_width, avail_height):
        count, height, everything = self._fit(avail_height)
        if everything:
            self._table = self._page_table(count)
            return self._table.wrap(avail_width, avail_height)
        return avail_width, avail_height + 1  # more than this frame holds: the frame asks for a split

    def draw(self):
        self._table.drawOn(self.canv, 0, 0)
        self._count(len(self.buffer))

    def _count(self, n: int) -> None:
        before, self.done = self.done, self.done + n
        if self.progress and before // PROGRESS_EVERY != self.done // PROGRESS_EVERY:
            self.progress(self.done)

    def split(self, avail_width, avail_height):
        count, _, everything = self._fit(avail_height)
        if count == 0:
            return []
        first = self._page_table(count)
        if everything and count == len(self.buffer):
            return [first]
        self._count(count)
        return [first, PagedTable(self.header, self.rows, self.col_widths, self.style_cmds, self.progress, self.done,
                                  self.buffer[count:])]


def row_height(row: list[str]) -> float:
    return TABLE_LEADING * max(1 + cell.count("\n") for cell in row) + TOP_PADDING + BOTTOM_PADDING


def table_style(money_columns: Iterable[int], header_font: str = "Cofund-CondBold") -> list:
    cmds = [("FONTNAME", (0, 0), (-1, -1), "Cofund-Cond"), ("FONTSIZE", (0, 0), (-1, -1), TABLE_FONT_SIZE),
            ("LEADING", (0, 0), (-1, -1), TABLE_LEADING), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, 0), header_font), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), DARK), ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("TOPPADDING", (0, 0), (-1, -1), TOP_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), BOTTOM_PADDING), ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5)]
    for col in money_columns:
        cmds.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    return cmds


def totals_table(cells: list[str], col_widths: list[float], money_columns: Iterable[int]) -> Table:
    cmds = [("FONTNAME", (0, 0), (-1, -1), "Cofund-CondBold"), ("FONTSIZE", (0, 0), (-1, -1), TABLE_FONT_SIZE),
            ("LEADING", (0, 0), (-1, -1), TABLE_LEADING), ("LINEABOVE", (0, 0), (-1, 0), 0.8, DARK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, DARK), ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5)]
    cmds += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in money_columns]
    return Table([cells], colWidths=col_widths, style=TableStyle(cmds))


def fit(text: str, width: float, font: str = "Cofund-Cond", size: float = TABLE_FONT_SIZE) -> str:
    """Text wrapped onto lines that fit the column (a table cell keeps the line breaks)."""
    text = str(text or "")
    if "\n" not in text and (len(text) * size < width - 5 or stringWidth(text, font, size) < width - 5):
        return text  # fits on one line (no glyph is wider than the font size: the first test measures nothing)
    return "\n".join(simpleSplit(text, font, size, width - 5))


def _decorate(page: Page, canvas: Canvas, doc) -> None:
    width, height = page.size
    _ = translator(page.lang)
    canvas.saveState()
    canvas.setFont("Cofund-Bold", 9)
    canvas.setFillColor(DARK)
    canvas.drawString(MARGIN, height - 10 * mm, page.project)
    canvas.drawRightString(width - MARGIN, height - 10 * mm, page.title)
    canvas.setFont("Cofund", 8)
    canvas.setFillColor(colors.black)
    canvas.drawRightString(width - MARGIN, height - 14 * mm, page.subject)
    canvas.setStrokeColor(DARK)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, height - 16 * mm, width - MARGIN, height - 16 * mm)
    canvas.setStrokeColor(RULE)
    canvas.line(MARGIN, 11 * mm, width - MARGIN, 11 * mm)
    canvas.setFont("Cofund", 7.5)
    canvas.drawString(MARGIN, 7 * mm, page.generated)
    # "Page X of " now; Y is a form drawn once the page count is known (forward reference)
    x = width - MARGIN - 9 * mm
    canvas.drawRightString(x, 7 * mm, _("Page %(page)s of", page=canvas.getPageNumber()) + " ")
    canvas.doForm("pagecount")
    canvas.restoreState()


class CompressingCanvas(Canvas):
    """Compresses each page's content when the page is done, instead of keeping every page's text until the
    file is written (2,500 pages of a 100,000-line statement would hold some 150 MB)."""

    def showPage(self):
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if getattr(page, "stream", None) and not page.Contents:
            content = page.stream.encode("utf8") if isinstance(page.stream, str) else page.stream
            stream = PDFStream(content=zlib.compress(content))
            stream.dictionary["Filter"] = PDFName("FlateDecode")  # already applied: reportlab adds none
            stream.__Comment__ = "page stream"
            page.Contents, page.stream = stream, None


class StatementDoc(BaseDocTemplate):
    def __init__(self, buffer, page: Page, meta: dict):
        super().__init__(buffer, pagesize=page.size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm,
                         bottomMargin=15 * mm, title=meta["title"], author=meta["author"],
                         subject=meta.get("subject", ""), creator="Cofund", lang=page.lang,
                         initialFontName="Cofund", initialFontSize=9)
        self.statement_page = page
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("statement", [frame], onPage=partial(_decorate, page))])

    def _endBuild(self):
        """After the last page, and before the file is written: the page count that every footer shows."""
        self._doSave = 0
        super()._endBuild()
        canvas = self.canv
        canvas.beginForm("pagecount")
        canvas.setFont("Cofund", 7.5)
        canvas.drawString(self.statement_page.size[0] - MARGIN - 9 * mm, 7 * mm, str(canvas.getPageNumber() - 1))
        canvas.endForm()
        canvas.save()


def build_pdf(page: Page, story: list, meta: dict) -> bytes:
    """Lay the story out, then finish the file as PDF/A-2b. Through temporary files, and with the layout's
    objects let go first, so that a long statement is never held twice in memory."""
    register_fonts()
    with tempfile.TemporaryDirectory(prefix="cofund-pdf-") as tmp:
        laid_out, finished = Path(tmp) / "laid-out.pdf", Path(tmp) / "pdfa.pdf"
        doc = StatementDoc(str(laid_out), page, meta)
        doc.build(story, canvasmaker=CompressingCanvas)
        del doc
        story.clear()
        pdfa(laid_out, finished, meta)
        return finished.read_bytes()


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _drop_unused_fonts(pdf: pikepdf.Pdf) -> None:
    """Remove fonts without an embedded program from the font resources (reportlab lists Helvetica on every
    page, unused). A guard: refuse if the first pages or the last draw with one (a style without its font
    would show there; reading every page of a long statement again would cost seconds)."""
    pages = list(pdf.pages)
    for number, page in enumerate(pages):
        fonts = page.Resources.get("/Font")
        if fonts is None:
            continue
        missing = [name for name, font in fonts.items() if "/FontDescriptor" not in font]
        if missing and (number < 3 or number == len(pages) - 1):
            contents = page.obj.get("/Contents")
            streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
            raw = b"".join(stream.read_bytes() for stream in streams)
            for name in missing:
                if (name.encode() + b" ") in raw:
                    raise FontsMissing(f"a statement draws with the font {fonts[name].get('/BaseFont')}, "
                                       "which is not embedded")
        for name in missing:
            del fonts[name]


def _pdf_date(moment: datetime) -> str:
    return "D:" + moment.strftime("%Y%m%d%H%M%S") + "Z"


def pdfa(source: Path, target: Path, meta: dict) -> None:
    """PDF/A-2b: XMP metadata that says so and matches the document information, an sRGB output intent,
    only embedded fonts (reportlab lists Helvetica in the resources of every page, unused: removed)."""
    with pikepdf.open(source) as pdf:
        _drop_unused_fonts(pdf)
        icc = pikepdf.Stream(pdf, srgb_profile())
        icc.N = 3
        intent = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
                                    OutputConditionIdentifier="sRGB IEC61966-2.1", Info="sRGB IEC61966-2.1",
                                    DestOutputProfile=icc)
        pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
        pdf.Root.Lang = pikepdf.String(meta["lang"])
        moment = _pdf_date(meta["created"])
        pdf.docinfo["/CreationDate"] = pikepdf.String(moment)
        pdf.docinfo["/ModDate"] = pikepdf.String(moment)
        pdf.docinfo["/Producer"] = pikepdf.String("Cofund (ReportLab, pikepdf)")
        if "/Trapped" in pdf.docinfo:  # no XMP equivalent in PDF/A-2
            del pdf.docinfo["/Trapped"]
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp.load_from_docinfo(pdf.docinfo)
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
            xmp["dc:language"] = [meta["lang"]]
        pdf.save(target, fix_metadata_version=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def money(value, lang: str) -> str:
    return formatting.money(value, lang, sign=False) if value is not None else ""
