"""Self-service in real Chromium: a registration by a card on a simulated reader and pinyin
typed on the screen's keyboard, through to the printed ticket; the lookup by code and by a
QR scanner; the reader's faults with their calm messages.

The reader is a pty answering frames these tests build (tests/card_reader_sim.py), named
to the app by KIOSK_CARD_READER_URL like a real /dev/ttyUSB0.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bench.browser import tap_keys, tap_submit
from kiosk.extensions import db
from kiosk.models import Case, Person, PrintJob, Visit
from tests.support.browser import screenshot
from tests.support.card_reader import CARD, SimulatedReader, card, reply
from tests.support.standards import check
from tests.support.touchscreen import valid_id_number

pytestmark = pytest.mark.browser

ID_NUMBER = valid_id_number(seq=246)
FIELDS = dict(CARD, id_number=ID_NUMBER)


@pytest.fixture
def reader():
    with SimulatedReader(card(FIELDS)) as sim:
        yield sim


@pytest.fixture
def app_config(reader):
    return {"KIOSK_CARD_READER_URL": reader.path, "KIOSK_CARD_READER_TIMEOUT": 0.3,
            "KIOSK_CARD_READER_SCREEN_WAIT_SECONDS": 0.5}


def to_identity(page, base):
    page.goto(base + "/")
    tap_submit(page, "个人来访")
    tap_submit(page, "我已知晓")


def read_card(page):
    with page.expect_navigation():
        page.get_by_role("button", name="读取身份证").click()


def type_pinyin(page, field: str, letters: str, pick: str, shot: str | None = None,
                problems: list | None = None) -> None:
    """Tap the field, tap the letters on the screen's keyboard, tap the candidate `pick`."""
    page.locator(f"#{field}").click()
    ime = page.locator(f"form:has(#{field}) [data-ime]")
    for letter in letters:
        ime.locator(f'[data-ime-letter="{letter}"]').click()
    for number in range(5):  # the word may be on a later page
        ime.locator(f'[data-ime-candidates][data-for="{letters}@{number}"]').wait_for()
        if shot:
            screenshot(page, shot, "portrait" if page.viewport_size["width"] < 1200 else "landscape")
            problems.extend(check(page))
            shot = None
        candidate = ime.get_by_role("button", name=pick, exact=True)
        if candidate.count():
            candidate.click()
            return
        ime.locator('[data-ime-action="next"]').click()
    raise AssertionError(f"{pick} is not among the candidates for {letters}")


@pytest.mark.parametrize("orientation", ("portrait", "landscape"))
def test_a_whole_registration_by_card_and_keyboard(app, live_server, open_page, orientation):
    page, recorder = open_page(orientation)
    problems = {}
    to_identity(page, live_server)
    read_card(page)
    box = page.locator("[data-card]")
    assert box.is_visible()
    assert box.locator('[data-card-field="name"]').inner_text() == "张三丰"
    assert box.locator('[data-card-field="sex"]').inner_text() == "男"
    assert box.locator('[data-card-field="birth_date"]').inner_text() == "1980-01-01"
    assert box.locator('[data-card-field="address"]').inner_text() == "山东省济南市历下区泉城路1号"
    assert page.locator("#id_number").input_value() == ID_NUMBER
    assert page.locator("#address").input_value() == "山东省济南市历下区泉城路1号"
    screenshot(page, "selfservice-identity-card", orientation)
    problems["identity-card"] = check(page)

    tap_keys(page, "phone", "13912345678")
    # The name box opens the keyboard; the keypad stays for the digit boxes.
    page.locator("#name").click()
    assert page.locator("[data-ime]").is_visible()
    screenshot(page, "selfservice-identity-keyboard", orientation)
    problems["identity-keyboard"] = check(page)
    tap_submit(page, "下一步")

    page.locator("label.option", has_text="申诉求决").click()
    type_pinyin(page, "matter", "tudi", "土地")
    problems["keyboard-candidates"] = []
    type_pinyin(page, "matter", "zhengshou", "征收", shot="selfservice-keyboard-candidates",
                problems=problems["keyboard-candidates"])
    type_pinyin(page, "request", "buchang", "补偿")
    assert page.locator("#matter").input_value() == "土地征收"
    assert page.locator("#request").input_value() == "补偿"
    screenshot(page, "selfservice-matter-keyboard", orientation)
    problems["matter-keyboard"] = check(page)
    tap_submit(page, "下一步")

    assert page.locator('[data-review="matter"]').inner_text() == "土地征收"
    tap_submit(page, "确认并取号")
    page.locator('[data-print-status="printed"]').wait_for()
    assert page.locator("[data-ticket-number]").inner_text() == "A001"

    with app.app_context():
        person = db.session.scalars(select(Person)).one()
        case = db.session.scalars(select(Case)).one()
        assert (person.name, person.gender, person.id_number) == ("张三丰", "男", ID_NUMBER)
        assert (case.matter, case.request) == ("土地征收", "补偿")
        assert db.session.scalars(select(PrintJob.status)).all() == ["printed"]
    assert {name: found for name, found in problems.items() if found} == {}
    assert recorder.outside(live_server) == []


def test_lookup_by_code_and_by_scanner(app, live_server, open_page, client):
    from tests.support.touchscreen import confirm, walk_to_review
    confirm(client, walk_to_review(client))
    with app.app_context():
        code = db.session.scalars(select(Visit.query_code)).one()
    page, recorder = open_page("portrait")
    page.goto(live_server + "/progress")
    tap_keys(page, "code", code)
    tap_submit(page, "查询")
    assert page.locator('[data-progress="found"]').is_visible()
    problems = check(page)

    # A scanner types a burst ending in Enter, wherever the focus is.
    page.goto(live_server + "/progress")
    page.locator("h1").click()
    with page.expect_navigation():
        page.keyboard.type(f"https://xf.example.gov.cn/q/{code}\n", delay=5)
    assert page.locator('[data-progress="found"]').is_visible()
    screenshot(page, "selfservice-progress", "portrait")
    assert problems == [] and check(page) == []
    assert recorder.outside(live_server) == []


@pytest.mark.parametrize("fault, message", [
    ("silent", "身份证阅读器没有响应"),
    ("checksum", "没有读清楚"),
    ("moved", "读取完成前证件被移开了"),
    ("unplugged", "身份证阅读器暂时不能使用"),
])
def test_reader_faults_show_calm_messages_and_the_keypad_still_works(
        app, live_server, open_page, reader, fault, message):
    answers = card(FIELDS)
    if fault == "silent":
        reader.answer = lambda code: None
    elif fault == "checksum":
        reader.answer = lambda code: reply(0x9F)[:-1] + b"\x00"
    elif fault == "moved":
        reader.answer = lambda code: answers(code)[:100] if code == b"\x30\x01" else answers(code)
    else:
        app.config["KIOSK_CARD_READER_URL"] = "/dev/does-not-exist-ttyUSB9"
    page, recorder = open_page("landscape")
    to_identity(page, live_server)
    read_card(page)
    assert message in page.locator("[data-card-error]").inner_text()
    assert not page.locator("[data-card]").count()
    if fault == "moved":
        screenshot(page, "selfservice-reader-fault", "landscape")
        assert check(page) == []
    tap_keys(page, "id_number", ID_NUMBER)
    tap_keys(page, "phone", "13912345678")
    tap_submit(page, "下一步")
    assert page.url.endswith("/matter")
    assert recorder.outside(live_server) == []
