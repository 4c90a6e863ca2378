"""The progress report as a PDF/A-2b file (A4 landscape): per indicator its facts and a table of the
periods (target, achieved, cumulative, cumulative target), the year targets, and at the end where the
figures stand in the audit trail."""
from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import KeepTogether

from .. import formatting
from ..i18n import translator
from ..statements.common import generated_line
from ..statements.pdf_doc import Page, build_pdf, register_fonts
from ..statements.pdf_parts import H1, H2, SMALL, SUBTITLE, anchor_block, facts, para, table
from ..statements.pdf_statements import LANDSCAPE_WIDTH
from .common import kind_label, period_label, quantity, source_label, status_label
from .data import ProgressReport


def progress_pdf(data: ProgressReport, lang: str) -> bytes:
    register_fonts()
    _ = translator(lang)
    h = data.header
    title = _("Progress report")
    subject = _("at %(date)s", date=formatting.day(h.generated_at, lang))
    page = Page(project=f"{h.project_code} – {h.project_name}", title=title, subject=subject,
                generated=generated_line(h, lang), lang=lang)
    width = LANDSCAPE_WIDTH
    story = [para(title, H1), para(f"{h.programme} · {h.project_code} – {h.project_name} · {subject}", SUBTITLE)]
    if data.scope_note:
        story.append(para(data.scope_note, SMALL))
    story.append(para(_("Accepted values only; the participants indicator of the small-grants fund counts the "
                        "participants reached of its reported and closed actions."), SMALL))
    if not data.indicators:
        story.append(para(_("The project has no indicators yet."), SUBTITLE))
    for ind in data.indicators:
        q = lambda v: quantity(v, lang)  # noqa: E731
        block = [para(f"{ind.code} {ind.name}", H2), facts([
            (_("Type"), kind_label(ind.kind, lang)), (_("Source"), source_label(ind.source, lang)),
            (_("Unit"), ind.unit), (_("Baseline"), q(ind.baseline)), (_("Target"), q(ind.target)),
            (_("Achieved"), q(ind.achieved) + (f" ({formatting.number(ind.share, lang, 1)}%)"
                                                if ind.share is not None else "")),
            (_("Status"), status_label(ind.behind, lang)),
            (_("Partners"), ", ".join(ind.partners) or "–")], width / 2, 0.4)]
        story.append(KeepTogether(block))
        widths = [width * 0.14, width * 0.2] + [width * 0.66 / 5] * 5
        rows = [[period_label(p.number, lang), formatting.date_range(p.start, p.end, lang), q(p.target),
                 q(p.achieved), q(p.cumulative), q(p.cumulative_target), q(p.pending) if p.pending else ""]
                for p in ind.periods]
        story += table([_("Period"), _("Dates"), _("Target of the period"), _("Achieved"), _("Cumulative"),
                        _("Cumulative target"), _("Reported, not yet accepted")], widths, rows, [2, 3, 4, 5, 6],
                       [_("Total"), "", q(sum((p.target or Decimal(0) for p in ind.periods), Decimal(0))) if any(
                           p.target is not None for p in ind.periods) else "", q(ind.achieved), "", "",
                        ""])
        if ind.years:
            widths = [width * 0.14] + [width * 0.12] * 2
            story += table([_("Year"), _("Target"), _("Achieved")], widths,
                           [[str(y.year), q(y.target), q(y.achieved)] for y in ind.years], [1, 2])
    story.append(anchor_block(h, lang))
    meta = {"title": f"{title} – {h.project_code}", "author": h.generated_by, "subject": subject, "lang": lang,
            "created": h.generated_at}
    return build_pdf(page, story, meta)
