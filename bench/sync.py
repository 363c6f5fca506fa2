"""Sync benchmark figures for `make bench` (bench/__main__.py calls `figures()`).

- central_ingest_rows_per_s: signed gzip batches of 500 rows, two at a time,
  through the receiver (test client, so no sockets) into PostgreSQL, rows per second.
- replay_rows_changed: the same batches sent again (newly signed): rows changed.
- agent_rss_growth_mb_50k: a real agent process pushing a 50,000-record backlog
  to a central app over HTTP; its peak RSS minus its RSS before the sync.
- fleet_300x1000_s: 300 simulated kiosks × 1,000 records (prepared, signed
  batches, 16 at a time over HTTP) drained into one central app served by
  waitress in its own process on PostgreSQL; wall-clock seconds.

Each figure uses its own freshly created PostgreSQL database, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from sync import protocol
from tests.support.postgres import temporary_database

ROOT = Path(__file__).resolve().parent.parent


def _central(instance: Path, url: str):
    from central import create_app
    from central.database import upgrade

    app = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": url,
                      "CENTRAL_SECRET_KEY": "bench-secret"})
    with app.app_context():
        upgrade()
    return app


def _records(kiosk_id: str, count: int, start_seq: int = 1) -> list[dict]:
    now = datetime.now(timezone.utc)
    return [protocol.encode_row("person", {
        "id": str(uuid.uuid4()), "kiosk_id": kiosk_id, "name": "张三", "gender": None,
        "id_number": "370102198001011234", "phone": "13800000000", "address": "历下区泉城路1号",
        "is_deputy": False, "version": 1, "created_at": now, "updated_at": now}, start_seq + n)
        for n in range(count)]


def _bodies(kiosk_id: str, count: int) -> list[bytes]:
    return [protocol.pack_batch(kiosk_id, batch)
            for batch in protocol.batches("person", _records(kiosk_id, count))]


def ingest_and_replay(rows: int = 100_000) -> tuple[float, int]:
    from central.operations import add_kiosk

    with tempfile.TemporaryDirectory() as tmp, temporary_database() as url:
        app = _central(Path(tmp), url)
        with app.app_context():
            key = add_kiosk("bench", "bench", now=datetime(2026, 1, 1))
        bodies = _bodies("bench", rows)
        client = app.test_client()

        def send(body: bytes) -> int:
            headers = protocol.sign("bench", key, "POST", protocol.PUSH_PATH, body, now=time.time())
            answer = client.post(protocol.PUSH_PATH, data=body,
                                 headers={**headers, "Content-Encoding": "gzip"})
            assert answer.status_code == 200, answer.json
            return answer.json["applied"]

        # Two senders at once, as two kiosks would: while one batch waits on
        # PostgreSQL's commit the other is parsed (the target is for 2 cores).
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            applied = sum(pool.map(send, bodies))
        elapsed = time.perf_counter() - started
        assert applied == rows
        with ThreadPoolExecutor(2) as pool:
            replayed = sum(pool.map(send, bodies))
        from central.extensions import db
        with app.app_context():
            db.engine.dispose()
        return rows / elapsed, replayed


def _serve_central(url: str, instance: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, CENTRAL_DATABASE_URL=url, CENTRAL_INSTANCE_PATH=str(instance),
               CENTRAL_SECRET_KEY="bench-secret")
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "central", "--port", str(port),
                                "--threads", "8"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import socket
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the central app did not start")


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fleet(kiosks: int = 300, per_kiosk: int = 1000, parallel: int = 16) -> float:
    import http.client

    from central.operations import add_kiosk

    with tempfile.TemporaryDirectory() as tmp, temporary_database() as url:
        app = _central(Path(tmp), url)
        with app.app_context():
            keys = {f"k{n:03d}": add_kiosk(f"k{n:03d}", f"kiosk {n}", now=datetime(2026, 1, 1))
                    for n in range(kiosks)}
            from central.extensions import db
            db.engine.dispose()
        work = [(kiosk_id, body) for kiosk_id in keys for body in _bodies(kiosk_id, per_kiosk)]
        port = _free_port()
        server = _serve_central(url, Path(tmp), port)
        try:
            def send(item):
                kiosk_id, body = item
                headers = protocol.sign(kiosk_id, keys[kiosk_id], "POST", protocol.PUSH_PATH, body,
                                        now=time.time())
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", protocol.PUSH_PATH, body,
                                   {**headers, "Content-Encoding": "gzip", "Connection": "close"})
                answer = connection.getresponse()
                payload = json.loads(answer.read())
                connection.close()
                assert answer.status == 200, payload
                return payload["applied"]

            started = time.perf_counter()
            with ThreadPoolExecutor(parallel) as pool:
                applied = sum(pool.map(send, work))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
        assert applied == kiosks * per_kiosk, applied
        return elapsed


def agent_rss_growth(records: int = 50_000) -> float:
    """Peak RSS growth (MB) of an agent process pushing `records` people to a served central app."""
    from central.operations import add_kiosk

    with tempfile.TemporaryDirectory() as tmp, temporary_database() as url:
        tmp_path = Path(tmp)
        app = _central(tmp_path / "central", url)
        with app.app_context():
            key = add_kiosk("bench-agent", "bench", now=datetime(2026, 1, 1))
            from central.extensions import db
            db.engine.dispose()
        port = _free_port()
        server = _serve_central(url, tmp_path / "central", port)
        try:
            env = dict(os.environ, KIOSK_INSTANCE_PATH=str(tmp_path / "kiosk"), KIOSK_ID="bench-agent",
                       KIOSK_SYNC_URL=f"http://127.0.0.1:{port}", KIOSK_SYNC_KEY=key)
            output = subprocess.run([sys.executable, "-m", "bench.sync", "agent-child", str(records)],
                                    env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        finally:
            server.terminate()
            server.wait(10)
        return json.loads(output.stdout.strip().splitlines()[-1])["growth_mb"]


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _agent_child(records: int) -> None:
    """In its own process: make a kiosk with a backlog, then time and weigh one sync."""
    from kiosk import create_app
    from kiosk.database import upgrade
    from kiosk.extensions import db
    from kiosk.models import Person
    from kiosk.sync_agent import agent

    app = create_app()
    with app.app_context():
        upgrade()
        rows = [{k: v for k, v in row.items() if k != "sync_seq"}
                for row in (protocol.decode_row("person", r)
                            for r in _records(app.config["KIOSK_ID"], records))]
        db.session.execute(db.insert(Person), rows)
        db.session.commit()
        del rows
    import gc
    gc.collect()
    before = _rss_kb("VmRSS")
    # Reset the peak so it measures the sync alone (Linux: write 5 to clear_refs).
    Path("/proc/self/clear_refs").write_text("5")
    result = agent.run_once(app)
    assert result.pushed["person"] == records, result
    peak = _rss_kb("VmHWM")
    print(json.dumps({"growth_mb": round(max(0, peak - before) / 1024, 1)}))


def figures() -> dict[str, dict]:
    ingest, replayed = ingest_and_replay()
    return {
        "central_ingest_rows_per_s": {"value": round(ingest), "unit": "rows/s", "target": ">= 20000"},
        "replay_rows_changed": {"value": replayed, "unit": "rows", "target": "0"},
        "agent_rss_growth_mb_50k": {"value": agent_rss_growth(), "unit": "MB", "target": "<= 50"},
        "fleet_300x1000_s": {"value": round(fleet(), 1), "unit": "s", "target": "<= 300"},
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["agent-child"]:
        _agent_child(int(sys.argv[2]))
    else:
        print(json.dumps(figures(), indent=2))
