"""Self-service at the touch screen without a browser: card read into the identity screen,
matter and request kept on the case, the keyboard's candidates, and the progress lookup
with its slow-down for wrong codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.ime import lookup
from kiosk.ime.build import toneless
from kiosk.models import Case, Person, Visit
from kiosk.touchscreen.progress import Tries, look_up, wait_after
from petition.clock import utcnow
from petition.querycode import from_scan
from tests.support.card_reader import CARD, SimulatedReader, card, reply
from tests.support.touchscreen import confirm, csrf_token, page_token, valid_id_number, walk_to_review

ID_NUMBER = valid_id_number(seq=555)
FIELDS = dict(CARD, id_number=ID_NUMBER)


def to_identity(client):
    client.post("/start", data={"csrf_token": page_token(client, "/"), "service": "individual"})
    client.post("/notice", data={"csrf_token": page_token(client, "/notice")})
    return client.get("/identity").get_data(as_text=True)


def tap_read_card(app, client, sim):
    app.config.update(KIOSK_CARD_READER_URL=sim.path, KIOSK_CARD_READER_TIMEOUT=0.3,
                      KIOSK_CARD_READER_SCREEN_WAIT_SECONDS=0.5)
    page = client.get("/identity").get_data(as_text=True)
    response = client.post("/identity/card", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    return client.get("/identity").get_data(as_text=True)


def test_without_a_reader_the_screen_offers_no_read_button(client):
    assert "读取身份证" not in to_identity(client)


def test_a_card_read_fills_the_identity_screen_and_the_registration(app, client):
    to_identity(client)
    with SimulatedReader(card(FIELDS)) as sim:
        page = tap_read_card(app, client, sim)
    assert "读取身份证" in page and "请核对是否本人" in page
    for shown in ("张三丰", "男", "1980-01-01", ID_NUMBER):
        assert shown in page
    assert f'value="{ID_NUMBER}"' in page and 'value="山东省济南市历下区泉城路1号"' in page

    response = client.post("/identity", data={
        "csrf_token": csrf_token(page), "id_number": ID_NUMBER, "phone": "13912345678",
        "name": "张三丰", "address": "山东省济南市历下区泉城路1号"})
    assert response.status_code == 302
    client.post("/matter", data={"csrf_token": page_token(client, "/matter"), "category": "appeal",
                                 "body": "", "matter": "土地征收补偿", "request": "依法补偿"})
    review = client.get("/review").get_data(as_text=True)
    assert "土地征收补偿" in review and "依法补偿" in review and "1980-01-01" in review
    assert confirm(client, review).status_code == 302
    with app.app_context():
        person = db.session.scalars(select(Person)).one()
        case = db.session.scalars(select(Case)).one()
        assert (person.name, person.gender, person.address, person.id_number) == (
            "张三丰", "男", "山东省济南市历下区泉城路1号", ID_NUMBER)
        assert (case.matter, case.request) == ("土地征收补偿", "依法补偿")


def test_another_typed_id_number_drops_what_the_card_said(app, client):
    to_identity(client)
    with SimulatedReader(card(FIELDS)) as sim:
        page = tap_read_card(app, client, sim)
    other = valid_id_number(seq=556)
    client.post("/identity", data={"csrf_token": csrf_token(page), "id_number": other,
                                   "phone": "13912345678", "name": "", "address": ""})
    html = walk_review(client)
    assert "1980-01-01" not in html and other in html


def walk_review(client):
    client.post("/matter", data={"csrf_token": page_token(client, "/matter"), "category": "appeal",
                                 "body": ""})
    return client.get("/review").get_data(as_text=True)


@pytest.mark.parametrize("answer, message", [
    (lambda code: None, "身份证阅读器没有响应"),
    (lambda code: reply(0x80), "没有找到身份证"),
    (lambda code: reply(0x9F)[:-1] + b"\x00" if code == b"\x20\x01" else None, "没有读清楚"),
    (lambda code: card(FIELDS)(code)[:200] if code == b"\x30\x01" else card(FIELDS)(code),
     "读取完成前证件被移开了"),
], ids=["silent", "no-card", "bad-checksum", "card-moved"])
def test_reader_faults_give_a_calm_message_and_the_keypad_stays(app, client, answer, message):
    to_identity(client)
    with SimulatedReader(answer) as sim:
        page = tap_read_card(app, client, sim)
    assert message in page and "data-card-error" in page
    assert "data-keypad" in page and "data-card-field" not in page
    # The message is shown once; the next view of the screen is clean.
    assert "data-card-error" not in client.get("/identity").get_data(as_text=True)


def test_an_unplugged_reader_gives_its_message(app, client):
    to_identity(client)
    app.config.update(KIOSK_CARD_READER_URL="/dev/does-not-exist-ttyUSB9")
    page = client.get("/identity").get_data(as_text=True)
    client.post("/identity/card", data={"csrf_token": csrf_token(page)})
    assert "身份证阅读器暂时不能使用" in client.get("/identity").get_data(as_text=True)


def test_card_read_without_a_draft_goes_to_the_welcome_screen(client):
    response = client.post("/identity/card", data={"csrf_token": page_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


# The keyboard's candidates.

def test_toneless_readings():
    assert [toneless(r) for r in ("zhōng", "lǜ", "nǚ", "guó")] == ["zhong", "lv", "nv", "guo"]


def test_candidates_rank_frequent_words_and_page(client):
    first = client.get("/ime/candidates?q=beijing").get_json()
    assert first["candidates"][0] == {"text": "北京", "consumed": 7}
    assert first["more"] is True
    second = client.get("/ime/candidates?q=beijing&page=1").get_json()
    assert second["page"] == 1 and not {c["text"] for c in second["candidates"]} & {
        c["text"] for c in first["candidates"]}
    assert client.get("/ime/candidates?q=wenti").get_json()["candidates"][0]["text"] == "问题"
    chars = [c["text"] for c in client.get("/ime/candidates?q=zhang").get_json()["candidates"]]
    assert "张" in chars


def test_typing_past_a_word_offers_its_first_part():
    first = lookup.page("woxiangyao", 0)["candidates"][0]
    assert first == {"text": "我", "consumed": 2}


@pytest.mark.parametrize("q", ["", "1234", "北京", "a" * 31, "<script>", "bei jing"])
def test_anything_else_typed_gets_no_candidates(client, q):
    response = client.get("/ime/candidates", query_string={"q": q, "page": "x"})
    assert response.status_code == 200 and response.get_json()["candidates"] == []


def test_a_page_past_the_end_is_the_last_page(client):
    body = client.get("/ime/candidates?q=beijing&page=9999").get_json()
    assert body["candidates"] and body["more"] is False


# Progress lookup.

def registered_code(app, client):
    confirm(client, walk_to_review(client))
    with app.app_context():
        return db.session.scalars(select(Visit.query_code)).one()


def look(client, code):
    page = client.get("/progress").get_data(as_text=True)
    return client.post("/progress", data={"csrf_token": csrf_token(page), "code": code}
                       ).get_data(as_text=True)


def test_unknown_and_malformed_codes_get_the_same_answer(client):
    unknown = look(client, "7K3QD-M2X9P")
    malformed = look(client, "??")
    marker = "No matter was found" if "No matter" in unknown else "没有查到"
    assert 'data-progress="unknown"' in unknown and 'data-progress="unknown"' in malformed
    assert unknown.count(marker) == malformed.count(marker)


def test_a_scanned_address_ending_in_the_code_finds_the_matter(app, client):
    code = registered_code(app, client)
    page = look(client, f"https://xf.example.gov.cn/progress/{code[:5]}-{code[5:]}")
    assert 'data-progress="found"' in page and "登记" in page
    assert "张三" not in page and "13812345678" not in page  # nothing personal
    assert 'data-progress="found"' in look(client, f"https://xf.example.gov.cn/q?code={code}")


def test_repeated_wrong_codes_slow_down_then_a_right_code_still_needs_the_wait(app, client):
    code = registered_code(app, client)
    for _ in range(3):
        assert 'data-progress="unknown"' in look(client, "0000000000")
    waiting = look(client, code)
    assert 'data-progress="wait"' in waiting and "5 秒" in waiting


def test_the_wait_is_per_address_too(app):
    first, second = app.test_client(), app.test_client()
    for _ in range(3):
        look(first, "0000000000")
    assert 'data-progress="wait"' in look(second, "0000000000")


def test_waits_grow_and_end():
    now = utcnow()
    assert [wait_after(n) for n in range(7)] == [0, 0, 0, 5, 10, 20, 40]
    assert wait_after(50) == 300
    tries = Tries()
    for _ in range(4):
        tries.failed(now)
    assert tries.remaining_wait(now) == 10
    assert tries.remaining_wait(now + timedelta(seconds=10)) == 0
    tries.failed(now + timedelta(minutes=30))  # long after: counting starts again
    assert tries.failures == 1


def test_lookup_answers_wait_without_checking_the_code(app):
    now = utcnow()
    session_tries, address_tries = Tries(failures=3, last=now), Tries()
    with app.app_context():
        outcome = look_up("anything", session_tries=session_tries, address_tries=address_tries, now=now)
    assert outcome.wait_seconds == 5 and outcome.progress is None
    assert session_tries.failures == 3  # a try during the wait is not counted again


def test_from_scan_reads_the_code_out_of_what_the_scanner_typed():
    assert from_scan("7k3qd-m2x9p") == "7K3QDM2X9P"
    assert from_scan("https://x.cn/p/7K3QD-M2X9P/") == "7K3QDM2X9P"
    assert from_scan("https://x.cn/p?code=7K3QDM2X9P#top") == "7K3QDM2X9P"
    assert from_scan("https://x.cn/p/") is None and from_scan("x" * 300) is None


def test_a_missing_dictionary_gives_no_candidates_not_a_crash(client, monkeypatch, tmp_path):
    monkeypatch.setattr(lookup, "OUTPUT", tmp_path / "missing.tsv")
    monkeypatch.setattr(lookup.page, "__defaults__", (tmp_path / "missing.tsv",))
    response = client.get("/ime/candidates?q=bei")
    assert response.status_code == 503 and response.get_json()["candidates"] == []
