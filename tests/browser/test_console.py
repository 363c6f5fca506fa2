"""In real Chromium: two consoles and the waiting-room display through a call.

叫号 on one console shows on the display and is announced (the speech call
is captured in the page); the other console sees the ticket leave its queue.
Screenshots of the pages land in build/screenshots/.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.auth import operations as accounts
from kiosk.extensions import db
from tests.conftest import unavailable
from tests.staff.conftest import PASSWORD, take_tickets

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--autoplay-policy=no-user-gesture-required"]

# Record what the display asks the browser to say, instead of saying it.
CAPTURE_SPEECH = """
window.__spoken = [];
window.speechSynthesis.speak = function (utterance) {
  window.__spoken.push({text: utterance.text, lang: utterance.lang});
};
"""


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def sign_in(page, base: str, username: str):
    page.goto(f"{base}/staff/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/")


def test_a_call_reaches_the_display_and_the_other_console(app, live_server, browser):
    with app.app_context():
        accounts.create_user("rita", PASSWORD, "receptionist")
        accounts.create_user("rick", PASSWORD, "receptionist")
        db.session.commit()
    take_tickets(app, 3, name="欧阳小明")
    take_tickets(app, 2, service="group", start=10)
    SHOTS.mkdir(parents=True, exist_ok=True)

    display = browser.new_page(viewport={"width": 1920, "height": 1080})
    display.add_init_script(CAPTURE_SPEECH)
    display.goto(f"{live_server}/display")
    display.wait_for_function("() => document.getElementById('board').dataset.lastId !== undefined")

    first = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    second = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in(first, live_server, "rita")
    sign_in(second, live_server, "rick")
    with second.expect_navigation():
        second.select_option("select[name=window]", "2")  # submits itself
    assert second.locator("section.mine h2").inner_text() == "2号窗口"
    assert second.locator('.service [data-ticket="A001"]').count() == 1
    first.screenshot(path=str(SHOTS / "console-queue-1366.png"), full_page=True)

    started = time.monotonic()
    first.click("button[data-call-next]")
    display.wait_for_function(
        "() => document.querySelector('[data-window=\"1\"] [data-now]').textContent === 'A001'", timeout=5000)
    shown_after = time.monotonic() - started
    display.wait_for_function("() => window.__spoken.length > 0", timeout=5000)
    assert display.evaluate("() => window.__spoken") == [{"text": "请A001号到1号窗口", "lang": "zh-CN"}]
    assert "欧阳" not in display.content()

    first.wait_for_url(f"{live_server}/staff/visits/*")
    assert "A001" in first.locator(".visit-head").inner_text()
    first.screenshot(path=str(SHOTS / "console-visit-1366.png"), full_page=True)

    # The other console's queue refreshes by itself: A001 has left it.
    second.wait_for_selector('.service [data-ticket="A001"]', state="detached", timeout=10000)
    assert second.locator('.service [data-ticket="A002"]').count() == 1
    second.screenshot(path=str(SHOTS / "console-queue-1920.png"), full_page=True)

    assert second.locator("section.mine [data-ticket]").count() == 0  # not at rick's window
    # The second window calls a chosen ticket; the display shows both windows.
    second.locator('.service[data-service="group"] [data-ticket="B001"] button').click()
    display.wait_for_function(
        "() => document.querySelector('[data-window=\"2\"] [data-now]').textContent === 'B001'", timeout=5000)
    display.wait_for_function("() => window.__spoken.length > 1", timeout=8000)
    assert display.evaluate("() => window.__spoken[1].text") == "请B001号到2号窗口"
    display.screenshot(path=str(SHOTS / "display-1920.png"))
    print(f"call shown on the display after {shown_after * 1000:.0f} ms")
