"""The console's sync panel and its 立即同步 button, against a real central app."""

from __future__ import annotations

import time

from kiosk.sync_agent import agent
from kiosk.sync_agent.background import background
from tests.support.central import assert_same_records, make_visits
from tests.support.staff import post_form, sign_in


def signed_in_receptionist(app):
    client = app.test_client()
    assert sign_in(client, "rita").status_code == 302
    return client


def test_the_console_says_when_sync_is_not_set_up(app, staff):  # noqa: F811
    console = signed_in_receptionist(app)
    page = console.get("/staff/").get_data(as_text=True)
    assert "data-sync-status" in page and "KIOSK_SYNC_URL" in page
    response = post_form(console, "/staff/", "/staff/sync", {})
    assert response.status_code == 302
    assert "KIOSK_SYNC_URL" in console.get("/staff/").get_data(as_text=True)


def test_sync_now_sends_the_backlog_and_the_console_shows_it(
        app, staff, central_app, central_server, kiosk_key):  # noqa: F811
    app.config.update(KIOSK_SYNC_URL=central_server.url, KIOSK_SYNC_KEY=kiosk_key)
    make_visits(app, 5)
    console = signed_in_receptionist(app)
    page = console.get("/staff/").get_data(as_text=True)
    assert 'data-sync-backlog>' in page and "从未" in page

    response = post_form(console, "/staff/", "/staff/sync", {})
    assert response.status_code == 302
    assert "已开始与信访办同步" in console.get("/staff/").get_data(as_text=True)
    deadline = time.monotonic() + 30
    while agent.status(app)["last_success_at"] is None or background(app).running:
        assert time.monotonic() < deadline, agent.status(app)
        time.sleep(0.1)

    page = console.get("/staff/").get_data(as_text=True)
    assert "data-sync-backlog>0<" in page and "data-sync-error" not in page
    assert assert_same_records(app, central_app, "kiosk-test")["visit"] == 5


def test_a_failed_sync_shows_its_error_on_the_console(app, staff):  # noqa: F811
    app.config.update(KIOSK_SYNC_URL="http://127.0.0.1:9", KIOSK_SYNC_KEY="k" * 43)
    make_visits(app, 1)
    console = signed_in_receptionist(app)
    post_form(console, "/staff/", "/staff/sync", {})
    deadline = time.monotonic() + 60
    while agent.status(app)["last_error"] is None or background(app).running:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    page = console.get("/staff/").get_data(as_text=True)
    assert "data-sync-error" in page and "data-sync-backlog>" in page
