"""信访事项督办单: the office's written supervision of a case, one section per body charged.

It prints what it is given: the app masks the petitioner (保密) before it calls
`supervision_sheet_pdf`. The font is the same embedded Chinese TrueType font as
every other document (printer.documents.register_font).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from .documents import _build, _esc, _fmt_date, _styles, register_font


@dataclass(frozen=True)
class ChargedBody:
    """One body's part of the supervision: its due date, the reminders sent and its answer."""

    name: str
    due_on: dt.date
    reminders: Sequence[tuple[dt.date, str]] = ()
    answer: str = ""
    answered_on: dt.date | None = None


@dataclass(frozen=True)
class SupervisionSheet:
    office_name: str
    document_number: str          # 督办〔2026〕12号
    petitioner: str               # masked: 张*三
    registered_on: dt.date
    hall: str                     # where the visit was received
    category: str
    matter_summary: str           # the app's summary, nothing personal
    disposition: str              # 转送 / 交办, with to whom
    issued_on: dt.date
    joint: bool = False
    requirements: str = ""
    bodies: Sequence[ChargedBody] = field(default_factory=tuple)


def _grid(rows: list[list], widths: list[float], font: str) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 10),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))
    return table


def supervision_sheet_pdf(data: SupervisionSheet, *, font_path: str | None = None) -> bytes:
    font = register_font(font_path)
    styles = _styles(font)
    cell = styles["body"]
    p = lambda text: Paragraph(_esc(text), cell)  # noqa: E731
    title = "信访事项联合督办单" if data.joint else "信访事项督办单"
    story = [Paragraph(_esc(data.office_name), styles["title"]), Paragraph(title, styles["title"]),
             Paragraph(_esc(data.document_number), styles["right"]), Spacer(1, 4 * mm),
             _grid([[p("来访人"), p(data.petitioner)],
                    [p("登记日期"), p(_fmt_date(data.registered_on))],
                    [p("接待地点"), p(data.hall)],
                    [p("类别"), p(data.category)],
                    [p("反映事项"), p(data.matter_summary)],
                    [p("处理方式"), p(data.disposition)],
                    [p("督办要求"), p(data.requirements or "请按期办结，并将办理结果书面报送本机关。")]],
                   [30, 150], font)]
    for number, body in enumerate(data.bodies, start=1):
        reminders = "；".join(f"{_fmt_date(day)}：{note}" for day, note in body.reminders) or "无"
        answer = f"{_fmt_date(body.answered_on)}：{body.answer}" if body.answered_on else "尚未答复"
        heading = f"承办单位{number}：{body.name}" if data.joint else f"承办单位：{body.name}"
        story.append(KeepTogether([
            Spacer(1, 5 * mm), Paragraph(_esc(heading), cell),
            _grid([[p("办理时限"), p(_fmt_date(body.due_on) + "前")],
                   [p("催办记录"), p(reminders)],
                   [p("办理结果"), p(answer)]], [30, 150], font)]))
    story += [Spacer(1, 12 * mm), Paragraph(_esc(data.office_name), styles["right"]),
              Paragraph(_fmt_date(data.issued_on), styles["right"])]
    return _build(story, font=font)
