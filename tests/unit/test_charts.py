"""The server-drawn SVG charts: named and described for assistive technology, text escaped, sound on empty
and zero data, bars to scale."""
import re
from decimal import Decimal

from app import charts


def tick(value):
    return f"{value:.0f}"


def test_a_bar_chart_is_an_image_named_by_its_title_and_description():
    svg = charts.bar_chart("c1", "Budget <per> partner", 'Bars & "figures"', ["PP1 <b>A</b>", "PP2 B"],
                           [charts.Series("Budget", [Decimal("100.00"), Decimal("50.00")]),
                            charts.Series("Paid", [Decimal("25.00"), Decimal("0")])], tick)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="c1" role="img" '
                          'aria-labelledby="c1-title c1-desc"')
    assert '<title id="c1-title">Budget &lt;per&gt; partner</title>' in svg
    assert "<desc id=\"c1-desc\">Bars &amp; &#34;figures&#34;</desc>" in svg
    assert "PP1 &lt;b&gt;A&lt;/b&gt;" in svg and "<b>" not in svg
    widths = [float(w) for w in re.findall(r'<rect x="4" y="[\d.]+" width="([\d.]+)" height="9"', svg)]
    # budget 100 and 50, paid 25 and 0, on an axis up to 100 over 400 px of plot
    assert widths == [400.0, 100.0, 200.0, 0.0]


def test_charts_of_nothing_are_drawn_without_dividing_by_zero():
    assert "</svg>" in charts.bar_chart("c2", "t", "d", [], [charts.Series("Budget", [])], tick)
    line = charts.line_chart("c3", "t", "d", ["P1"], [charts.Series("Budget", [Decimal(0)])], tick)
    assert 'role="img"' in line and "<circle" in line


def test_the_axis_ends_on_a_round_number_at_or_above_the_largest_value():
    assert charts._nice_max(Decimal("2763165.00")) == Decimal("3000000")
    assert charts._nice_max(Decimal("198500")) == Decimal("200000")
    assert charts._nice_max(Decimal("0")) == 1
