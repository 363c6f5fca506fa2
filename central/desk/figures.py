"""The figures pages (统计分析): a period's figures with their charts, CSV and XLSX, the report PDF.

The period and the breakdown are in the URL (`?period=quarter&year=2026&number=3&by=hall`),
so a view can be bookmarked. Charts are drawn on the server (printer.charts) as
inline SVG; the report PDF draws the same charts. Nothing here is personal.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import wraps

from flask import Response, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from appkit.export import csv_text, xlsx_bytes
from petition.clock import local_date
from printer.charts import drawing, svg
from printer.documents import register_font
from printer.reports import FiguresReport, figures_report_pdf

from .. import reports
from ..figures import BREAKDOWNS
from ..roles import Permission
from . import bp
from .access import requires


def _today():
    return local_date(datetime.now(timezone.utc))


def _wanted() -> tuple[reports.Period, str]:
    args = request.args
    period = reports.parse_period(args.get("period"), args.get("year", type=int),
                                  args.get("number", type=int), _today())
    by = args.get("by", "hall")
    return period, by if by in BREAKDOWNS else "hall"


def figures_page(rule: str):
    """A figures view at `rule`: signed in, allowed to see figures, given the period, breakdown and
    that period's report."""

    def register(view):
        @bp.get(rule, endpoint=view.__name__)
        @requires(Permission.FIGURES)
        @wraps(view)
        def page():
            period, by = _wanted()
            return view(period, by, reports.build(period, by))

        return page

    return register


def _font() -> str:
    return register_font(current_app.config["CENTRAL_PDF_FONT"] or None)


@figures_page("/figures")
def figures(period: reports.Period, by: str, report: reports.Report):
    font = _font()
    charts = [(chart_id, svg(drawing(chart, font=font), title=chart.title, chart_id=chart_id))
              for chart_id, chart in reports.charts(report)]
    return render_template("desk/figures.html", report=report, period=period, by=by, charts=charts,
                           summary=reports.summary_table(report), breakdown=reports.breakdown_table(report),
                           kinds=reports.KINDS, breakdowns=reports.BREAKDOWN_LABELS, today=_today())


def _download(body, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


def _file_stem(period: reports.Period, by: str) -> str:
    return f"figures-{period.kind}-{period.year}-{period.number}-by-{by}"


@figures_page("/figures.csv")
def figures_csv(period: reports.Period, by: str, report: reports.Report):
    rows = reports.summary_table(report) + [[]] + reports.breakdown_table(report)
    return _download(csv_text(rows), "text/csv", _file_stem(period, by) + ".csv")


@figures_page("/figures.xlsx")
def figures_xlsx(period: reports.Period, by: str, report: reports.Report):
    workbook = xlsx_bytes([(_("Summary"), reports.summary_table(report)),
                           (str(reports.BREAKDOWN_LABELS[by]), reports.breakdown_table(report))])
    return _download(workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _file_stem(period, by) + ".xlsx")


def report_pdf(period: reports.Period, by: str) -> bytes:
    """The figures report of `period` in Chinese, whatever the desk's language."""
    with force_locale("zh_Hans_CN"):
        report = reports.build(period, by)
        tables = [(_("By %(by)s", by=str(reports.BREAKDOWN_LABELS[by])), reports.breakdown_table(report))]
        if by != "category":
            by_category = reports.build(period, "category")
            tables.append((_("By %(by)s", by=str(reports.BREAKDOWN_LABELS["category"])),
                           reports.breakdown_table(by_category)))
        data = FiguresReport(
            office_name=current_app.config["CENTRAL_OFFICE_NAME"],
            title=_("Petition work figures, %(period)s", period=period.label), made_on=_today(),
            summary=reports.summary_table(report), charts=[chart for _id, chart in reports.charts(report)],
            tables=tables,
            note=_("Cases are counted by the month they were registered in, visits by their day. "
                   "Concluded on time: of the concluded cases. Satisfied: of the petitioners who said. "
                   "Review requested: of the cases replied to in writing."))
    return figures_report_pdf(data, font_path=current_app.config["CENTRAL_PDF_FONT"] or None)


@bp.get("/figures/report.pdf")
@requires(Permission.FIGURES)
def figures_pdf():
    """The monthly (?period=month) or quarterly (?period=quarter) report; a year's works too."""
    period, by = _wanted()
    return Response(report_pdf(period, by), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="report-{period.kind}-{period.year}-{period.number}.pdf"'})
