"""Idle: 还在吗？ with its countdown, then everything entered is gone for the next visitor.

The app runs with a 2 s idle time and a 2 s countdown, so the real timers of
kiosk.js run in Chromium. Waiting is on what the page shows, never on a
fixed sleep, so slow machines only make the test slower.
"""

from __future__ import annotations

import pytest

from bench.browser import tap_keys, walk
from tests.support.browser import screenshot
from tests.support.standards import check
from tests.support.touchscreen import valid_id_number

pytestmark = pytest.mark.browser

ID_NUMBER = valid_id_number(seq=468)
PHONE = "13698765432"


@pytest.fixture
def app_config():
    return {"KIOSK_IDLE_SECONDS": 2, "KIOSK_IDLE_COUNTDOWN_SECONDS": 2}


def enter_identity(page, base):
    walk(page, base, service_label="个人来访", id_number=ID_NUMBER, phone=PHONE,
         bad_entries=False, until="identity")
    tap_keys(page, "id_number", ID_NUMBER)
    tap_keys(page, "phone", PHONE)


@pytest.mark.parametrize("orientation", ("portrait", "landscape"))
def test_idle_asks_then_clears_everything_entered(live_server, open_page, orientation):
    page, recorder = open_page(orientation)
    enter_identity(page, live_server)
    prompt = page.locator("#idle")
    prompt.wait_for(state="visible")
    assert "还在吗" in prompt.inner_text() and "我还在" in prompt.inner_text()
    count = page.locator("#idle-count")
    assert count.inner_text() in ("1", "2")
    screenshot(page, "idle", orientation)
    assert check(page) == []

    # No answer: the countdown runs out and the welcome screen returns.
    page.wait_for_url(live_server + "/", timeout=15_000)
    page.get_by_role("button", name="个人来访").wait_for()

    # The next visitor goes back through history: nothing of the last one is reachable.
    for _ in range(5):
        page.go_back()
        page.wait_for_load_state("load")
        html = page.content()
        values = page.eval_on_selector_all("input", "els => els.map(e => e.value).join(' ')")
        for private in (ID_NUMBER, PHONE, ID_NUMBER[:10]):
            assert private not in html and private not in values, page.url
    assert recorder.outside(live_server) == []


def test_i_am_still_here_keeps_the_entries(live_server, open_page):
    page, _ = open_page("portrait")
    enter_identity(page, live_server)
    page.locator("#idle").wait_for(state="visible")
    page.get_by_role("button", name="我还在").click()
    assert page.locator("#idle").is_hidden()
    assert page.locator("#id_number").input_value() == ID_NUMBER
    assert page.locator("#phone").input_value() == PHONE
    # The visitor carries on and the entries reach the review screen.
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()
    assert page.url.endswith("/matter")


def test_the_welcome_screen_never_times_out(live_server, open_page):
    page, _ = open_page("landscape")
    page.goto(live_server + "/")
    # Twice the idle time plus the countdown: the prompt never shows on the welcome screen.
    page.wait_for_timeout(5_000)
    assert page.locator("#idle").is_hidden()
