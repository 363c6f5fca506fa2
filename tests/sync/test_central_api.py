"""The central receiver: signed requests only, each kiosk its own records, idempotent upserts,
a change feed that never skips. Runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest
from sqlalchemy import select

from central import cases
from central.extensions import db
from sync import protocol
from tests.support.central import KIOSK, NOW, accepted, person, pull, push, register_kiosk


@pytest.fixture
def key(central_app):
    return register_kiosk(central_app, KIOSK)


def test_a_signed_batch_is_stored_and_acknowledged_with_its_highest_change_number(
        central_client, key):
    response, _, _ = push(central_client, key, [person("p1", 1, 7), person("p2", 1, 9)])
    assert response.status_code == 200
    assert response.json == {"table": "person", "received": 2, "applied": 2, "acked_seq": 9}


def test_the_same_batch_twice_changes_nothing_and_is_acknowledged_again(central_client, key):
    records = [person(f"p{i}", 1, i) for i in range(1, 301)]
    assert push(central_client, key, records)[0].json["applied"] == 300
    again, _, _ = push(central_client, key, records)
    assert again.status_code == 200
    assert again.json["applied"] == 0 and again.json["acked_seq"] == 300


def test_only_a_newer_version_overwrites(central_app, central_client, key):
    push(central_client, key, [person("p1", 2, 5, name="新名字")])
    older, _, _ = push(central_client, key, [person("p1", 1, 3, name="旧名字")])
    assert older.json["applied"] == 0
    newer, _, _ = push(central_client, key, [person("p1", 3, 8, name="更新")])
    assert newer.json["applied"] == 1
    with central_app.app_context():
        from central.models import person as table
        assert db.session.execute(db.select(table.c.name, table.c.version)).one() == ("更新", 3)


def test_a_batch_may_hold_two_copies_of_a_row_and_the_newest_wins(central_app, central_client, key):
    response, _, _ = push(central_client, key, [person("p1", 2, 5, name="二"), person("p1", 1, 4)])
    assert response.status_code == 200 and response.json["applied"] == 1
    with central_app.app_context():
        from central.models import person as table
        assert db.session.execute(db.select(table.c.name)).scalar_one() == "二"


def test_a_replayed_request_is_refused(central_client, key):
    response, headers, body = push(central_client, key, [person("p1", 1, 1)])
    assert response.status_code == 200
    replay = central_client.post(protocol.PUSH_PATH, data=body,
                                 headers={**headers, "Content-Encoding": "gzip"})
    assert replay.status_code == 401
    assert replay.json["error"] == "replayed"


@pytest.mark.parametrize("offset", [-600, 600])
def test_a_clock_ten_minutes_off_is_refused_with_the_offset_named(central_client, key, offset):
    response, _, _ = push(central_client, key, [person("p1", 1, 1)], clock=time.time() + offset)
    assert response.status_code == 401
    assert response.json["error"] == "clock_skew"
    assert f"{offset:+d} s off" in response.json["message"]


def test_a_wrong_key_a_tampered_body_and_an_unknown_kiosk_are_refused(central_client, key):
    assert push(central_client, "not-the-key", [person("p1", 1, 1)])[0].json["error"] == \
        "bad_signature"
    _, headers, body = push(central_client, key, [person("p1", 1, 1)])
    tampered = central_client.post(protocol.PUSH_PATH, data=body + b"x",
                                   headers={**headers, "Content-Encoding": "gzip"})
    assert tampered.status_code == 401 and tampered.json["error"] == "bad_signature"
    stranger, _, _ = push(central_client, key, [person("p1", 1, 1)], kiosk="kiosk-nobody")
    assert stranger.status_code == 401 and stranger.json["error"] == "unknown_kiosk"
    unsigned = central_client.post(protocol.PUSH_PATH, data=body)
    assert unsigned.status_code == 401 and unsigned.json["error"] == "unknown_kiosk"


def test_a_kiosk_cannot_send_or_overwrite_another_kiosks_records(central_app, central_client, key):
    other_key = register_kiosk(central_app, "kiosk-other")
    push(central_client, key, [person("p1", 1, 1, name="本机")])
    foreign, _, _ = push(central_client, other_key, [person("p1", 9, 1, kiosk=KIOSK)],
                         kiosk="kiosk-other")
    assert foreign.status_code == 403 and foreign.json["error"] == "wrong_kiosk"
    assert [(r["id"], r["field"]) for r in foreign.json["refused"]] == [("p1", "kiosk_id")]
    disguised, _, _ = push(central_client, other_key, [person("p1", 9, 1, kiosk="kiosk-other",
                                                              name="冒名")], kiosk="kiosk-other")
    # Not "delivered, nothing applied": refused by name, so the sender knows it was not stored.
    assert disguised.status_code == 403 and disguised.json["error"] == "wrong_kiosk"
    assert [(r["id"], r["field"]) for r in disguised.json["refused"]] == [("p1", "id")]
    named_other, _, _ = push(central_client, other_key, [person("p9", 1, 1, kiosk="kiosk-other")],
                             kiosk="kiosk-other", sender=KIOSK)
    assert named_other.status_code == 403
    with central_app.app_context():
        from central.models import person as table
        assert db.session.execute(db.select(table.c.name, table.c.kiosk_id)).all() == \
            [("本机", KIOSK)]


def test_a_revoked_kiosk_is_refused(central_app, central_client, key):
    runner = central_app.test_cli_runner()
    result = runner.invoke(args=["kiosk", "revoke", KIOSK])
    assert result.exit_code == 0, result.output
    response, _, _ = push(central_client, key, [person("p1", 1, 1)])
    assert response.status_code == 403 and response.json["error"] == "revoked"


@pytest.mark.parametrize("body, error", [
    (b"not gzip", "bad_body"),
    (protocol.pack({"kiosk_id": KIOSK, "table": "audit_log", "records": [{}]}), "bad_table"),
    (protocol.pack({"kiosk_id": KIOSK, "table": "person", "records": [{"id": "x"}]}), "bad_record"),
    (protocol.pack({"kiosk_id": KIOSK, "table": "person",
                    "records": [{"id": 5, "version": 1, "sync_seq": 1}]}), "bad_record"),
    (protocol.pack({"kiosk_id": KIOSK, "table": "person", "records": []}), "bad_body"),
    (protocol.pack([1, 2]), "bad_body"),
])
def test_a_malformed_batch_gets_a_clear_json_error_not_a_500(central_client, key, body, error):
    headers = protocol.sign(KIOSK, key, "POST", protocol.PUSH_PATH, body, now=time.time())
    response = central_client.post(protocol.PUSH_PATH, data=body,
                                   headers={**headers, "Content-Encoding": "gzip"})
    assert response.status_code == 400
    assert response.json["error"] == error and response.json["message"]


def test_the_cli_registers_a_kiosk_and_prints_a_credential_that_signs(central_app, central_client):
    result = central_app.test_cli_runner().invoke(args=["kiosk", "add", "hall-2", "--name", "二号厅"])
    assert result.exit_code == 0, result.output
    credential = result.output.split("once:")[1].split()[0]
    response, _, _ = push(central_client, credential, [person("p1", 1, 1, kiosk="hall-2")],
                          kiosk="hall-2")
    assert response.status_code == 200
    again = central_app.test_cli_runner().invoke(args=["kiosk", "add", "hall-2", "--name", "二号厅"])
    assert again.output.split("once:")[1].split()[0] != credential
    stale, _, _ = push(central_client, credential, [person("p2", 1, 2, kiosk="hall-2")],
                       kiosk="hall-2")
    assert stale.status_code == 401


def test_the_change_feed_gives_a_kiosk_its_own_cases_in_order_from_its_cursor(
        central_app, central_client, key):
    other_key = register_kiosk(central_app, "kiosk-other")
    push(central_client, key, [accepted("c1", seq=1), accepted("c2", seq=2)], table="case")
    with central_app.app_context():
        cases.step("c1", "reply", by="li", text="已答复：路灯即将修复。", now=NOW)
        cases.step("c2", "reply", by="li", text="已答复。", now=NOW)
        cases.step("c1", "conclude", by="li", now=NOW)
    first = pull(central_client, key, limit=2)
    assert first.status_code == 200
    assert [c["case_id"] for c in first.json["changes"]] == ["c1", "c2"] and first.json["more"]
    rest = pull(central_client, key, first.json["cursor"])
    assert [c["case_id"] for c in rest.json["changes"]] == ["c1"] and not rest.json["more"]
    assert rest.json["changes"][0]["office_closed_on"] == NOW.date().isoformat()
    assert rest.json["changes"][0]["reply_text"] == "已答复：路灯即将修复。"
    assert rest.json["changes"][0]["office_version"] == 2
    assert pull(central_client, key, rest.json["cursor"]).json["changes"] == []
    assert pull(central_client, other_key, kiosk="kiosk-other").json["changes"] == []
    assert pull(central_client, key, "garbage").json["error"] == "bad_cursor"


def test_a_refused_request_is_remembered_on_the_kiosk_for_the_office(central_app, central_client,
                                                                       key):
    push(central_client, key, [person("p1", 1, 1)], clock=time.time() - 900)
    result = central_app.test_cli_runner().invoke(args=["kiosk", "list"])
    assert "clock_skew: the kiosk's clock is -900 s off" in result.output


def test_a_central_server_on_china_time_still_accepts_a_kiosk_on_time(central_client, key, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        answer, _, _ = push(central_client, key, [person("p-tz", 1, 1)])
        assert answer.status_code == 200, answer.json
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_offices_handling_date_is_the_shanghai_calendar_day(central_app, central_client, key):
    from central.models import case

    push(central_client, key, [protocol.encode_row("case", {
        "id": "c-day", "kiosk_id": KIOSK, "category": "appeal", "disposition": "accepted",
        "decided_on": date(2026, 11, 23), "registered_on": date(2026, 11, 23), "urgent": False,
        "joint_supervision": False, "version": 1, "created_at": datetime(2026, 11, 23, 1),
        "updated_at": datetime(2026, 11, 23, 1)}, 1)], table="case")
    with central_app.app_context():
        # 23:30 UTC on the 23rd is 07:30 on the 24th in Shanghai.
        cases.step("c-day", "reply", by="li", text="已答复", now=datetime(2026, 11, 23, 23, 30))
        replied = db.session.execute(select(case.c.replied_on)
                                     .where(case.c.id == "c-day")).scalar_one()
    assert replied == date(2026, 11, 24)
