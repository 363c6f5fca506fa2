"""The office's headquarters in real Chromium, on PostgreSQL: a 催办 shows on the overdue-by-body
list; the year's figures with their charts; the quarterly report PDF downloaded, its charts on
the rendered page and every font embedded. Screenshots land in build/screenshots/."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from appkit.serving import ThreadedServer
from central import supervision
from central.extensions import db
from petition.clock import local_date, utcnow
from printer.charts import PALETTE
from tests.support.apps import free_port
from tests.support.browser import SCREENSHOTS
from tests.support.central import register_kiosk
from tests.support.office import PASSWORD, case_record, district, push_all
from tests.support.pdf import colour_share, fonts_of, pages_as_png

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
TODAY = local_date(utcnow())
BLUE = tuple(int(PALETTE[0].rgb()[i] * 255) for i in range(3))


@pytest.fixture
def office(postgres_central):
    server = ThreadedServer(postgres_central, free_port()).start()
    yield postgres_central, server.url
    server.stop()


@pytest.fixture
def desk(chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page, base: str, app, username: str, role: str) -> None:
    from central import staff

    with app.app_context():
        staff.save(username, name=username.upper(), role=role, password=PASSWORD, by="test",
                   now=datetime(2026, 1, 1))
        db.session.remove()
    page.goto(f"{base}/desk/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/desk/")


def test_a_reminder_shows_on_the_overdue_by_body_list(office, desk):
    app, base = office
    key = register_kiosk(app, "hall-1", "第一接待大厅")
    decided = TODAY - timedelta(days=40)
    push_all(app, key, "hall-1", "case", [case_record(
        "c-late", "hall-1", decided - timedelta(days=3), disposition="assigned", decided_on=decided,
        assigned_to="区住建局", assigned_due_on=TODAY - timedelta(days=10))])
    with app.app_context():
        supervision.supervise("c-late", ["区住建局"], due_on=TODAY - timedelta(days=10), note="限期报告",
                              by="li", now=datetime.combine(decided, datetime.min.time()))
        db.session.remove()
    sign_in(desk, base, app, "li", "handler")
    desk.click("text=督查督办")
    desk.click("text=按单位统计超期")
    row = desk.locator('tr[data-body="区住建局"]')
    assert row.locator("[data-reminders]").inner_text() == "0"
    row.locator("a").click()
    desk.locator('tr[data-case="c-late"] a').click()
    reminder = desk.locator('form[data-step="remind"]')
    reminder.locator("textarea").fill("电话催办，答应三日内书面回复")
    reminder.locator("button[type=submit]").click()
    assert "电话催办，答应三日内书面回复" in desk.locator("[data-reminders]").inner_text()
    desk.click("text=督查督办")
    desk.click("text=按单位统计超期")
    row = desk.locator('tr[data-body="区住建局"]')
    assert row.locator("[data-reminders]").inner_text() == "1"
    assert row.locator("[data-last-reminded]").inner_text() == TODAY.isoformat()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desk.screenshot(path=str(SCREENSHOTS / "office-overdue-by-body.png"), full_page=True)


def test_the_years_figures_with_charts_and_the_quarterly_report(office, desk, tmp_path):
    app, base = office
    district(app, halls=4, per_month=5, first=date(TODAY.year - 1, 1, 1), months=12 + TODAY.month)
    sign_in(desk, base, app, "vera", "viewer")
    desk.click("text=统计分析")
    assert desk.locator("h1 small").inner_text() == f"{TODAY.year}年"
    charts = desk.locator("figure.chart svg")
    assert charts.count() == 3
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 300 and box["height"] > 120
        assert charts.nth(index).locator("rect").count() > 3
    assert "第1接待大厅" in desk.locator("[data-breakdown]").inner_text()
    desk.screenshot(path=str(SCREENSHOTS / "office-figures-year.png"), full_page=True)

    with desk.expect_download() as download:
        desk.click("[data-export=pdf]")
    pdf = download.value.path().read_bytes()
    assert download.value.suggested_filename.startswith(f"report-quarter-{TODAY.year}-")
    fonts = fonts_of(pdf, tmp_path)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    first = pages_as_png(pdf, tmp_path, dpi=80)[0]
    assert colour_share(first, BLUE) > 0.005  # the charts' bars are drawn on the page
    (SCREENSHOTS / "office-quarterly-report-page1.png").write_bytes(first.read_bytes())
