"""A day at the reception hall, end to end in real Chromium.

A visitor takes a number on the touch screen (keypads, portrait), the slip
prints on a virtual serial printer; a receptionist calls it on the console,
completes the registration, accepts the matter and prints the formal papers,
then closes it with the visitor's satisfaction; the supervisor's figures and
the day register count it; the visitor's query code shows the progress.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bench.browser import VIEWPORTS, walk
from kiosk.auth import operations as accounts
from kiosk.extensions import db
from kiosk.models import Case, PrintJob, Visit
from tests.support.browser import accept_with_notice, fill_registration, pdf_behind
from tests.support.staff import PASSWORD, sign_in_page
from tests.support.touchscreen import valid_id_number
from tests.support.virtual_printer import PtyPrinter, Scenario

pytestmark = pytest.mark.browser


def test_a_day_from_the_touch_screen_to_the_figures(app, live_server, chromium):
    with app.app_context():
        accounts.create_user("rita", PASSWORD, "receptionist")
        accounts.create_user("sam", PASSWORD, "supervisor")
        db.session.commit()

    with PtyPrinter(Scenario.ONLINE) as printer:
        app.config["KIOSK_PRINTER_URL"] = printer.url
        kiosk = chromium.new_context(viewport=VIEWPORTS["portrait"]).new_page()
        walk(kiosk, live_server, service_label="个人来访", id_number=valid_id_number(seq=77),
             phone="13700001234", bad_entries=False)
        assert kiosk.locator("[data-ticket-number]").inner_text() == "A001"
        query_code = kiosk.locator("[data-query-code]").inner_text()
        kiosk.wait_for_selector('[data-print-status="printed"]', timeout=15000)
        assert b"A001" in bytes(printer.received)

    console = chromium.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in_page(console, live_server, "rita")
    assert console.locator('[data-ticket="A001"]').count() == 1
    console.click("button[data-call-next]")
    console.wait_for_url(f"{live_server}/staff/visits/*")
    fill_registration(console, name="赵建国", address="历城区工业南路8号", matter="拖欠农民工工资三个月未发放",
                      request="督促用人单位支付工资", material=("劳动合同复印件", 1))
    console.click("text=保存登记")
    assert "登记已保存" in console.inner_text(".flashes")
    pdf_behind(console, live_server, "打印登记回执")
    accept_with_notice(console, live_server)
    console.click("summary:has-text('办结')")
    close = console.locator("details.step:has(summary:has-text('办结')) form")
    close.locator("textarea, input[type=text]").first.fill("已督促用人单位发放全部工资")
    close.locator("select").select_option("satisfied")
    close.locator("button[type=submit]").click()
    with app.app_context():
        visit = db.session.scalars(select(Visit)).one()
        case = db.session.get(Case, visit.case_id)
        assert (case.status, case.satisfaction, case.result) == (
            "closed", "satisfied", "已督促用人单位发放全部工资")
        assert db.session.scalars(select(PrintJob.status)).all() == ["printed"]

    boss = chromium.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in_page(boss, live_server, "sam")
    boss.goto(f"{live_server}/staff/figures")
    figures = boss.inner_text(".figures")
    assert "满意" in figures and "100" in figures  # 办结率 of the day's one case
    register = boss.request.get(f"{live_server}/staff/register.pdf")
    assert register.headers["content-type"] == "application/pdf"

    kiosk = chromium.new_context(viewport=VIEWPORTS["landscape"]).new_page()
    kiosk.goto(f"{live_server}/progress")
    kiosk.locator("#code").click()
    for char in query_code.replace("-", ""):
        kiosk.locator(f"[data-key='{char}']").first.click()
    kiosk.get_by_role("button", name="查询").click()
    assert "已办结" in kiosk.inner_text('[data-progress="found"]')
    for context in list(chromium.contexts):
        context.close()
