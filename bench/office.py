"""The office's figures on a district's year (300 halls × 1 year on PostgreSQL), for `make bench`.

- figures_year_all_halls_ms: GET /desk/figures for a year across every hall, broken down by hall,
  with its three charts drawn (server time through the test client, signed in); the median of 10.
- quarterly_report_pdf_s: GET /desk/figures/report.pdf for a quarter (tables by hall and by
  category, three charts); the median of 3.

The district is part A's generator (`central.history`, `flask --app central demo-history`,
kept between runs by tests/support/district.py) when this code has it. Without it the
figures are measured on the tallies such a district gives (300 halls × 12 months × 3
categories × 20 bodies, about 4.5 million cases), filled in SQL: the figures read the
tallies only, so their cost is that of the tallies' size; the line printed says which.
Both reads have their plan checked in tests/office/test_figures.py.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

PASSWORD = "bench password 1"
HALLS, BODIES = 300, 20


@contextmanager
def _district():
    """(database URL, what it holds) of a district's year, on PostgreSQL."""
    if importlib.util.find_spec("central.history") is not None:
        from central.history import Plan
        from tests.support.district import district_database

        url, _reused = district_database(Plan(), echo=lambda line: print(line, file=sys.stderr, flush=True))
        yield url, "generated district"
        return
    from tests.support.postgres import temporary_database

    with temporary_database("jiedai_bench_office") as url:
        yield url, "synthetic tallies"


def _fill_tallies(app) -> None:
    """Two years of 300 halls' tallies (about 15,000 cases and visits a hall a year, over 20 bodies),
    appended as the triggers append each write's change, then folded."""
    from sqlalchemy import text

    from central.extensions import db
    from central.operations import add_kiosk
    from petition.clock import utcnow_naive

    from central import figures

    with app.app_context():
        if db.session.scalar(text("SELECT count(*) FROM case_tally")):
            return
        for hall in range(1, HALLS + 1):
            add_kiosk(f"hall-{hall:03d}", f"第{hall}接待大厅", now=utcnow_naive())
        year = date.today().year
        for table, counts in (
                ("case_tally_delta", "cases, concluded, on_time, replied, review_requested, evaluated, satisfied, "
                               "fairly_satisfied, dissatisfied"),
                ("visit_tally_delta", "visits, people")):
            values = ("n, n * 9 / 10, n * 8 / 10, n * 6 / 10, n / 20, n / 2, n / 3, n / 10, n / 15"
                      if table == "case_tally_delta" else "n, n * 13 / 10")
            db.session.execute(text(f"""
                INSERT INTO {table} (month, kiosk_id, category, body_name, {counts})
                SELECT month, kiosk_id, category, body_name, {values}
                FROM (SELECT make_date(y, m, 1) AS month, 'hall-' || lpad(h::text, 3, '0') AS kiosk_id,
                             c AS category, '单位' || b AS body_name,
                             (15000 / 12 / 3 / {BODIES}) + (h * 7 + m * 3 + b) % 9 AS n
                      FROM (VALUES ({year - 1}), ({year})) AS years(y), generate_series(1, 12) m,
                           generate_series(1, {HALLS}) h, generate_series(1, {BODIES}) b,
                           (VALUES ('suggestion'), ('accusation'), ('appeal')) AS cats(c)) AS rows"""))
        db.session.commit()
        figures.fold()  # into the tallies, as the office's first look at its figures would
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _median_ms(call, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code
    return statistics.median(samples)


def figures() -> dict:
    from tests.support.postgres import available

    if not available():
        print("# bench.office: PostgreSQL is not answering on 127.0.0.1:5432, no figures", file=sys.stderr)
        return {}
    from central import create_app
    from central.database import upgrade
    from central.extensions import db

    with _district() as (url, holds), tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": str(Path(tmp)), "SQLALCHEMY_DATABASE_URI": url,
                          "CENTRAL_SECRET_KEY": "district-secret", "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
        if holds == "synthetic tallies":
            _fill_tallies(app)
        app.test_cli_runner().invoke(args=["staff", "add", "bench", "--name", "基准", "--role", "viewer",
                                           "--password", PASSWORD])
        client = app.test_client()
        assert client.post("/desk/login", data={"username": "bench", "password": PASSWORD}).status_code == 302
        year = date.today().year
        year_page = lambda: client.get(f"/desk/figures?period=year&year={year}&by=hall")  # noqa: E731
        quarter = (date.today().month - 1) // 3 + 1
        report = lambda: client.get(  # noqa: E731
            f"/desk/figures/report.pdf?period=quarter&year={year}&number={quarter}&by=hall")
        year_page()  # folds whatever deltas the district's loading left
        year_ms = _median_ms(year_page, 10)
        report_s = _median_ms(report, 3) / 1000
        with app.app_context():
            db.engine.dispose()
    print(f"# bench.office: measured on {holds} ({HALLS} halls × 1 year)", file=sys.stderr)
    return {
        "figures_year_all_halls_ms": {"value": round(year_ms, 1), "unit": "ms", "target": 1000},
        "quarterly_report_pdf_s": {"value": round(report_s, 2), "unit": "s", "target": 5},
    }
