"""One indicator's progress as an SVG chart, made on the server (no script): a bar per period for what was
achieved in it, a line for the cumulative achievement, a dashed line for the cumulative target of the periods
(when targets per period were set) and a dotted line for the total target. Presentation attributes only (no
style attributes: the Content-Security-Policy forbids inline styles); every text is escaped. The numbers are
shown next to it as a table; the chart repeats them for the eye."""
from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr  # nosec B406  # escapes text for SVG; parses no XML

from ..i18n import translator
from .common import quantity
from .data import IndicatorProgress

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 58
BAR, CUMULATIVE, TARGET, TOTAL = "#1F4E79", "#C55A11", "#548235", "#7F7F7F"


def _nice_max(value: Decimal) -> Decimal:
    """A round upper bound for the axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(1)
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 5, 10):
        if power * step >= value:
            return power * step
    return power * 10  # pragma: no cover


def progress_chart(ind: IndicatorProgress, lang: str) -> str:
    _ = translator(lang)
    periods = ind.periods
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max([ind.target, *(p.cumulative for p in periods), *(p.achieved + p.pending for p in periods),
                *(p.cumulative_target or 0 for p in periods)] or [Decimal(0)])
    top = _nice_max(Decimal(peak))

    def y(value) -> str:
        return f"{TOP + plot_h - Decimal(value) / top * plot_h:.1f}"

    slot = plot_w / max(len(periods), 1)

    def x(i: int) -> float:
        return LEFT + slot * i + slot / 2

    title = _("%(code)s %(name)s: achieved per period and cumulative, against the target", code=ind.code,
              name=ind.name)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'class="chart" aria-label={quoteattr(title)}>', f"<title>{escape(title)}</title>"]
    steps = next((n for n in (4, 5, 2) if top >= n and top % n == 0), 4)
    for i in range(steps + 1):  # the grid and the axis
        value = top * i / steps
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" y2="{y(value)}" stroke="#DDDDDD" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{Decimal(y(value)) + 4:.1f}" text-anchor="end" font-size="11" '
                   f'fill="#333333">{escape(quantity(value.normalize() if value else Decimal(0), lang))}</text>')
    bar_w = min(slot * 0.5, 48)
    for i, p in enumerate(periods):
        if p.achieved:
            out.append(f'<rect x="{x(i) - bar_w / 2:.1f}" y="{y(p.achieved)}" width="{bar_w:.1f}" '
                       f'height="{Decimal(y(0)) - Decimal(y(p.achieved)):.1f}" fill="{BAR}">'
                       f'<title>{escape(_("Period %(number)s", number=p.number))}: '
                       f'{escape(quantity(p.achieved, lang))}</title></rect>')
        if p.pending:
            out.append(f'<rect x="{x(i) - bar_w / 2:.1f}" y="{y(p.achieved + p.pending)}" width="{bar_w:.1f}" '
                       f'height="{Decimal(y(p.achieved)) - Decimal(y(p.achieved + p.pending)):.1f}" fill="none" '
                       f'stroke="{BAR}" stroke-dasharray="3 2"/>')
        out.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 15}" text-anchor="middle" font-size="11" '
                   f'fill="#333333">{escape(_("P%(number)s", number=p.number))}</text>')
    if ind.target:
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(ind.target)}" y2="{y(ind.target)}" '
                   f'stroke="{TOTAL}" stroke-width="1.5" stroke-dasharray="2 3"/>')
    targets = [(i, p.cumulative_target) for i, p in enumerate(periods) if p.cumulative_target is not None]
    if targets:
        points = " ".join(f"{x(i):.1f},{y(v)}" for i, v in targets)
        out.append(f'<polyline points="{points}" fill="none" stroke="{TARGET}" stroke-width="2" '
                   f'stroke-dasharray="6 4"/>')
    # the cumulative line up to the last period with figures (later periods have nothing reported yet)
    last = max((i for i, p in enumerate(periods) if p.achieved or p.pending), default=-1)
    if last >= 0:
        shown = list(enumerate(periods))[:last + 1]
        points = " ".join(f"{x(i):.1f},{y(p.cumulative)}" for i, p in shown)
        out.append(f'<polyline points="{points}" fill="none" stroke="{CUMULATIVE}" stroke-width="2.5"/>')
        out += [f'<circle cx="{x(i):.1f}" cy="{y(p.cumulative)}" r="3" fill="{CUMULATIVE}"/>' for i, p in shown]
    legend = [(BAR, "rect", _("achieved in the period")), (CUMULATIVE, "line", _("cumulative"))]
    if targets:
        legend.append((TARGET, "dash", _("cumulative target")))
    if ind.target:
        legend.append((TOTAL, "dot", _("target %(value)s", value=quantity(ind.target, lang))))
    lx = LEFT
    ly = HEIGHT - 18
    for colour, shape, text in legend:
        if shape == "rect":
            out.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" fill="{colour}"/>')
        else:
            dash = {"line": "", "dash": ' stroke-dasharray="6 4"', "dot": ' stroke-dasharray="2 3"'}[shape]
            out.append(f'<line x1="{lx}" x2="{lx + 14}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                       f'stroke-width="2.5"{dash}/>')
        out.append(f'<text x="{lx + 18}" y="{ly}" font-size="11" fill="#333333">{escape(text)}</text>')
        lx += 26 + len(text) * 6
    out.append("</svg>")
    return "".join(out)
