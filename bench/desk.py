"""Finding at the desk on a district's history (300 halls × 1 year on PostgreSQL), for `make bench`.

- desk_list_p95_ms: GET /desk/ (the first page, and a page fifty pages down by its cursor), with
  and without a hall filter; server time through the test client, signed in.
- desk_search_p95_ms: POST /desk/search by query code, ID number, phone and part of a name.
- petitioner_page_p95_ms: GET /desk/petitioner/<id> of repeat petitioners seen at several halls.

The district is generated once (minutes) and kept: tests/support/district.py reuses a complete
database of the same generator version and plan, and says so.

The figures are the office in its steady state: before timing, the desk's working set (the case,
visit and person tables and their indexes, about 7 GB of the 9 GB) is read into the operating
system's cache with pg_prewarm, as a server sized for its database holds it after its first
hours (README, "Serving the office"). On a cold cache a search by part of a name reads about
two thousand random blocks from disk (a common name part matches some 500 people across the
district), and takes what the disk makes of that.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from central.history import Plan
from tests.support.district import district_database

ROUNDS = 40
PASSWORD = "bench password 1"


def _p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18], 1)


def _timed(call, rounds: int = ROUNDS) -> list[float]:
    samples = []
    for index in range(rounds):
        started = time.perf_counter()
        response = call(index)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return samples


def _samples(app):
    from sqlalchemy import func, select, text

    from central.extensions import db
    from central.models import MIRRORS
    from central.petitioners import PETITIONER_KEY

    person = MIRRORS["person"]
    with app.app_context():
        people = db.session.execute(text(
            "SELECT id, id_number, phone, name FROM person TABLESAMPLE SYSTEM (0.05) "
            "WHERE id_number IS NOT NULL LIMIT :n"), {"n": ROUNDS}).all()
        codes = db.session.scalars(text("SELECT query_code FROM visit TABLESAMPLE SYSTEM (0.05) LIMIT :n"),
                                   {"n": ROUNDS}).all()
        shared = db.session.scalars(
            select(person.c.id).where(PETITIONER_KEY.in_(
                select(PETITIONER_KEY).where(person.c.kiosk_id == "hall-002")
                .group_by(PETITIONER_KEY).having(func.count() > 2).limit(ROUNDS).scalar_subquery()))
            .limit(ROUNDS)).all()
        db.session.remove()
    return people, codes, shared


WORKING_SET = ("person", "case", "visit")


def _warm(url: str) -> float:
    """Read the desk's tables and their indexes into the OS cache (pg_prewarm, 'read'); seconds."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        relations = connection.execute(
            "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relname = ANY(%(tables)s) "
            "UNION ALL SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indrelid WHERE c.relname = ANY(%(tables)s)",
            {"tables": list(WORKING_SET)}).fetchall()
        for (relation,) in relations:
            connection.execute("SELECT pg_prewarm(%s::regclass, 'read')", (relation,))
    return time.perf_counter() - started


def figures() -> dict:
    from tests.support.postgres import available

    if not available():
        print("# bench.desk: PostgreSQL is not answering on 127.0.0.1:5432, no figures", file=sys.stderr)
        return {}
    from central import create_app
    from central.extensions import db

    url, _reused = district_database(Plan(), echo=lambda line: print(line, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": str(Path(tmp)), "SQLALCHEMY_DATABASE_URI": url,
                          "CENTRAL_SECRET_KEY": "district-secret", "WTF_CSRF_ENABLED": False})
        runner = app.test_cli_runner()
        runner.invoke(args=["staff", "add", "bench", "--name", "基准", "--password", PASSWORD])
        client = app.test_client()
        assert client.post("/desk/login", data={"username": "bench", "password": PASSWORD}).status_code == 302
        people, codes, shared = _samples(app)
        print(f"# bench.desk: the desk's working set read into the cache in {_warm(url):.0f} s",
              file=sys.stderr)

        deep = "/desk/"
        for _ in range(50):  # fifty pages down, by the cursors the pages hand out
            page = client.get(deep).get_data(as_text=True)
            deep = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
        lists = ["/desk/", deep, "/desk/?kiosk=hall-150", "/desk/?status=open&due=overdue"]
        client.get("/desk/")  # warm the connection pool and the templates
        listing = _timed(lambda i: client.get(lists[i % len(lists)]))
        # By code, ID number, phone and part of a name (the given name's last two characters).
        kinds = [codes, [p.id_number for p in people], [p.phone for p in people],
                 [p.name[-2:] for p in people]]
        searching = []
        for typed in kinds:
            searching += _timed(lambda i, typed=typed: client.post("/desk/search", data={"q": typed[i % len(typed)]}),
                                ROUNDS // 2)
        petitioner = _timed(lambda i: client.get(f"/desk/petitioner/{shared[i % len(shared)]}"))
        with app.app_context():
            db.engine.dispose()
    return {
        "desk_list_p95_ms": {"value": _p95(listing), "unit": "ms", "target": "< 100"},
        "desk_search_p95_ms": {"value": _p95(searching), "unit": "ms", "target": "< 100"},
        "petitioner_page_p95_ms": {"value": _p95(petitioner), "unit": "ms", "target": "< 100"},
    }
