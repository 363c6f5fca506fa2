"""The whole visit in real Chromium, as a visitor taps it, portrait and landscape.

Every screen is photographed to build/screenshots/<screen>-<orientation>.png,
measured against the touch standards, and every request of the whole flow
must have gone to the kiosk itself.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bench.browser import tap_keys, tap_submit, walk
from kiosk.extensions import db
from kiosk.models import PrintJob, Visit
from tests.support.browser import screenshot
from tests.support.standards import check
from tests.support.touchscreen import valid_id_number

pytestmark = pytest.mark.browser

ORIENTATIONS = ("portrait", "landscape")


def stored_visits(app):
    with app.app_context():
        return db.session.scalars(select(Visit).order_by(Visit.ticket_seq)).all()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_a_personal_visit_screen_by_screen(app, live_server, open_page, orientation):
    page, recorder = open_page(orientation)
    problems: dict[str, list[str]] = {}

    def on_screen(name):
        screenshot(page, name, orientation)
        problems[name] = check(page)
        # Every screen but the welcome and the ticket offers 返回 and 重新开始.
        if name not in ("welcome", "ticket"):
            assert page.get_by_role("link", name="返回").is_visible(), name
            assert page.get_by_role("button", name="重新开始").is_visible(), name

    id_number = valid_id_number(seq=321)
    walk(page, live_server, service_label="个人来访", id_number=id_number,
         phone="13912345678", on_screen=on_screen)

    ticket = page.locator("[data-ticket-number]").inner_text()
    assert ticket == "A001"
    assert "下一位就是您" in page.content()
    [visit] = stored_visits(app)
    assert visit.ticket_number == "A001" and visit.service == "individual"
    code = visit.query_code
    assert page.locator("[data-query-code]").inner_text() == f"{code[:5]}-{code[5:]}"
    with app.app_context():
        assert db.session.scalars(select(PrintJob.kind)).all() == ["ticket"]

    # The query code from the slip finds the matter on 查询办理进度.
    with page.expect_navigation():
        page.get_by_role("button", name="完成").click()
    with page.expect_navigation():
        page.get_by_role("link", name="查询办理进度").click()
    tap_keys(page, "code", code)
    tap_submit(page, "查询")
    assert page.locator('[data-progress="found"]').is_visible()
    on_screen("progress")

    assert {name: found for name, found in problems.items() if found} == {}
    assert recorder.urls, "the recorder saw no requests"
    assert recorder.outside(live_server) == []


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_a_group_visit_records_the_group(app, live_server, open_page, orientation):
    page, recorder = open_page(orientation)
    problems = {}

    def on_screen(name):
        if name in ("identity", "review"):
            screenshot(page, f"group-{name}", orientation)
            problems[name] = check(page)

    walk(page, live_server, service_label="集体来访", id_number=valid_id_number(seq=654),
         phone="02112345678", group=(12, 3), category_label="建议意见", on_screen=on_screen,
         bad_entries=False)
    assert page.locator("[data-ticket-number]").inner_text() == "B001"
    [visit] = stored_visits(app)
    assert (visit.group_size, visit.representative_count, visit.category) == (12, 3, "suggestion")
    assert {name: found for name, found in problems.items() if found} == {}
    assert recorder.outside(live_server) == []


def test_identity_errors_say_what_is_wrong_beside_each_field(live_server, open_page):
    page, _ = open_page("portrait")
    page.goto(live_server + "/")
    tap_submit(page, "个人来访")
    tap_submit(page, "我已知晓")
    tap_keys(page, "id_number", valid_id_number()[:-1] + "X")  # wrong check digit
    tap_keys(page, "phone", "1234567")
    tap_submit(page, "下一步")
    assert "校验位不符" in page.locator("#id_number-error").inner_text()
    assert page.locator("#phone-error").is_visible()
    # What was typed stays, to be corrected with ⌫ rather than typed again.
    assert page.locator("#id_number").input_value() == valid_id_number()[:-1] + "X"
    page.locator("#id_number").click()
    page.locator('[data-keypad] [data-key="backspace"]').click()
    assert page.locator("#id_number").input_value() == valid_id_number()[:-1]


def test_a_double_tap_on_confirm_makes_one_visit(app, live_server, open_page):
    # One visitor double-taps, the next taps twice faster than any page loads.
    for seq, tap in ((777, "dblclick"), (778, "twice")):
        page, _ = open_page("landscape")
        walk(page, live_server, service_label="个人来访", id_number=valid_id_number(seq=seq),
             phone="13812345678", bad_entries=False, until="review")
        button = page.get_by_role("button", name="确认并取号")
        with page.expect_navigation(url="**/ticket"):
            if tap == "dblclick":
                button.dblclick()
            else:
                button.evaluate("b => { b.click(); b.click(); }")
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-ticket-number]").is_visible()
    visits = stored_visits(app)
    assert [v.ticket_number for v in visits] == ["A001", "A002"]
