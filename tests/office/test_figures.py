"""Figures across halls and periods: the tallies, the cases counted directly and petition.lifecycle
agree; the page shows them with charts beside the previous period; CSV and XLSX are formula-safe."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from central import figures, reports
from central.extensions import db
from central.models import MIRRORS, case_tally_delta
from petition import lifecycle
from tests.support.central import register_kiosk
from tests.support.office import case_record, desk_client, district, push_all, visit_record

YEAR = reports.Period("year", 2026, 1)


@pytest.fixture
def seeded(central_app):
    return district(central_app, halls=3, per_month=6)


def expected(app, start: date, end: date) -> figures.Counts:
    """The figures counted in Python from every case and visit, by petition.lifecycle itself."""
    case, visit = MIRRORS["case"], MIRRORS["visit"]
    result = figures.Counts()
    with app.app_context():
        for row in db.session.execute(select(case).where(case.c.registered_on.between(start, end))):
            ns = SimpleNamespace(**row._asdict())
            said = row.evaluation or row.satisfaction
            result.cases += 1
            result.concluded += lifecycle.concluded_on(ns) is not None
            result.on_time += bool(lifecycle.on_time(ns))
            result.replied += row.replied_on is not None
            result.review_requested += row.review_requested_on is not None
            result.evaluated += said is not None
            result.satisfied += said == "satisfied"
            result.fairly_satisfied += said == "fairly_satisfied"
            result.dissatisfied += said == "dissatisfied"
        for row in db.session.execute(select(visit).where(visit.c.service_day.between(start, end))):
            result.visits += 1
            result.people += max(row.group_size or 1, 1)
    return result


def test_the_figures_agree_with_petition_lifecycle_whichever_way_they_are_counted(central_app, seeded):
    want = expected(central_app, YEAR.start, YEAR.end)
    assert want.cases == 3 * 12 * 6 and 0 < want.on_time < want.concluded < want.cases
    assert want.review_requested and want.people > want.visits
    with central_app.app_context():
        assert figures.total(YEAR.start, YEAR.end) == want
        assert figures.total(YEAR.start, YEAR.end, direct=True) == want
        by_hall = figures.counts(YEAR.start, YEAR.end, "hall")
        assert sorted(by_hall) == ["hall-1", "hall-2", "hall-3"]
        assert sum(c.cases for c in by_hall.values()) == want.cases
        quarters = figures.counts(YEAR.start, YEAR.end, "quarter")
        assert sorted(quarters) == [date(2026, m, 1) for m in (1, 4, 7, 10)]
        assert sum(c.on_time for c in quarters.values()) == want.on_time


@pytest.mark.postgres
def test_the_tallies_follow_every_write_and_folding_changes_no_figure(postgres_central):
    seeded = district(postgres_central, halls=2, per_month=3, months=6, first=date(2026, 1, 1))
    period = reports.Period("quarter", 2026, 1)
    with postgres_central.app_context():
        before = figures.total(period.start, period.end)
        assert before == figures.total(period.start, period.end, direct=True)
        assert db.session.scalar(select(text("count(*)")).select_from(case_tally_delta)) > 0
        assert figures.fold()
        assert db.session.scalar(select(text("count(*)")).select_from(case_tally_delta)) == 0
        assert figures.total(period.start, period.end) == before
    # A changed case and a deleted visit move the tallies as they move the cases.
    key = register_kiosk(postgres_central, "hall-1", "第1接待大厅")
    push_all(postgres_central, key, "hall-1", "case", [case_record(
        "hall-1-c0000", "hall-1", date(2026, 1, 1), category="appeal", body="区教育局", version=9, seq=900,
        disposition="answered", decided_on=date(2026, 1, 1), result="当场答复", closed_on=date(2026, 1, 1),
        satisfaction="satisfied")])
    push_all(postgres_central, key, "hall-1", "deleted", [{"id": "hall-1-v0000", "table_name": "visit",
                                                          "version": 2, "sync_seq": 901}])
    with postgres_central.app_context():
        assert figures.total(period.start, period.end) == figures.total(period.start, period.end, direct=True)
        assert figures.total(period.start, period.end).visits == before.visits - 1
        figures.rebuild()
        assert figures.total(period.start, period.end) == figures.total(period.start, period.end, direct=True)
    assert seeded.cases == 2 * 6 * 3


@pytest.mark.postgres
@pytest.mark.parametrize("by, index", [("hall", "case_hall_tally_pkey"), ("body", "case_tally_pkey")])
def test_a_years_figures_read_the_tallies_by_their_month_index(postgres_central, by, index):
    """EXPLAIN ANALYZE of the figures' query: the tallies' indexes, never the cases."""
    with postgres_central.app_context():
        db.session.execute(text("""
            INSERT INTO case_tally_delta (month, kiosk_id, category, body_name, cases, concluded, on_time)
            SELECT make_date(y, m, 1), 'hall-' || h, c, 'body-' || b, 10, 8, 7
            FROM generate_series(2016, 2026) y, generate_series(1, 12) m, generate_series(1, 60) h,
                 (VALUES ('suggestion'), ('appeal'), ('accusation')) AS cat(c), generate_series(1, 5) b"""))
        db.session.commit()
        assert figures.fold()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        source = figures._source("case", YEAR.start, YEAR.end, direct=False, by=by)
        key = source.c["kiosk_id" if by == "hall" else "body_name"]
        query = select(source.c.month, key, *(text(f"sum({n})") for n in ("cases", "on_time"))).group_by(
            source.c.month, key)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(db.session.scalars(text(f"EXPLAIN ANALYZE {compiled}")))
        assert figures.total(YEAR.start, YEAR.end).cases == 12 * 60 * 3 * 5 * 10
        assert sum(c.cases for c in figures.counts(YEAR.start, YEAR.end, by).values()) == 12 * 60 * 3 * 5 * 10
    assert index in plan, plan
    assert "ix_case_tally_delta_month" in plan, plan
    assert 'on "case"' not in plan and "Seq Scan on case" not in plan, plan


def test_the_figures_page_shows_the_year_with_charts_and_the_previous_periods(central_app, seeded):
    viewer = desk_client(central_app, "vera", "viewer")
    page = viewer.get("/desk/figures?period=year&year=2026&by=hall")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    summary = html.split("data-summary")[1].split("</table>")[0]
    assert "2026年" in summary and "上期" in summary and "去年同期" in summary
    assert re.search(r"<td>登记事项</td><td>216</td><td>216</td><td>\+0\.0%</td><td>216</td>", summary)
    assert "按期办结率" in summary and "复查率" in summary and "满意率" in summary
    assert [m for m in re.findall(r'data-chart="([a-z]+)"', html)] == ["trend", "breakdown", "rates"]
    assert html.count("<rect") > 30 and "第1接待大厅" in html.split("data-breakdown")[1]
    by_month = viewer.get("/desk/figures?period=quarter&year=2026&number=2&by=month").get_data(as_text=True)
    assert re.findall(r"<tr><td>(2026年\d月)</td>", by_month) == ["2026年4月", "2026年5月", "2026年6月"]
    odd = viewer.get("/desk/figures?period=decade&year=-5&number=99&by=nothing")
    assert odd.status_code == 200  # falls back to this year by hall


def test_csv_and_xlsx_exports_are_formula_safe(central_app):
    key = register_kiosk(central_app, "hall-x", "=HYPERLINK(\"http://evil\")")
    push_all(central_app, key, "hall-x", "case", [case_record("c1", "hall-x", date(2026, 3, 2), body="@SUM(A1)")])
    push_all(central_app, key, "hall-x", "visit", [visit_record("v1", "hall-x", "c1", date(2026, 3, 2))])
    viewer = desk_client(central_app, "vera", "viewer")
    answer = viewer.get("/desk/figures.csv?period=year&year=2026&by=hall")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert ["'=HYPERLINK(\"http://evil\")", "1", "1", "1"] == rows[-1][:4]
    by_body = viewer.get("/desk/figures.csv?period=year&year=2026&by=body").get_data(as_text=True)
    assert "'@SUM(A1)" in by_body
    workbook = viewer.get("/desk/figures.xlsx?period=year&year=2026&by=hall")
    assert workbook.status_code == 200
    with zipfile.ZipFile(io.BytesIO(workbook.data)) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        strings = book.read("xl/sharedStrings.xml").decode()
    assert len(sheets) == 2 and not any("<f>" in sheet for sheet in sheets)
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings


def test_the_quarterly_report_pdf_is_in_chinese_whatever_the_desks_language(central_app, seeded, tmp_path):
    from tests.support.pdf import fonts_of, text_of

    viewer = desk_client(central_app, "vera", "viewer")
    answer = viewer.get("/desk/figures/report.pdf?period=quarter&year=2026&number=3",
                        headers={"Accept-Language": "en"})
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = "".join(text_of(answer.data, tmp_path).split())
    assert "2026年第3季度信访工作统计分析" in text and "按接待大厅" in text and "按类别" in text
    assert "办结率" in text and "第1接待大厅" in text
    assert all(embedded for _name, embedded in fonts_of(answer.data, tmp_path))


def test_periods_and_their_neighbours():
    q1 = reports.Period("quarter", 2026, 1)
    assert (q1.start, q1.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert q1.previous() == reports.Period("quarter", 2025, 4) and q1.year_before().year == 2025
    december = reports.Period("month", 2025, 12)
    assert december.end == date(2025, 12, 31) and december.previous() == reports.Period("month", 2025, 11)
    assert reports.Period("month", 2026, 1).previous() == december
    assert reports.Period("year", 2026, 1).trend_months()[-1] == date(2026, 12, 1)
    assert reports.Period("month", 2026, 3).trend_months()[0] == date(2025, 4, 1)
    assert Counter(p.kind for p in (q1, december)) == {"quarter": 1, "month": 1}
