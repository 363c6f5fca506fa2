"""Formal documents as PDF (reportlab), with an embedded Chinese font.

来访登记回执 (registration receipt), 受理告知书 (acceptance notice),
不予受理告知书 (not-accepted notice), the day's register 接待登记簿 and the
monthly statistics report. Each function takes plain dataclasses and returns
PDF bytes. The font must be TrueType-outlined (.ttf or .ttc): reportlab
cannot embed the CFF-based OpenType of Noto CJK, so we look for WenQuanYi
Zen Hei (Debian `fonts-wqy-zenhei`) and similar, or take the path the
KIOSK_PDF_FONT setting gives. Documents print what they are given: the app
masks personal data (保密) and formats the query code before it calls them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_SETTING = "KIOSK_PDF_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


class FontNotFoundError(RuntimeError):
    """No embeddable Chinese TrueType font: set KIOSK_PDF_FONT."""


@lru_cache(maxsize=8)
def register_font(path: str | None = None) -> str:
    """Register a Chinese TrueType font with reportlab and return its name.

    `path` comes from the KIOSK_PDF_FONT setting; without it the usual
    Debian locations are tried in order.
    """
    candidates = [path] if path else [p for p in FONT_CANDIDATES if os.path.exists(p)]
    errors = []
    for candidate in candidates:
        name = f"JiedaiCJK-{abs(hash(candidate)) & 0xFFFFFF:06x}"
        try:
            pdfmetrics.registerFont(TTFont(name, candidate, subfontIndex=0))
        except (TTFError, OSError) as exc:
            errors.append(f"{candidate}: {exc}")
            continue
        return name
    detail = "; ".join(errors) if errors else "none of " + ", ".join(FONT_CANDIDATES) + " exists"
    raise FontNotFoundError(
        f"no embeddable Chinese TrueType font ({detail}). Install fonts-wqy-zenhei or set "
        f"{FONT_SETTING} to a .ttf/.ttc with TrueType outlines (Noto CJK .ttc/.otf is CFF and "
        "cannot be embedded)."
    )


def _styles(font: str) -> dict[str, ParagraphStyle]:
    # wordWrap="CJK" lets reportlab break between Chinese characters.
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=28, alignment=TA_CENTER,
                                spaceAfter=12),
        "body": base,
        # A notice's paragraphs open with a two-character indent (首行缩进两字).
        "paragraph": ParagraphStyle("paragraph", parent=base, firstLineIndent=2 * base.fontSize),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


def _build(story: list, *, font: str, pagesize=A4, numbered: bool = False) -> bytes:
    buffer = io.BytesIO()
    # The canvas starts in our font, not reportlab's Helvetica, so the PDF names no font it
    # does not embed.
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, invariant=1,
                            initialFontName=font)
    if numbered:
        doc.build(story, canvasmaker=_numbered_canvas(font, pagesize))
    else:
        doc.build(story)
    return buffer.getvalue()


def _numbered_canvas(font: str, pagesize):
    """A canvas that knows the page count: pages are held until save()."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(font, 9)
                self.drawCentredString(pagesize[0] / 2, 8 * mm, f"第 {number} 页 共 {total} 页")
                super().showPage()
            super().save()

    return NumberedCanvas


def _fmt_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class Petitioner:
    """The person a document is about, as printed: already masked by the caller."""

    name: str
    id_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class RegistrationReceipt:
    """来访登记回执: proof that a visit was registered."""

    office_name: str
    query_code: str
    registered_at: dt.datetime  # aware, UTC
    petitioner: Petitioner
    matter_summary: str
    materials: str = ""
    ticket_number: str = ""
    receptionist: str = ""


@dataclass(frozen=True)
class Notice:
    """受理告知书 / 不予受理告知书: the written decision within 15 days."""

    office_name: str
    document_number: str  # 文号
    petitioner: Petitioner
    received_on: dt.date
    decided_on: dt.date
    matter_summary: str
    query_code: str
    handling_body: str = ""  # accepted: who handles it
    reply_due_on: dt.date | None = None  # accepted: 60-day limit
    reason: str = ""  # not accepted
    proper_channel: str = ""  # not accepted: where to go instead


@dataclass(frozen=True)
class RegisterRow:
    """One line of the day's register (接待登记簿), personal data already masked."""

    serial: int
    time: str
    ticket_number: str
    name: str
    id_number: str
    phone: str
    category: str
    matter_summary: str
    disposition: str
    receptionist: str


@dataclass(frozen=True)
class MonthlyStatistics:
    """Figures for the monthly report; each section is (label, count) pairs."""

    office_name: str
    year: int
    month: int
    totals: Sequence[tuple[str, int | str]]
    sections: Sequence[tuple[str, Sequence[tuple[str, int]]]]


def _fields_table(rows: list[tuple[str, str]], styles) -> Table:
    data = [[Paragraph(label, styles["body"]), Paragraph(_esc(value), styles["body"])]
            for label, value in rows]
    table = Table(data, colWidths=[35 * mm, 140 * mm])
    # The cells' own font too: a table sets it on the canvas even for paragraph cells.
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), styles["body"].fontName),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _esc(text: str) -> str:
    # Paragraph parses a mini-markup: a petitioner's "<" must stay a character.
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def registration_receipt_pdf(data: RegistrationReceipt, *, font_path: str | None = None) -> bytes:
    font = register_font(font_path)
    styles = _styles(font)
    local = data.registered_at.astimezone(ZoneInfo("Asia/Shanghai"))
    p = data.petitioner
    story = [
        Paragraph(_esc(data.office_name), styles["body"]),
        Paragraph("来访登记回执", styles["title"]),
        _fields_table([
            ("登记时间", f"{_fmt_date(local.date())} {local:%H:%M}"),
            ("号码", data.ticket_number),
            ("姓名", p.name),
            ("身份证号", p.id_number),
            ("联系电话", p.phone),
            ("反映事项", data.matter_summary),
            ("提交材料", data.materials or "无"),
            ("查询码", data.query_code),
            ("接待人", data.receptionist),
        ], styles),
        Spacer(1, 8 * mm),
        Paragraph("本机关将在十五日内告知是否受理。凭查询码可在接待大厅自助机或网上查询办理进度。"
                  "请妥善保管本回执。", styles["body"]),
    ]
    return _build(story, font=font)


def _notice_pdf(data: Notice, title: str, paragraphs: list[str], font_path: str | None) -> bytes:
    font = register_font(font_path)
    styles = _styles(font)
    story = [
        Paragraph(_esc(data.office_name), styles["title"]),
        Paragraph(title, styles["title"]),
        Paragraph(_esc(data.document_number), styles["right"]),
        Spacer(1, 4 * mm),
        Paragraph(_esc(data.petitioner.name) + "：", styles["body"]),
    ]
    story += [Paragraph(_esc(text), styles["paragraph"]) for text in paragraphs]
    story += [
        Spacer(1, 12 * mm),
        Paragraph(_esc(data.office_name), styles["right"]),
        Paragraph(_fmt_date(data.decided_on), styles["right"]),
    ]
    return _build(story, font=font)


def acceptance_notice_pdf(data: Notice, *, font_path: str | None = None) -> bytes:
    """受理告知书."""
    due = f"，并于{_fmt_date(data.reply_due_on)}前书面答复" if data.reply_due_on else ""
    return _notice_pdf(data, "受理告知书", [
        f"你于{_fmt_date(data.received_on)}反映的“{data.matter_summary}”一事，"
        f"经审查，符合受理条件，本机关决定予以受理，由{data.handling_body or '本机关'}办理{due}。",
        f"你可凭查询码 {data.query_code} 查询办理进度。对处理意见不服的，"
        "可以自收到书面答复之日起三十日内请求复查。",
    ], font_path)


def not_accepted_notice_pdf(data: Notice, *, font_path: str | None = None) -> bytes:
    """不予受理告知书: the reason and the proper channel."""
    if not data.reason or not data.proper_channel:
        raise ValueError("a not-accepted notice needs the reason and the proper channel")
    return _notice_pdf(data, "不予受理告知书", [
        f"你于{_fmt_date(data.received_on)}反映的“{data.matter_summary}”一事，"
        f"经审查，不予受理。理由：{data.reason}",
        f"根据《信访工作条例》的规定，请你通过以下途径反映：{data.proper_channel}",
    ], font_path)


REGISTER_COLUMNS = ("序号", "时间", "号码", "姓名", "身份证号", "电话", "类别", "反映事项",
                    "处理方式", "接待人")


def day_register_pdf(office_name: str, day: dt.date, rows: Sequence[RegisterRow], *,
                     font_path: str | None = None) -> bytes:
    """接待登记簿: landscape A4, header repeated on each page, 第 n 页 共 m 页."""
    font = register_font(font_path)
    styles = _styles(font)
    cell = styles["cell"]
    data: list[list] = [list(REGISTER_COLUMNS)]
    for row in rows:
        # Only the free-text column is a Paragraph (it wraps); plain strings
        # keep a 500-row register fast.
        data.append([str(row.serial), row.time, row.ticket_number, row.name,
                     row.id_number, row.phone, row.category,
                     Paragraph(_esc(row.matter_summary), cell), row.disposition,
                     row.receptionist])
    widths = [12, 16, 14, 18, 38, 24, 22, 80, 24, 19]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    title = f"{_esc(office_name)}接待登记簿（{_fmt_date(day)}）"
    story = [Paragraph(title, styles["title"]), table]
    if not rows:
        story.append(Paragraph("本日无来访登记。", styles["body"]))
    return _build(story, font=font, pagesize=landscape(A4), numbered=True)


def monthly_statistics_pdf(data: MonthlyStatistics, *, font_path: str | None = None) -> bytes:
    """The monthly statistics report (信访工作月度统计)."""
    font = register_font(font_path)
    styles = _styles(font)
    story = [Paragraph(f"{_esc(data.office_name)}{data.year}年{data.month}月信访工作统计",
                       styles["title"])]

    def table(rows: list[list[str]]) -> Table:
        t = Table(rows, colWidths=[110 * mm, 50 * mm])
        t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 10),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT")]))
        return t

    story.append(table([[label, str(value)] for label, value in data.totals]))
    for title, pairs in data.sections:
        story += [Spacer(1, 6 * mm), Paragraph(_esc(title), styles["body"]),
                  table([["项目", "数量"]] + [[label, str(count)] for label, count in pairs])]
    return _build(story, font=font, numbered=True)
