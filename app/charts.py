"""Charts drawn on the server as SVG: no script, no library, no request to another site.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(``aria-labelledby``); the page shows the same numbers as a table next to it (templates/dashboard/_chart.html),
which is what a screen reader reads. Plain data in (labels, Decimals, a formatter), markup out; colours have
at least 3:1 contrast against white, and each series also differs in its pattern of position (a legend and a
fixed order), never in colour alone.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

# Blue, orange, green, purple: distinguishable for the common colour-vision deficiencies, 3:1+ on white.
COLOURS = ("#1f5fa8", "#b35900", "#2d7a3a", "#6b3fa0")
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal]


def _nice_max(value: Decimal) -> Decimal:
    """A round upper bound for the axis: 1, 2, 2.5 or 5 times a power of ten, at least the value."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, Decimal("1.5"), 2, Decimal("2.5"), 3, 4, 5, 6, 8, 10):
        if value <= magnitude * step:
            return magnitude * step
    return magnitude * 10


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "start", fill: str = "#1d2733",
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" {FONT}>{escape(text)}</text>')


def _legend(series: Sequence[Series], y: float, width: int) -> tuple[list[str], float]:
    """The legend as rows of swatches and names; returns the parts and the height used."""
    parts, x, row = [], 0.0, 0
    for i, s in enumerate(series):
        room = 34 + 7 * len(s.name)
        if x and x + room > width:
            x, row = 0.0, row + 1
        top = y + row * 20
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="14" height="14" fill="{COLOURS[i % 4]}"/>')
        parts.append(_text(x + 19, top + 12, s.name))
        x += room
    return parts, (row + 1) * 20 + 6


def _open(chart_id: str, title: str, desc: str, width: int, height: float) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" viewBox="0 0 {width} {height:.0f}" '
            f'preserveAspectRatio="xMinYMin meet">'
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>')


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series],
              tick: Callable[[Decimal], str], width: int = 420) -> Markup:
    """Horizontal grouped bars: for each label (a partner, a cost category) one bar per series, on one
    scale. Labels stand above their bars, so long names fit a phone."""
    bar, gap, label_h, left, right = 9, 2, 16, 4, 16
    top_legend, legend_h = 4, 0.0
    legend, legend_h = _legend(series, top_legend, width)
    axis_top = top_legend + legend_h + 14
    group_h = label_h + len(series) * (bar + gap) + 10
    height = axis_top + 6 + len(labels) * group_h + 4
    peak = _nice_max(max((v for s in series for v in s.values), default=Decimal(0)))
    plot = width - left - right
    parts = [_open(chart_id, title, desc, width, height), *legend]
    for i in range(5):  # grid lines and ticks at 0, 25, 50, 75, 100% of the axis
        x = left + plot * i / 4
        parts.append(f'<line x1="{x:.1f}" y1="{axis_top:.1f}" x2="{x:.1f}" y2="{height - 4:.1f}" '
                     f'stroke="#c7ced8" stroke-width="1"/>')
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(_text(x, axis_top - 3, tick(peak * i / 4), 10, anchor, "#4a5563"))
    y = axis_top + 6
    for g, label in enumerate(labels):
        parts.append(_text(left, y + 12, label, 12, weight="600"))
        y += label_h
        for i, s in enumerate(series):
            value = s.values[g] if g < len(s.values) else Decimal(0)
            w = plot * (min(value, peak) / peak) if value > 0 else Decimal(0)  # exact, formatted once
            parts.append(f'<rect x="{left}" y="{y:.1f}" width="{max(w, Decimal(0)):.1f}" height="{bar}" '
                         f'fill="{COLOURS[i % 4]}"/>')
            y += bar + gap
        y += 10
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 # every text in parts went through escape(); the rest are numbers


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series],
               tick: Callable[[Decimal], str], axis: str = "", width: int = 420, height: int = 250) -> Markup:
    """Lines over the labels (reporting periods), one per series, each point marked (the marks differ per
    series: circle, square, diamond), on one scale from zero."""
    legend, legend_h = _legend(series, 4, width)
    left, right, bottom = 64, 14, 40
    top = 4 + legend_h + 10
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for s in series for v in s.values), default=Decimal(0)))
    parts = [_open(chart_id, title, desc, width, height), *legend]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#c7ced8" '
                     f'stroke-width="1"/>')
        parts.append(_text(left - 6, y + 4, tick(peak * i / 4), 10, "end", "#4a5563"))
    n = len(labels)

    def x_of(k: int) -> float:
        return left + (plot_w * k / (n - 1) if n > 1 else plot_w / 2)

    for k, label in enumerate(labels):
        parts.append(_text(x_of(k), height - bottom + 16, label, 11, "middle", "#4a5563"))
    if axis:
        parts.append(_text(left + plot_w / 2, height - 6, axis, 11, "middle", "#4a5563"))
    for i, s in enumerate(series):
        colour = COLOURS[i % 4]
        points = [(x_of(k), top + plot_h - plot_h * (min(v, peak) / peak)) for k, v in enumerate(s.values)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for x, y in points:
            if i % 3 == 0:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
            elif i % 3 == 1:
                parts.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>')
            else:
                parts.append(f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} '
                             f'L{x - 5:.1f} {y:.1f} Z" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 # every text in parts went through escape(); the rest are numbers
