"""The office served by gunicorn with two worker processes against one PostgreSQL database:
the progress limit holds across the workers, and 20 desk users searching while 2 kiosks push
get no 5xx."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from central import staff
from central.extensions import db
from central.models import MIRRORS
from sync import protocol
from tests.support.central import postgres_office, register_kiosk
from tests.support.office import PASSWORD, case_record, visit_record
from tests.support.workers import Client, gunicorn_office, worker_pids

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
LIMIT = 5
SEARCHES, BATCHES = 6, 5  # per desk user, per kiosk


@pytest.fixture
def office(tmp_path):
    instance = tmp_path / "office"
    with postgres_office(instance, CENTRAL_SECRET_KEY="workers-secret") as app:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        keys = {hall: register_kiosk(app, hall, hall) for hall in ("hall-1", "hall-2")}
        with app.app_context():
            staff.save("li", name="李", role="handler", password=PASSWORD, by="test", now=datetime(2026, 1, 1))
            db.session.remove()
        with gunicorn_office(instance, url, workers=2, SECRET_KEY="workers-secret",
                             PROGRESS_PER_MINUTE=LIMIT) as (port, log):
            yield app, port, log, keys


def test_the_progress_limit_holds_across_two_workers(office):
    _app, port, log, _keys = office

    def look_up(_n):
        return Client(port).post_form("/", {"code": "00000-00000"})[0]

    def lookup_workers() -> set[str]:
        return {line.split(" ", 1)[0] for line in log.read_text().splitlines() if '"POST / ' in line}

    # Rounds of lookups until both workers have answered some (the second may still be loading
    # the app when the first answers), well inside the limit's minute.
    answers: list[int] = []
    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(8) as pool:
        while len(lookup_workers()) < 2 and time.monotonic() < deadline:
            answers += pool.map(look_up, range(40))
    assert len(lookup_workers()) == 2, "both workers answered lookups"
    assert sorted(answers) == [200] * LIMIT + [429] * (len(answers) - LIMIT)


def test_no_5xx_while_twenty_desk_users_search_and_two_kiosks_push(office):
    app, port, log, keys = office
    # Four signed-in sessions, each used by five clients (a sign-in costs half a second of argon2).
    sessions = [Client(port) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda desk: desk.sign_in("li", PASSWORD), sessions))
    desks = [Client(port) for _ in range(20)]
    for n, desk in enumerate(desks):
        desk.cookies = dict(sessions[n % 4].cookies)
    statuses: list[int] = []

    def search(desk: Client) -> list[int]:
        seen = []
        for n in range(SEARCHES):
            query = ({"q": "ABCDE-12345"}, {"q": "370102198001011234"}, {"q": "13812345678"}, {"q": "王"},
                     {"status": "open", "kiosk": "hall-1"}, {"due": "overdue"})[n % 6]
            seen.append(desk.get(f"/desk/?{urlencode(query)}")[0])
        return seen

    def push(hall: str) -> list[int]:
        seen = []
        for batch in range(BATCHES):
            cases = [case_record(f"{hall}-{batch}-{n}", hall, date(2026, 5, 1 + n % 28), seq=batch * 100 + n + 1)
                     for n in range(100)]
            visits = [visit_record(f"{hall}-v{batch}-{n}", hall, f"{hall}-{batch}-{n}", date(2026, 5, 1 + n % 28),
                                   seq=batch * 100 + n + 1) for n in range(100)]
            for table, records in (("case", cases), ("visit", visits)):
                body = protocol.pack({"kiosk_id": hall, "table": table, "records": records})
                headers = protocol.sign(hall, keys[hall], "POST", protocol.PUSH_PATH, body, now=time.time())
                status, answer = Client(port).request("POST", protocol.PUSH_PATH, body,
                                                      {**headers, "Content-Encoding": "gzip"})
                seen.append(status)
                assert status == 200, answer[:300]
                assert json.loads(answer)["applied"] == 100
        return seen

    with ThreadPoolExecutor(22) as pool:
        searches = [pool.submit(search, desk) for desk in desks]
        pushes = [pool.submit(push, hall) for hall in keys]
        for future in searches + pushes:
            statuses += future.result()
    assert len(statuses) == 20 * SEARCHES + 2 * 2 * BATCHES
    assert all(status < 500 for status in statuses), sorted(set(statuses))
    assert statuses.count(200) == len(statuses)
    with app.app_context():
        case = MIRRORS["case"]
        assert db.session.scalar(select(func.count()).select_from(case)) == 2 * 100 * BATCHES
        db.session.remove()
    assert len(worker_pids(log, "/desk/")) == 2
