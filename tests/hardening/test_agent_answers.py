"""Defect 3: the agent died on a bad HTTP answer.

Fed truncated, garbled and malformed answers, the agent turns every one into
a retryable SyncError, records it for the console and retries (`--attempts`);
the nightly loop is supervised and survives anything; and one sync runs at a
time per kiosk, across processes, by a lock file.
"""

from __future__ import annotations

import json
import logging

import pytest

from kiosk.sync_agent import agent, background
from kiosk.sync_agent.lock import sync_lock
from tests.support.bad_http import BadServer, http_answer
from tests.support.central import make_visits

PUSH_OK = json.dumps({"table": "person", "received": 1, "applied": 1, "acked_seq": 1}).encode()

BROKEN = {
    "truncated body": http_answer(PUSH_OK, length=len(PUSH_OK) + 50),
    "not HTTP": b"HELLO THERE\r\n\r\n",
    "closed without a word": b"",
    "bad status code": b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
    "header line too long": b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000 + b"\r\n\r\n",
    "not JSON": http_answer(b"<html>proxy error</html>", content_type="text/html"),
    "JSON but not an object": http_answer(b"[1, 2, 3]"),
    "JSON nested too deep": http_answer(b"[" * 100_000),
    "bad UTF-8": http_answer(b"\xff\xfe{}"),
    "a wrong acknowledgement": http_answer(json.dumps({"acked_seq": "all"}).encode()),
    "a 502 cut short": http_answer(b'{"error": "bad', status="502 Bad Gateway", length=200),
    "a 503 in HTML": http_answer(b"<h1>busy</h1>", status="503 Service Unavailable"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_every_broken_answer_is_a_retried_and_recorded_sync_error(app, kind):
    make_visits(app, 1, group_every=0)
    server = BadServer(BROKEN[kind])
    waits = []
    try:
        client = agent.Client(server.url, "kiosk-test", "key", timeout=5)
        with pytest.raises(agent.SyncError) as failed:
            agent.run(app, client=client, attempts=3, sleep=waits.append)
    finally:
        server.close()
    assert failed.value.retry, failed.value.message
    assert server.served == 3 and len(waits) == 2  # --attempts 3: three tries
    assert agent.status(app)["last_error"] == failed.value.message
    assert agent.status(app)["backlog"] == 3  # nothing was taken as delivered


@pytest.mark.parametrize("feed", [
    {"changes": [{"case_id": 5}], "cursor": "1-1"},
    {"changes": ["x"], "cursor": "1-1"},
    {"changes": [{"case_id": "c1", "office_version": 2 ** 40}], "cursor": "1-1"},
    {"changes": [{"case_id": "c1", "office_version": 1, "reply_text": "\x00"}], "cursor": "1-1"},
    {"changes": [{"case_id": "c1", "office_version": 1, "replied_on": "yesterday"}], "cursor": "1-1"},
    {"changes": [], "cursor": 7},
    {"changes": {}, "cursor": "1-1"},
])
def test_a_malformed_change_feed_is_a_sync_error_and_moves_no_cursor(app, feed):
    server = BadServer(http_answer(json.dumps(feed).encode()))
    try:
        with pytest.raises(agent.SyncError) as failed:
            agent.run_once(app, agent.Client(server.url, "kiosk-test", "key", timeout=5))
    finally:
        server.close()
    assert failed.value.code == "bad_answer" and failed.value.retry
    with app.app_context():
        assert agent._state("pull").cursor is None


def test_the_cli_retries_a_truncated_answer_and_reports_it(app):
    make_visits(app, 1, group_every=0)
    server = BadServer(BROKEN["truncated body"])
    app.config.update(KIOSK_SYNC_URL=server.url, KIOSK_SYNC_KEY="key", KIOSK_SYNC_TIMEOUT=5.0)
    try:
        result = app.test_cli_runner().invoke(args=["sync", "--attempts", "2"])
    finally:
        server.close()
    assert result.exit_code == 1 and "cannot reach the central office" in result.output
    assert server.served == 2


def test_the_nightly_loop_survives_any_failure(app, monkeypatch, caplog):
    app.config.update(KIOSK_SYNC_URL="http://127.0.0.1:9", KIOSK_SYNC_KEY="key")
    rounds = []

    def broken_run(*_args, **_kwargs):
        rounds.append(1)
        raise RuntimeError("a bug in one night's sync")

    monkeypatch.setattr(agent, "run", broken_run)
    runner = background.BackgroundSync(app)
    with caplog.at_level(logging.ERROR):
        runner.nightly_loop(sleep=lambda _seconds: None, nights=3)  # returns: it did not die
    assert len(rounds) == 3
    assert len([r for r in caplog.records if r.exc_info and "a bug" in str(r.exc_info[1])]) == 3


def test_a_second_sync_of_the_same_kiosk_waits_for_the_first(app, runner):
    """The server's sync holds the lock file; `flask --app kiosk sync` in a shell does not push."""
    make_visits(app, 1, group_every=0)
    server = BadServer(http_answer(PUSH_OK))
    app.config.update(KIOSK_SYNC_URL=server.url, KIOSK_SYNC_KEY="key")
    try:
        with sync_lock(app.instance_path):
            result = runner.invoke(args=["sync"])
            with pytest.raises(agent.SyncError) as busy:
                agent.run_once(app)
    finally:
        server.close()
    assert result.exit_code == 1 and "another sync of this kiosk is running" in result.output
    assert busy.value.code == "busy" and busy.value.retry
    assert server.served == 0
