"""Nothing acknowledged is lost: SIGKILL the real server right after it answered.

The server runs as `make run` starts it (migrations by `flask db upgrade`, then
`python run.py`) in a subprocess. Each cycle registers a visit over real HTTP,
kills the process with SIGKILL the moment the acknowledgement arrived (the
302 of 确认并取号, or the 200 of the ticket screen), and restarts it. The
visit must be in the database, and the restarted kiosk must carry on with the
next ticket number and find the visit by its query code.
"""

from __future__ import annotations

import sqlite3

import pytest

from bench.client import TOKEN, Visitor
from bench.server import Server, upgrade

CYCLES = 20

pytestmark = pytest.mark.slow


def stored(instance) -> dict[str, tuple[str, str]]:
    """idempotency key -> (ticket number, query code) of every visit on disk."""
    connection = sqlite3.connect(instance / "kiosk.sqlite3")
    try:
        return {key: (number, code) for key, number, code in connection.execute(
            "SELECT idempotency_key, ticket_number, query_code FROM visit")}
    finally:
        connection.close()


def test_every_acknowledged_visit_survives_sigkill(tmp_path):
    instance = tmp_path / "instance"
    upgrade(instance)
    acknowledged: dict[str, tuple[str, str] | None] = {}
    server = Server(instance)
    try:
        for cycle in range(CYCLES):
            server.start()
            visitor = Visitor("127.0.0.1", server.port)
            review = visitor.walk_to_review(seq=cycle)
            visitor.confirm(review)
            if cycle % 2:
                acknowledged[review["key"]] = visitor.ticket()  # killed after the ticket's 200
            else:
                acknowledged[review["key"]] = None  # killed right after the 302 of /confirm
            server.kill()
            visitor.close()

            on_disk = stored(instance)
            missing = set(acknowledged) - set(on_disk)
            assert not missing, f"cycle {cycle}: acknowledged visits lost: {missing}"
            for key, shown in acknowledged.items():
                if shown is not None:
                    assert on_disk[key] == shown, f"cycle {cycle}: ticket differs from what was shown"

        # The restarted kiosk carries on: numbers continue, every code is found.
        server.start()
        visitor = Visitor("127.0.0.1", server.port)
        visitor.confirm(visitor.walk_to_review(seq=99))
        number, _ = visitor.ticket()
        assert number == f"A{CYCLES + 1:03d}"
        for ticket_number, code in stored(instance).values():
            token = TOKEN.search(visitor.get("/progress")).group(1)
            status, _, text = visitor.request("POST", "/progress", {"csrf_token": token, "code": code})
            assert status == 200 and 'data-progress="found"' in text, ticket_number
        visitor.close()
    finally:
        server.kill()
    assert len(stored(instance)) == CYCLES + 1
    assert sorted(n for n, _ in stored(instance).values()) == [
        f"A{seq:03d}" for seq in range(1, CYCLES + 2)]
