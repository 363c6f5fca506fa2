"""The office's documents: the 督办单 and the figures report with its charts, fonts embedded."""

from __future__ import annotations

import datetime as dt
import re

from printer.charts import PALETTE, BarChart, Series, drawing, svg
from printer.documents import register_font
from printer.reports import FiguresReport, figures_report_pdf
from printer.supervision import ChargedBody, SupervisionSheet, supervision_sheet_pdf
from tests.support.pdf import colour_share, fonts_of, pages_as_png, text_of

SHEET = SupervisionSheet(
    office_name="某某区人大常委会信访办公室", document_number="督办〔2026〕7号", petitioner="王*明",
    registered_on=dt.date(2026, 10, 9), hall="第一接待大厅", category="申诉求决",
    matter_summary="小区路灯长期不亮<夜间>出行不便", disposition="交办：区住建局，限2026-11-20前办结",
    issued_on=dt.date(2026, 11, 23), joint=True, requirements="请于时限内书面报告办理结果。",
    bodies=[ChargedBody("区住建局", dt.date(2026, 11, 20), [(dt.date(2026, 11, 21), "电话催办，答应三日内回复")]),
            ChargedBody("街道办事处", dt.date(2026, 11, 25), (), "已完成维修", dt.date(2026, 11, 22))])
BLUE = tuple(int(PALETTE[0].rgb()[i] * 255) for i in range(3))


def chart(title="每月登记事项", n=12) -> BarChart:
    return BarChart(title, [f"{m}月" for m in range(1, n + 1)],
                    [Series("2026年", [10 + m for m in range(n)]), Series("2025年", [8 + m for m in range(n)])],
                    unit="件")


def test_the_supervision_sheet_names_each_body_its_reminders_and_answer(tmp_path):
    pdf = supervision_sheet_pdf(SHEET)
    text = re.sub(r"\s+", "", text_of(pdf, tmp_path))
    for expected in ("信访事项联合督办单", "督办〔2026〕7号", "王*明", "承办单位1：区住建局", "2026年11月20日前",
                     "2026年11月21日：电话催办，答应三日内回复", "承办单位2：街道办事处", "尚未答复",
                     "2026年11月22日：已完成维修", "小区路灯长期不亮<夜间>出行不便"):
        assert expected in text, expected
    assert all(embedded for _name, embedded in fonts_of(pdf, tmp_path))


def test_the_figures_report_has_its_tables_and_charts_with_every_font_embedded(tmp_path):
    pdf = figures_report_pdf(FiguresReport(
        office_name="某某区人大常委会信访办公室", title="2026年第3季度信访工作统计分析", made_on=dt.date(2026, 10, 8),
        summary=[["指标", "本期", "上期"], ["来访批次", "1,204", "1,100"], ["办结率", "95.0%", "93.1%"]],
        charts=[chart(), chart("按接待大厅统计的登记事项", 5)],
        tables=[("按接待大厅", [["接待大厅", "登记事项"]] + [[f"第{n}接待大厅", str(n)] for n in range(1, 120)])],
        note="说明：按登记月份统计。"))
    text = re.sub(r"\s+", "", text_of(pdf, tmp_path))
    assert "2026年第3季度信访工作统计分析" in text and "1,204" in text and "第119接待大厅" in text
    assert "每月登记事项（件）" in text and "按接待大厅统计的登记事项" in text  # the charts' own text
    fonts = fonts_of(pdf, tmp_path)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    first = pages_as_png(pdf, tmp_path)[0]
    assert colour_share(first, BLUE) > 0.01  # the bars, in the office's blue, are on the page


def test_a_chart_as_svg_needs_no_inline_style_and_escapes_its_labels():
    picture = svg(drawing(BarChart("t", ["<b>&"], [Series("a", [1])]), font=register_font()),
                  title="标题", chart_id="c1")
    assert picture.startswith("<svg ") and "style=" not in picture and "<script" not in picture
    assert "&lt;b&gt;&amp;" in picture and 'id="c1-clip"' in picture and "<title>标题</title>" in picture
