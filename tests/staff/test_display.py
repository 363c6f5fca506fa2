"""The waiting-room display: ticket numbers and windows only, cheap conditional polling."""

from __future__ import annotations

import wave
from pathlib import Path

from kiosk.calling import operations as queue
from petition.clock import utcnow
from tests.support.staff import take_tickets

ROOT = Path(__file__).resolve().parents[2]


def call(app, visit_id, window):
    with app.app_context():
        queue.call_chosen(visit_id, window=window, by="rita", now=utcnow())


def test_the_display_needs_no_sign_in_and_shows_every_window(client):
    page = client.get("/display").get_data(as_text=True)
    assert all(f"{n}号窗口" in page for n in (1, 2, 3))
    assert "audio/chime.wav" in page and "请{ticket}号到{window}号窗口" in page


def test_the_calls_show_the_current_ticket_per_window_and_no_names(app, client):
    first, second, third = take_tickets(app, 3, name="欧阳小明")
    call(app, first, 1)
    call(app, second, 3)
    call(app, third, 1)
    data = client.get("/display/calls.json").json
    current = {item["window"]: item["call"] and item["call"]["ticket"] for item in data["windows"]}
    assert current == {1: "A003", 2: None, 3: "A002"}
    assert [c["ticket"] for c in data["recent"]] == ["A003", "A002", "A001"]
    raw = client.get("/display/calls.json").get_data(as_text=True)
    assert "欧阳" not in raw and "13800" not in raw


def test_polling_without_a_new_call_is_a_304(app, client):
    [visit_id, other] = take_tickets(app, 2)
    first = client.get("/display/calls.json")
    etag = first.headers["ETag"]
    assert client.get("/display/calls.json", headers={"If-None-Match": etag}).status_code == 304
    call(app, visit_id, 2)
    second = client.get("/display/calls.json", headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.json["last_id"] > first.json["last_id"]
    with app.app_context():
        queue.recall(visit_id, by="rita", now=utcnow())
    third = client.get("/display/calls.json", headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 200  # a recall is announced again


def test_the_chime_is_a_short_wav_shipped_with_the_kiosk():
    with wave.open(str(ROOT / "static/audio/chime.wav")) as chime:
        seconds = chime.getnframes() / chime.getframerate()
    assert 0.3 < seconds < 2
