"""The central office's public progress page: status and dates by query code, nothing personal."""

from __future__ import annotations

from datetime import datetime

import pytest

from central import cases
from sync import protocol
from tests.support.central import KIOSK, accepted, push, register_kiosk

NOW = datetime(2026, 11, 23, 12, 0)


def visit(query_code: str, case_id: str) -> dict:
    return protocol.encode_row("visit", {
        "id": f"v-{case_id}", "kiosk_id": KIOSK, "service": "individual", "service_day": NOW.date(),
        "ticket_seq": 1, "ticket_number": "A001", "query_code": query_code, "status": "done",
        "person_id": "p1", "case_id": case_id, "category": "suggestion", "body_name": None,
        "group_size": 1, "representative_count": 0, "locale": "zh_Hans_CN", "version": 1,
        "created_at": NOW, "updated_at": NOW}, 1)


@pytest.fixture
def known_code(central_app, central_client):
    key = register_kiosk(central_app, KIOSK)
    push(central_client, key, [accepted("c1")], table="case")
    push(central_client, key, [visit("ABCDE12345", "c1")], table="visit")
    with central_app.app_context():
        cases.step("c1", "reply", by="li", text="内部答复全文", now=datetime(2026, 11, 30, 3, 0))
    return "ABCDE12345"


def test_a_query_code_shows_status_and_dates_and_nothing_personal(central_client, known_code):
    page = central_client.post("/", data={"code": "abcde-l2345"})  # as typed by hand
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-progress="found"' in html
    assert "<dd>已书面答复</dd>" in html and "书面答复日期" in html
    assert "2026-11-23" in html and "2026-11-30" in html
    assert "内部答复全文" not in html and "路灯不亮" not in html and "张三" not in html


@pytest.mark.parametrize("code", ["ZZZZZ-ZZZZZ", "not a code", "", "A" * 64])
def test_unknown_and_malformed_codes_get_the_same_answer(central_client, known_code, code):
    page = central_client.post("/", data={"code": code})
    unknown = central_client.post("/", data={"code": "00000-00000"})
    assert page.status_code == unknown.status_code == 200
    strip = lambda html, entered: html.replace(f'value="{entered}"', "")  # noqa: E731
    assert strip(page.get_data(as_text=True), code) == strip(unknown.get_data(as_text=True),
                                                             "00000-00000")


def test_lookups_are_limited_per_address(central_app, central_client, known_code):
    central_app.config["CENTRAL_PROGRESS_PER_MINUTE"] = 3
    answers = [central_client.post("/", data={"code": "00000-00000"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = central_client.post("/", data={"code": known_code})
    assert limited.status_code == 429 and 'data-progress="found"' not in limited.get_data(as_text=True)
    other = central_app.test_client().post("/", data={"code": known_code},
                                           environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200 and 'data-progress="found"' in other.get_data(as_text=True)


def test_the_page_asks_for_nothing_outside_and_is_not_cached(central_client):
    page = central_client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert "http" not in page.get_data(as_text=True).split("<body")[1]


def test_an_unknown_address_is_a_json_404(central_client):
    response = central_client.get("/nothing-here")
    assert response.status_code == 404 and response.json["error"] == "not_found"
