"""The console's sync panel and its 立即同步 button, against a real central app."""

from __future__ import annotations

import time

from kiosk.sync_agent import agent
from kiosk.sync_agent.background import background
from tests.support.central import assert_same_records, make_visits
from tests.support.staff import post_form


def press_sync_now(console, app, until: str, timeout: float) -> None:
    """Press 立即同步 and wait until the background sync has ended with `until` set."""
    assert post_form(console, "/staff/", "/staff/sync", {}).status_code == 302
    deadline = time.monotonic() + timeout
    while agent.status(app)[until] is None or background(app).running:
        assert time.monotonic() < deadline, agent.status(app)
        time.sleep(0.1)


def test_the_console_says_when_sync_is_not_set_up(receptionist):
    console = receptionist
    page = console.get("/staff/").get_data(as_text=True)
    assert "data-sync-status" in page and "KIOSK_SYNC_URL" in page
    response = post_form(console, "/staff/", "/staff/sync", {})
    assert response.status_code == 302
    assert "KIOSK_SYNC_URL" in console.get("/staff/").get_data(as_text=True)


def test_sync_now_sends_the_backlog_and_the_console_shows_it(
        app, receptionist, central_app, central_server, kiosk_key):
    app.config.update(KIOSK_SYNC_URL=central_server.url, KIOSK_SYNC_KEY=kiosk_key)
    make_visits(app, 5)
    console = receptionist
    page = console.get("/staff/").get_data(as_text=True)
    assert 'data-sync-backlog>' in page and "从未" in page

    press_sync_now(console, app, "last_success_at", timeout=30)
    assert "已开始与信访办同步" in console.get("/staff/").get_data(as_text=True)

    page = console.get("/staff/").get_data(as_text=True)
    assert "data-sync-backlog>0<" in page and "data-sync-error" not in page
    assert assert_same_records(app, central_app, "kiosk-test")["visit"] == 5


def test_a_failed_sync_shows_its_error_on_the_console(app, receptionist):
    app.config.update(KIOSK_SYNC_URL="http://127.0.0.1:9", KIOSK_SYNC_KEY="k" * 43)
    make_visits(app, 1)
    console = receptionist
    press_sync_now(console, app, "last_error", timeout=60)
    page = console.get("/staff/").get_data(as_text=True)
    assert "data-sync-error" in page and "data-sync-backlog>" in page
