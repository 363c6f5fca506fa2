"""The figures of a period put together: totals beside the previous period and a year before,
a breakdown, the monthly trend, their charts, and their tables for CSV, XLSX and PDF.

A `Period` is a month, a quarter or a year of Asia/Shanghai calendar days. The
previous period (环比) is the month, quarter or year just before; the same period
a year before (同比) is the same months of the previous year. Everything shown is
counted by central/figures.py and holds no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from petition.vocabulary import CATEGORIES
from printer.charts import BarChart, Series

from . import figures
from .extensions import db
from .figures import Counts
from .models import Kiosk

KINDS = ("month", "quarter", "year")
#: What the tables show, in order: (attribute of Counts, label, a share?).
METRICS = (("visits", _l("Visits received"), False), ("people", _l("People received"), False),
           ("cases", _l("Cases registered"), False), ("concluded_rate", _l("Share concluded"), True),
           ("on_time_rate", _l("Share concluded on time"), True),
           ("satisfaction_rate", _l("Share satisfied"), True),
           ("review_rate", _l("Share asking for review"), True))
BREAKDOWN_LABELS = {"hall": _l("Hall"), "category": _l("Category"), "body": _l("Body concerned"),
                    "month": _l("Month"), "quarter": _l("Quarter")}
TOP_IN_CHART = 12


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _last_day(month: date) -> date:
    return _month_start(month.year, month.month + 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str     # month, quarter or year
    year: int
    number: int   # the month (1-12) or quarter (1-4); 1 for a year

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    @property
    def start(self) -> date:
        first_month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return date(self.year, first_month, 1)

    @property
    def end(self) -> date:
        return _last_day(_month_start(self.start.year, self.start.month + self.months - 1))

    def previous(self) -> Period:
        """环比: the period just before."""
        if self.kind == "year":
            return Period("year", self.year - 1, 1)
        last = {"month": 12, "quarter": 4}[self.kind]
        return Period(self.kind, self.year - 1, last) if self.number == 1 else \
            Period(self.kind, self.year, self.number - 1)

    def year_before(self) -> Period:
        """同比: the same period a year before."""
        return Period(self.kind, self.year - 1, self.number)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("%(year)d", year=self.year)
        if self.kind == "quarter":
            return _("%(year)d Q%(quarter)d", year=self.year, quarter=self.number)
        return _("%(year)d-%(month)02d", year=self.year, month=self.number)

    def trend_months(self) -> list[date]:
        """The twelve months the trend chart shows: the year's, or the twelve ending with this period."""
        if self.kind == "year":
            return [date(self.year, month, 1) for month in range(1, 13)]
        last = self.end.replace(day=1)
        return [_month_start(last.year, last.month - 11 + n) for n in range(12)]


def parse_period(kind: str | None, year: int | None, number: int | None, today: date) -> Period:
    """The period a request names; anything missing or out of range falls back to this one."""
    kind = kind if kind in KINDS else "year"
    year = year if year and 2000 <= year <= today.year + 1 else today.year
    limit = {"month": 12, "quarter": 4, "year": 1}[kind]
    default = {"month": today.month, "quarter": (today.month - 1) // 3 + 1, "year": 1}[kind]
    return Period(kind, year, number if number and 1 <= number <= limit else default)


@dataclass
class Row:
    key: object
    label: str
    now: Counts
    before: Counts   # the previous period (环比)


@dataclass
class Report:
    period: Period
    by: str
    total: Counts
    previous: Counts
    year_before: Counts
    rows: list[Row] = field(default_factory=list)
    trend: list[tuple[date, Counts, Counts]] = field(default_factory=list)  # month, this, a year before


def _labels(by: str) -> dict:
    if by == "hall":
        return dict(db.session.execute(select(Kiosk.id, Kiosk.name)).all())
    if by == "category":
        return {code: str(category.label) for code, category in CATEGORIES.items()}
    return {}


def _label(by: str, key, labels: dict) -> str:
    if by == "month":
        return _("%(year)d-%(month)02d", year=key.year, month=key.month)
    if by == "quarter":
        return _("%(year)d Q%(quarter)d", year=key.year, quarter=(key.month - 1) // 3 + 1)
    return labels.get(key) or key or _("(not given)")


def build(period: Period, by: str) -> Report:
    """Every figure of `period`, broken down `by` one of figures.BREAKDOWNS: one read of the tallies
    from a year before the trend's first month to the period's end, added up here."""
    figures.fold()
    by = by if by in figures.BREAKDOWNS else "hall"
    previous, year_before, months = period.previous(), period.year_before(), period.trend_months()
    first = min(months[0].replace(year=months[0].year - 1), previous.start, year_before.start)
    rows = figures.monthly(first, period.end, by)
    whole = lambda p: _sum(figures.summed(rows, p.start, p.end, by).values())  # noqa: E731
    report = Report(period, by, whole(period), whole(previous), whole(year_before))
    now = figures.summed(rows, period.start, period.end, by)
    before = {} if by in ("month", "quarter") else figures.summed(rows, previous.start, previous.end, by)
    labels = _labels(by)
    for key in set(now) | set(before):
        report.rows.append(Row(key, _label(by, key, labels), now.get(key, Counts()),
                               before.get(key, Counts())))
    if by in ("month", "quarter"):
        report.rows.sort(key=lambda row: row.key)
        for earlier, row in zip(report.rows, report.rows[1:]):
            row.before = earlier.now
    else:
        report.rows.sort(key=lambda row: (-row.now.cases, -row.now.visits, row.label))
    per_month = figures.summed(rows, first, period.end, "month")
    report.trend = [(month, per_month.get(month, Counts()), per_month.get(month.replace(year=month.year - 1),
                                                                           Counts())) for month in months]
    return report


def _sum(values) -> Counts:
    result = Counts()
    for value in values:
        result.add(value)
    return result


# --- how figures read --------------------------------------------------------------------------

def value(counts: Counts, name: str, share: bool) -> str:
    number = getattr(counts, name)
    if share:
        return "—" if number is None else f"{number * 100:.1f}%"
    return f"{number:,}"


def change(now: Counts, before: Counts, name: str, share: bool) -> str:
    """The change from `before`: percent for counts, percentage points for shares."""
    a, b = getattr(now, name), getattr(before, name)
    if a is None or b is None:
        return "—"
    if share:
        return _("%(points)+.1f pts", points=(a - b) * 100)
    if not b:
        return "—"
    return f"{(a - b) / b * 100:+.1f}%"


def summary_table(report: Report) -> list[list[str]]:
    header = [_("Figure"), report.period.label, _("Previous period"), _("Change"),
              _("A year before"), _("Change")]
    return [header] + [[str(label), value(report.total, name, share), value(report.previous, name, share),
                        change(report.total, report.previous, name, share),
                        value(report.year_before, name, share),
                        change(report.total, report.year_before, name, share)]
                       for name, label, share in METRICS]


def breakdown_table(report: Report) -> list[list[str]]:
    header = [str(BREAKDOWN_LABELS[report.by])] + [str(label) for _name, label, _share in METRICS] \
        + [_("Cases, previous period"), _("Change")]
    return [header] + [[row.label] + [value(row.now, name, share) for name, _label, share in METRICS]
                       + [value(row.before, "cases", False), change(row.now, row.before, "cases", False)]
                       for row in report.rows]


def charts(report: Report) -> list[tuple[str, BarChart]]:
    """(id, chart) for the page and the PDF: the monthly trend, the breakdown, the shares."""
    months = [_("%(month)d", month=month.month) for month, _now, _ago in report.trend]
    trend = BarChart(_("Cases registered per month"), months, [
        Series(report.period.label if report.period.kind == "year" else _("These twelve months"),
               [now.cases for _m, now, _a in report.trend]),
        Series(_("A year before"), [ago.cases for _m, _n, ago in report.trend])], unit=_("cases"))
    top = report.rows if report.by in ("month", "quarter") else report.rows[:TOP_IN_CHART]
    breakdown = BarChart(_("Cases by %(by)s", by=str(BREAKDOWN_LABELS[report.by]).lower()),
                         [row.label for row in top],
                         [Series(report.period.label, [row.now.cases for row in top]),
                          Series(_("Previous period"), [row.before.cases for row in top])], unit=_("cases"))
    shares = [(name, label) for name, label, share in METRICS if share]
    rates = BarChart(_("How the handling went"), [str(label) for _name, label in shares], [
        Series(report.period.label, [getattr(report.total, name) for name, _label in shares]),
        Series(_("Previous period"), [getattr(report.previous, name) for name, _label in shares]),
        Series(_("A year before"), [getattr(report.year_before, name) for name, _label in shares])],
        unit="%", percent=True)
    return [("trend", trend), ("breakdown", breakdown), ("rates", rates)]
