"""Charts drawn once with reportlab's graphics: into a PDF as they are, and as SVG for a page.

A `BarChart` is plain data (already-formatted labels, numbers); `drawing` lays it
out as grouped bars with a legend, in the given (registered, embeddable) font.
`svg` renders the same drawing for a web page: inline SVG with presentation
attributes instead of `style` attributes, so a Content-Security-Policy without
'unsafe-inline' lets it show, and a font-family a browser knows. No script, no
request: the page's figures are drawn on the server.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

#: Series colours: the office's calm blue, then an amber and a grey that print apart in grey.
PALETTE = (colors.HexColor("#0d5b7a"), colors.HexColor("#d08c1a"), colors.HexColor("#8a98a5"))
SVG_FONTS = "'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Microsoft YaHei', sans-serif"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    unit: str = ""          # shown after the title, e.g. "件" or "%"
    percent: bool = False   # values are shares in 0..1, drawn as 0..100


def drawing(chart: BarChart, *, font: str, width: float = 480, height: float = 230) -> Drawing:
    """Grouped vertical bars, one colour a series, with the title above and the legend below."""
    scale = 100 if chart.percent else 1
    data = [tuple(0 if value is None else value * scale for value in series.values)
            for series in chart.series] or [(0,)]
    canvas = Drawing(width, height)
    # The renderer's starting font, else Helvetica (which a PDF would name without embedding).
    canvas.initialFontName = font
    title = chart.title + (f"（{chart.unit}）" if chart.unit else "")
    canvas.add(String(width / 2, height - 16, title, fontName=font, fontSize=12, textAnchor="middle"))
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 44, 54, width - 60, height - 86
    bars.data = data
    bars.categoryAxis.categoryNames = [str(name) for name in chart.categories] or [""]
    bars.categoryAxis.labels.fontName = bars.valueAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 7 if len(chart.categories) > 8 else 8
    bars.categoryAxis.labels.angle = 30 if len(chart.categories) > 8 else 0
    bars.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 8 else "n"
    bars.valueAxis.labels.fontSize = 8
    bars.valueAxis.valueMin = 0
    top = max((max(values) for values in data if values), default=0)
    if chart.percent:
        bars.valueAxis.valueMax, bars.valueAxis.valueStep = 100, 20
    elif top <= 5:
        bars.valueAxis.valueMax, bars.valueAxis.valueStep = 5, 1
    bars.barSpacing, bars.groupSpacing = 1, 6
    for index in range(len(data)):
        bars.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        bars.bars[index].strokeColor = None
    canvas.add(bars)
    legend = Legend()
    legend.x, legend.y = 44, 14
    legend.fontName, legend.fontSize = font, 9
    legend.alignment, legend.columnMaximum, legend.deltax = "right", 1, 110
    legend.dxTextSpace, legend.dx, legend.dy = 4, 8, 8
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], series.label) for i, series in enumerate(chart.series)]
    canvas.add(legend)
    return canvas


_STYLE = re.compile(r' style="([^"]*)"')


def _attributes(match: re.Match) -> str:
    pairs = [part.split(":", 1) for part in match.group(1).split(";") if ":" in part]
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs
                   if name.strip() != "font-family")


def svg(canvas: Drawing, *, title: str, chart_id: str) -> str:
    """The drawing as inline SVG for a page: presentation attributes, a unique clip id, a title."""
    text = renderSVG.drawToString(canvas)
    text = text[text.index("<svg"):]
    text = _STYLE.sub(_attributes, text)
    text = text.replace('id="clip"', f'id="{chart_id}-clip"').replace("url(#clip)", f"url(#{chart_id}-clip)")
    text = text.replace('id="group"', f'id="{chart_id}-group"')
    text = text.replace("<title>...</title>", f"<title>{html.escape(title)}</title>", 1)
    text = text.replace("<desc>...</desc>", "", 1)
    text = text.replace("<text ", f'<text font-family="{SVG_FONTS}" ')
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(title)}" data-chart="{chart_id}" ', 1)
