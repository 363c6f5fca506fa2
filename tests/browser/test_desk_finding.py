"""The office's desk in Chromium on a generated district (PostgreSQL): a case found by each kind of
search, and a petitioner seen at three halls. Screenshots land in build/screenshots/."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from central.extensions import db
from central.history import Plan, generate
from central.models import MIRRORS
from central.petitioners import PETITIONER_KEY
from petition import querycode
from tests.support.apps import free_port
from tests.support.browser import SCREENSHOTS
from tests.support.central import Server, postgres_office

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    with postgres_office(tmp_path_factory.mktemp("desk")) as app:
        with app.app_context():
            generate(Plan(halls=6, cases_per_hall=400, today=date(2026, 11, 30), seed=3), echo=lambda line: None)
        app.test_cli_runner().invoke(args=["staff", "add", "li", "--name", "李科长", "--password", PASSWORD])
        server = Server(app, free_port()).start()
        yield app, server.url
        server.stop()


@pytest.fixture
def desk(chromium, district):
    _app, url = district
    context = chromium.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{url}/desk/login")
    page.fill("input[name=username]", "li")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/desk/$"))
    yield page
    context.close()


def _three_hall_petitioner(app):
    person, visit = MIRRORS["person"], MIRRORS["visit"]
    with app.app_context():
        key = db.session.scalar(select(PETITIONER_KEY).where(person.c.id_number.isnot(None))
                                .group_by(PETITIONER_KEY)
                                .having(func.count(func.distinct(person.c.kiosk_id)) == 3).limit(1))
        row = db.session.execute(select(person.c.id, person.c.id_number, person.c.phone, person.c.name)
                                 .where(PETITIONER_KEY == key).limit(1)).first()
        code, case_id = db.session.execute(select(visit.c.query_code, visit.c.case_id)
                                           .where(visit.c.person_id == row.id)).first()
        db.session.remove()
    return row, code, case_id


def _search(page, typed: str) -> None:
    page.fill("header input[name=q]", typed)
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/desk/search$"))


def test_a_case_is_found_by_code_id_number_phone_and_part_of_a_name(district, desk):
    app, _url = district
    person, code, case_id = _three_hall_petitioner(app)
    desk.screenshot(path=str(SCREENSHOTS / "desk-cases-1440.png"), full_page=True)
    assert desk.locator("tr[data-case]").count() == 50 and desk.locator("[data-repeat]").count() > 0
    for typed in (code, querycode.display(code).lower(), person.id_number, person.phone, person.name[-2:]):
        _search(desk, typed)
        assert desk.locator(f'tr[data-case="{case_id}"]').count() == 1, typed
        table = desk.locator("table.desk-table").inner_text()
        assert person.id_number not in table and person.phone not in table
        assert desk.locator("header input[name=q]").input_value() == ""
    desk.screenshot(path=str(SCREENSHOTS / "desk-search-name-1440.png"), full_page=True)


def test_a_petitioner_seen_at_three_halls_opens_as_one_page(district, desk):
    app, _url = district
    person, _code, case_id = _three_hall_petitioner(app)
    _search(desk, person.id_number)
    desk.click(f'tr[data-case="{case_id}"] td:nth-child(3) a')
    desk.wait_for_url(re.compile(r"/desk/petitioner/"))
    halls = {desk.locator("tr[data-visit]").nth(n).get_attribute("data-kiosk")
             for n in range(desk.locator("tr[data-visit]").count())}
    assert len(halls) == 3
    assert "3 个接待室" in desk.locator("[data-seen]").inner_text()
    assert person.id_number in desk.locator("main").inner_text()  # in full for signed-in staff
    desk.screenshot(path=str(SCREENSHOTS / "desk-petitioner-1440.png"), full_page=True)
    visits = [desk.locator("tr[data-visit] td").nth(4 * n).inner_text()
              for n in range(desk.locator("tr[data-visit]").count())]
    assert visits == sorted(visits)
