"""The office's figures report (信访工作统计分析报告) for a month or a quarter, as PDF.

Given plain data: a title, a summary table, charts (printer.charts.BarChart) and
further tables, all already formatted and holding nothing personal. The charts
are reportlab drawings placed in the flow as they are, so the PDF has the same
chart the page shows as SVG, and every font in it is the embedded Chinese one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, LongTable, Paragraph, Spacer, TableStyle

from .charts import BarChart, drawing
from .documents import _build, _esc, _fmt_date, _styles, register_font

WIDTH = A4[0] - 30 * mm


@dataclass(frozen=True)
class FiguresReport:
    office_name: str
    title: str                           # e.g. 2026年第3季度信访工作统计分析
    made_on: dt.date
    summary: Sequence[Sequence[str]]     # header row first
    charts: Sequence[BarChart] = ()
    tables: Sequence[tuple[str, Sequence[Sequence[str]]]] = field(default_factory=tuple)
    note: str = ""


def _table(rows: Sequence[Sequence[str]], font: str, styles) -> LongTable:
    columns = len(rows[0])
    first = 40 * mm if columns > 2 else WIDTH / 2
    widths = [first] + [(WIDTH - first) / (columns - 1)] * (columns - 1)
    size = 8 if columns > 6 else 10
    cell = styles["cell"]
    data = [[cell_text if index else _paragraph(cell_text, cell) for index, cell_text in enumerate(row)]
            for row in rows]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, size),
                               ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                               ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _paragraph(text: str, style) -> Paragraph:
    return Paragraph(_esc(text), style)


def figures_report_pdf(data: FiguresReport, *, font_path: str | None = None) -> bytes:
    font = register_font(font_path)
    styles = _styles(font)
    story = [Paragraph(_esc(data.office_name), styles["title"]), Paragraph(_esc(data.title), styles["title"]),
             Paragraph(f"制表日期：{_fmt_date(data.made_on)}", styles["right"]), Spacer(1, 4 * mm),
             _table(data.summary, font, styles)]
    for chart in data.charts:
        picture = drawing(chart, font=font, width=WIDTH, height=62 * mm)
        story += [Spacer(1, 5 * mm), KeepTogether([picture])]
    for title, rows in data.tables:
        story += [CondPageBreak(40 * mm), Spacer(1, 5 * mm), Paragraph(_esc(title), styles["body"]),
                  Spacer(1, 2 * mm), _table(rows, font, styles)]
    if data.note:
        story += [Spacer(1, 5 * mm), Paragraph(_esc(data.note), styles["cell"])]
    return _build(story, font=font, numbered=True)
