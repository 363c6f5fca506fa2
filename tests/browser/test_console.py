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
from kiosk.speech import build, clips_folder
from tests.support.browser import accept_with_notice, fill_registration, pdf_behind
from tests.support.staff import PASSWORD, sign_in_page, take_tickets

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

# Record what the display asks the browser to say, instead of saying it.
CAPTURE_SPEECH = """
window.__spoken = [];
window.speechSynthesis.speak = function (utterance) {
  window.__spoken.push({text: utterance.text, lang: utterance.lang});
};
"""


@pytest.fixture
def browser(chromium):
    """The session's Chromium (tests/browser/conftest.py), started with autoplay as on the TV."""
    yield chromium
    for context in chromium.contexts:
        context.close()


def test_a_call_reaches_the_display_and_the_other_console(app, live_server, browser):
    with app.app_context():
        accounts.create_user("rita", PASSWORD, "receptionist")
        accounts.create_user("rick", PASSWORD, "receptionist")
        db.session.commit()
    take_tickets(app, 3, name="欧阳小明")
    with app.app_context():
        build(clips_folder())  # as `make run` and the install do
    take_tickets(app, 2, service="group", start=10)
    SHOTS.mkdir(parents=True, exist_ok=True)

    display = browser.new_page(viewport={"width": 1920, "height": 1080})
    display.add_init_script(CAPTURE_SPEECH)
    display.goto(f"{live_server}/display")
    display.wait_for_function("() => document.getElementById('board').dataset.lastId !== undefined")

    first = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    second = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in_page(first, live_server, "rita")
    sign_in_page(second, live_server, "rick")
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
    # Spoken from the kiosk's clips (kiosk/speech), not by the browser's voice.
    display.wait_for_function("() => document.getElementById('board').dataset.said !== undefined",
                              timeout=10000)
    spoken = display.evaluate("() => Object.assign({}, document.getElementById('board').dataset)")
    assert (spoken["said"], spoken["saidBy"]) == ("请A001号到1号窗口", "clips")
    assert display.evaluate("() => window.__spoken") == []
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
    display.wait_for_function(
        "() => document.getElementById('board').dataset.said === '请B001号到2号窗口'", timeout=10000)
    assert display.evaluate("() => document.getElementById('board').dataset.saidBy") == "clips"
    display.screenshot(path=str(SHOTS / "display-1920.png"))
    print(f"call shown on the display after {shown_after * 1000:.0f} ms")


def test_a_visit_is_registered_decided_printed_and_counted_in_the_browser(app, live_server, browser):
    with app.app_context():
        accounts.create_user("rita", PASSWORD, "receptionist")
        accounts.create_user("sam", PASSWORD, "supervisor")
        db.session.commit()
    take_tickets(app, 1, name=None)
    take_tickets(app, 1, service="group", start=10)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{live_server}/staff/")
    page.wait_for_url(f"{live_server}/staff/sign-in*")
    page.screenshot(path=str(SHOTS / "sign-in-1366.png"))
    sign_in_page(page, live_server, "rita")
    page.click("button[data-call-next]")
    page.wait_for_url(f"{live_server}/staff/visits/*")

    fill_registration(page, name="李四海", address="历下区泉城路1号", matter="小区旁工地夜间施工噪音扰民",
                      request="要求限制夜间施工时间", material=("投诉信", 2))
    page.fill("input[name=phone]", "12345")  # a wrong phone first
    page.click("text=保存登记")
    assert "手机号码为11位" in page.inner_text(".registration")
    page.screenshot(path=str(SHOTS / "visit-invalid-1366.png"), full_page=True)
    page.fill("input[name=phone]", "13900001111")
    page.click("text=保存登记")
    assert "登记已保存" in page.inner_text(".flashes")
    pdf_behind(page, live_server, "打印登记回执")

    accept_with_notice(page, live_server)
    assert "答复期限" in page.inner_text(".facts")
    page.screenshot(path=str(SHOTS / "case-accepted-1366.png"), full_page=True)
    page.goto(f"{live_server}/staff/cases")
    page.screenshot(path=str(SHOTS / "cases-1366.png"), full_page=True)

    boss = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in_page(boss, live_server, "sam")
    boss.goto(f"{live_server}/staff/figures")
    kpis = boss.inner_text(".figures")
    assert "2" in kpis and "受理" in kpis
    boss.screenshot(path=str(SHOTS / "figures-1920.png"), full_page=True)
    boss.goto(f"{live_server}/staff/audit")
    assert "李*海" in boss.inner_text(".audit") and "李四海" not in boss.inner_text(".audit")
    boss.screenshot(path=str(SHOTS / "audit-1920.png"))


def test_an_idle_console_goes_to_the_sign_in_page_by_itself(app, live_server, browser):
    with app.app_context():
        accounts.create_user("rita", PASSWORD, "receptionist")
        db.session.commit()
    app.config["KIOSK_STAFF_IDLE_MINUTES"] = 0.05  # three seconds
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    sign_in_page(page, live_server, "rita")
    # The background refresh finds the session over and leaves the console.
    page.wait_for_url(f"{live_server}/staff/sign-in?next=%2Fstaff%2F", timeout=10000)
    assert "一段时间未操作" in page.inner_text(".flashes")
