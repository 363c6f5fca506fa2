"""Figures of issue 11: every page costs on day 1,000 what it costs on day one.

One run times, over HTTP against `python run.py`, five pages of a kiosk with 1
day and with 3 years of generated history (kiosk.history, 250 working days ×
60 visits a year): the console's queue panel, the overdue list, the audit
page, the visit page of a repeat visitor and the display's calls.json. Both
kiosks are served at once and asked in turn, request by request (`_timings`).
Each figure is the median of 38 requests after 3 to warm up; `*_ratio_3y_1d` is
the 3-year value over the 1-day value (target ≤ 1.5). The 3-year database is made
once (several minutes) and kept under build/history/, keyed by the generator's
VERSION, the migrations' head and the day; the run says whether it reused it.
`kiosk_db_mb_per_year` is that file's size over 3 (the landed code made 111 MB a year).

BENCH_HISTORY_YEARS (default 3) and BENCH_HISTORY_PER_DAY (default 60) make a
smaller hall for a quick look; the figures' names stay.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from .client import Visitor
from .server import ROOT, Server

CACHE = ROOT / "build" / "history"
# What issue 11 measured of the landed code: 333 MB after 3 years of the same hall.
LANDED_MB_PER_YEAR = 111
PASSWORD = "bench-history-password"
SEED = 7
PAGES = {"queue_panel": "/staff/queue/panel", "cases_overdue": "/staff/cases?show=overdue",
         "audit_page": "/staff/audit", "visit_page": "/staff/visits/{visit}",
         "calls_json": "/display/calls.json"}
TARGET_MS = {"queue_panel": 50, "cases_overdue": 100, "audit_page": 100, "visit_page": 100,
             "calls_json": 20}


def _config(instance: Path) -> dict:
    return {"TESTING": False, "INSTANCE_PATH": str(instance), "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kiosk.sqlite3'}",
            "KIOSK_ID": "kiosk-bench", "KIOSK_PRINTER_URL": "preview"}


def _history(plan: str, days: int, per_day: int) -> tuple[Path, bool]:
    from kiosk.history.cache import cached
    from petition.clock import local_date, utcnow

    return cached(CACHE, f"bench-{plan}", _config, days=days, per_day=per_day, seed=SEED,
                  today=local_date(utcnow()), accounts=(("bench", PASSWORD, "admin"),))


def _repeat_visit(database: Path) -> str:
    """Today's visit (called or being received) of the person with the most earlier visits."""
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT v.id FROM visit v JOIN person p ON p.id = v.person_id "
            "WHERE v.service_day = (SELECT max(service_day) FROM visit) AND v.case_id IS NOT NULL "
            "ORDER BY (SELECT count(*) FROM visit w JOIN person q ON q.id = w.person_id "
            "          WHERE q.id_number = p.id_number) DESC LIMIT 1").fetchone()[0]


ROUNDS, WARM_UP = 41, 3  # requests of each page to each kiosk; the first ones not counted


def _signed_in(port: int) -> Visitor:
    staff = Visitor("127.0.0.1", port, timeout=30)
    page = staff.get("/staff/sign-in")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    staff.post("/staff/sign-in", {"csrf_token": token, "username": "bench", "password": PASSWORD})
    return staff


def _timings(databases: dict[str, Path]) -> dict[str, dict[str, float]]:
    """The median ms of each page for each kiosk, all served at once and asked in turn.

    One request to one kiosk, then the same to the next, round after round: whatever else the
    machine does in the meantime falls on every kiosk alike, so the ratios compare the pages
    and not the moments they were measured at.
    """
    with tempfile.TemporaryDirectory() as folder, ExitStack() as running:
        staff, urls = {}, {}
        for name, database in databases.items():
            instance = Path(folder) / name
            instance.mkdir()
            shutil.copy(database, instance / "kiosk.sqlite3")
            server = running.enter_context(Server(instance))
            staff[name] = _signed_in(server.port)
            running.callback(staff[name].close)
            visit = _repeat_visit(database)
            urls[name] = {page: url.format(visit=visit) for page, url in PAGES.items()}
        times = {name: {page: [] for page in PAGES} for name in databases}
        for page in PAGES:
            for attempt in range(ROUNDS):
                for name in databases:
                    started = time.perf_counter()
                    staff[name].get(urls[name][page])
                    if attempt >= WARM_UP:
                        times[name][page].append((time.perf_counter() - started) * 1000)
    return {name: {page: statistics.median(samples) for page, samples in pages.items()}
            for name, pages in times.items()}


def figures() -> dict[str, dict]:
    years = float(os.environ.get("BENCH_HISTORY_YEARS", "3"))
    per_day = int(os.environ.get("BENCH_HISTORY_PER_DAY", "60"))
    day_db, _ = _history("1d", 1, per_day)
    started = time.perf_counter()
    long_db, reused = _history("3y", max(1, round(years * 250)), per_day)
    print(f"# bench.history: {'reused' if reused else 'made'} {long_db.name}"
          f"{'' if reused else f' in {time.perf_counter() - started:.0f} s'}", file=sys.stderr)
    measured = _timings({"1d": day_db, "3y": long_db})
    day, long = measured["1d"], measured["3y"]
    result = {}
    for name in PAGES:
        result[f"{name}_ms_3y"] = {"value": round(long[name], 1), "unit": "ms",
                                   "target": f"< {TARGET_MS[name]}"}
        result[f"{name}_ratio_3y_1d"] = {"value": round(long[name] / day[name], 2), "unit": "x",
                                         "target": "<= 1.5"}
    result["kiosk_db_mb_per_year"] = {"value": round(long_db.stat().st_size / 1e6 / years, 1),
                                      "unit": "MB", "target": f"< {LANDED_MB_PER_YEAR}"}
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(figures(), indent=2))
