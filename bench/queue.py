"""Benchmark figures of the reception window, for `make bench` (bench/__main__.py).

`figures()` returns {"name": {"value", "unit", "target"}}:

- call_to_display_p95_ms: a call is made at the console (HTTP POST to a
  waitress server, as in production) while a display polls
  /display/calls.json every 500 ms with its ETag, exactly as display.js
  does; the time from the call's response to the poll that shows it, 95th
  percentile over the calls. Target < 1000 ms.
- queue_page_500_ms: server time of the console page with 500 tickets
  waiting (median of repeated requests, in-process, no network). Target < 100.

Everything runs in a temporary instance folder; nothing outside it is touched.
"""

from __future__ import annotations

import http.cookiejar
import json
import random
import re
import secrets
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CALLS = 20
POLL_SECONDS = 0.5
PASSWORD = "bench password 1"


def _app(instance: Path):
    from kiosk import create_app
    from kiosk.database import upgrade

    app = create_app({"TESTING": False, "INSTANCE_PATH": str(instance), "SECRET_KEY": secrets.token_hex(16),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kiosk.sqlite3'}",
                      "KIOSK_ID": "bench", "KIOSK_WINDOWS": 3})
    with app.app_context():
        upgrade()
        from kiosk.auth.operations import create_user
        from kiosk.extensions import db

        create_user("bench", PASSWORD, "receptionist")
        db.session.commit()
    return app


def _tickets(app, count: int) -> None:
    from kiosk.visits.operations import VisitDraft, register_visit
    from petition.clock import utcnow

    with app.app_context():
        for index in range(count):
            register_visit(VisitDraft(service=random.choice(["individual", "group", "deputy"]),
                                      id_number=None, phone=f"139{index:08d}", name="王小明",
                                      category="appeal"),
                           kiosk_id="bench", idempotency_key=secrets.token_urlsafe(16), now=utcnow())


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def call_to_display_p95_ms() -> float:
    from appkit.serving import ThreadedServer

    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        _tickets(app, CALLS + 5)
        server = ThreadedServer(app).start()
        base = server.url
        try:
            console = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            page = console.open(f"{base}/staff/sign-in").read().decode()
            console.open(f"{base}/staff/sign-in", urllib.parse.urlencode(
                {"csrf_token": _token(page), "username": "bench", "password": PASSWORD}).encode())
            token = _token(console.open(f"{base}/staff/").read().decode())

            seen: dict[int, float] = {}
            stop = threading.Event()

            def display():
                etag = None
                while not stop.is_set():
                    request = urllib.request.Request(f"{base}/display/calls.json")
                    if etag:
                        request.add_header("If-None-Match", etag)
                    try:
                        with urllib.request.urlopen(request) as response:
                            etag = response.headers["ETag"]
                            last = json.loads(response.read())["last_id"]
                            seen.setdefault(last, time.monotonic())
                    except urllib.error.HTTPError as error:
                        if error.code != 304:
                            raise
                    stop.wait(POLL_SECONDS)

            poller = threading.Thread(target=display, daemon=True)
            poller.start()
            latencies = []
            for number in range(1, CALLS + 1):
                time.sleep(random.uniform(0.1, 0.6))
                console.open(f"{base}/staff/call-next", urllib.parse.urlencode(
                    {"csrf_token": token, "service": ""}).encode()).read()
                called = time.monotonic()
                deadline = called + 5
                while number not in seen and time.monotonic() < deadline:
                    time.sleep(0.005)
                latencies.append(((seen.get(number) or deadline) - called) * 1000)
            stop.set()
            poller.join(timeout=2)
        finally:
            server.stop()
            from kiosk.extensions import db

            with app.app_context():
                db.engine.dispose()
    return statistics.quantiles(latencies, n=20)[-1]


def queue_page_500_ms() -> float:
    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        app.config["WTF_CSRF_ENABLED"] = False
        _tickets(app, 500)
        client = app.test_client()
        client.post("/staff/sign-in", data={"username": "bench", "password": PASSWORD})
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            response = client.get("/staff/")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and response.get_data().count(b"data-ticket=") == 500
        from kiosk.extensions import db

        with app.app_context():
            db.engine.dispose()
    return statistics.median(timings[3:])  # the first requests warm the template cache


def figures() -> dict[str, dict]:
    return {
        "call_to_display_p95_ms": {"value": round(call_to_display_p95_ms(), 1), "unit": "ms",
                                   "target": "< 1000"},
        "queue_page_500_ms": {"value": round(queue_page_500_ms(), 1), "unit": "ms", "target": "< 100"},
    }


if __name__ == "__main__":
    print(json.dumps(figures(), indent=2))
