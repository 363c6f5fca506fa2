"""Defect 4 (the office answered 500 to bad input, and stored nonsense) and the unsigned
requests of defect 8 that overwrote a kiosk's last error. On PostgreSQL, where they failed.

Every one of these now gets a 4xx with a JSON reason naming the record and
the field, and nothing of the batch is stored.
"""

from __future__ import annotations

import gzip
import json
import time

import pytest
from sqlalchemy import func, select

from central.extensions import db
from central.models import MIRRORS, Kiosk
from sync import protocol
from tests.support.central import KIOSK, NOW, person, postgres_office, pull, push, register_kiosk

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """One office for the module: every request here is refused, so they cannot disturb each other."""
    with postgres_office(tmp_path_factory.mktemp("office")) as app:
        yield app


@pytest.fixture(scope="module")
def key(office):
    return register_kiosk(office, KIOSK)


def stored(office) -> int:
    with office.app_context():
        count = sum(db.session.scalar(select(func.count()).select_from(table)) for table in MIRRORS.values())
        db.session.remove()
        return count


def with_fields(**fields) -> dict:
    record = person("p1", 1, 1)
    for name, value in fields.items():
        if value is ...:
            record.pop(name)
        else:
            record[name] = value
    return record


BAD_FIELDS = {
    "a NUL in a name": ({"name": "赵\x00六"}, "name", "control_character"),
    "a lone surrogate": ({"address": "a\ud800b"}, "address", "lone_surrogate"),
    "a missing created_at": ({"created_at": ...}, "created_at", "missing"),
    "an id of 37 characters": ({"id": "x" * 37}, "id", "too_long"),
    "a version at 2^31": ({"version": 2 ** 31}, "version", "out_of_range"),
    "a negative version": ({"version": -1}, "version", "out_of_range"),
    "a negative sync_seq": ({"sync_seq": -5}, "sync_seq", "out_of_range"),
    "a datetime that overflows into UTC": ({"created_at": "0001-01-01T00:00:00+05:00"}, "created_at",
                                          "bad_value"),
    "a date in the year 9999": ({"updated_at": "9999-12-31T23:59:59"}, "updated_at", "out_of_range"),
    "a megabyte name": ({"name": "张" * 300_000}, "name", "too_long"),
    "a name that is a list": ({"name": ["a"]}, "name", "too_deep"),
    "a boolean that is text": ({"is_deputy": "yes"}, "is_deputy", "bad_value"),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_a_bad_field_is_a_400_naming_the_record_and_field_and_nothing_is_stored(office, key, case):
    fields, field, code = BAD_FIELDS[case]
    good = person("p0", 1, 2)
    # ASCII JSON: "\ud800" travels as an escape, as a kiosk's JSON library would send it.
    body = gzip.compress(json.dumps({"kiosk_id": KIOSK, "table": "person",
                                     "records": [good, with_fields(**fields)]}).encode())
    before = stored(office)
    answer = signed_post(office, key, body)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.json["error"] == "bad_record"
    [refused] = answer.json["refused"]
    assert (refused["field"], refused["code"]) == (field, code)
    assert stored(office) == before  # not even the good record: never a partial batch


@pytest.mark.parametrize("table, record, field", [
    ("case", {"extension_days": 40, "registered_on": "2026-11-23"}, "extension_days"),
    ("visit", {"group_size": 0}, "group_size"),
    ("visit", {"representative_count": 6}, "representative_count"),
    ("material", {"count": -3}, "count"),
    ("material", {"position": 2 ** 31}, "position"),
])
def test_every_number_has_its_range(office, key, table, record, field):
    full = {"id": "r1", "version": 1, "sync_seq": 1, "created_at": NOW.isoformat(),
            "updated_at": NOW.isoformat(), "kiosk_id": KIOSK, **record}
    answer, _, _ = push(office.test_client(), key, [full], table=table)
    assert answer.status_code == 400 and answer.json["refused"][0]["field"] == field


def signed_post(office, key, body: bytes, headers: dict | None = None):
    signed = protocol.sign(KIOSK, key, "POST", protocol.PUSH_PATH, body, now=time.time())
    signed.update(headers or {})
    return office.test_client().post(protocol.PUSH_PATH, data=body,
                                     headers={**signed, "Content-Encoding": "gzip"})


def test_json_nested_thousands_deep_is_a_400(office, key):
    body = gzip.compress(b'{"kiosk_id": "kiosk-test", "table": "person", "records": [' + b"[" * 50_000)
    answer = signed_post(office, key, body)
    assert answer.status_code == 400 and answer.json["error"] == "too_deep"


@pytest.mark.parametrize("table", [["person"], {"a": 1}, 5, None])
def test_a_table_name_that_is_not_text_is_a_400(office, key, table):
    body = protocol.pack({"kiosk_id": KIOSK, "table": table, "records": [person("p1", 1, 1)]})
    answer = signed_post(office, key, body)
    assert answer.status_code == 400 and answer.json["error"] == "bad_table"


@pytest.mark.parametrize("cursor", ["99999999999999999999-0", "0-99999999999999999999",
                                    "%D9%A1%D9%A2-3", "-1-0", "1-", "1-2-3", "%00-1"])
def test_a_cursor_out_of_range_or_not_ascii_is_a_400(office, key, cursor):
    answer = pull(office.test_client(), key, cursor)
    # A NUL is refused before anything else looks at the query (appkit.security.refuse_nul).
    assert answer.status_code == 400
    assert answer.json["error"] == ("bad_request" if "%00" in cursor else "bad_cursor")


@pytest.mark.parametrize("header, value", [
    (protocol.HEADER_TIMESTAMP, "١٧٠٠٠٠٠٠٠٠"), (protocol.HEADER_TIMESTAMP, "²"),
    (protocol.HEADER_SIGNATURE, "é" * 64), (protocol.HEADER_NONCE, "ü" * 20),
    (protocol.HEADER_KIOSK, "kiosk\x00test"), (protocol.HEADER_KIOSK, "k" * 500),
])
def test_odd_signature_headers_are_a_401_not_a_500(office, key, header, value):
    body = protocol.pack({"kiosk_id": KIOSK, "table": "person", "records": [person("p1", 1, 1)]})
    answer = signed_post(office, key, body, {header: value.encode().decode("latin-1")})
    assert answer.status_code == 401 and answer.json["error"] in ("unsigned", "unknown_kiosk")


def test_unsigned_pushes_do_not_overwrite_the_kiosks_last_error(office, key):
    push(office.test_client(), key, [person("p9", 1, 1)], clock=time.time() - 900)  # a real refusal
    body = protocol.pack({"kiosk_id": KIOSK, "table": "person", "records": []})
    for headers in ({protocol.HEADER_KIOSK: KIOSK},
                    {protocol.HEADER_KIOSK: KIOSK, protocol.HEADER_TIMESTAMP: str(int(time.time())),
                     protocol.HEADER_NONCE: "n" * 32, protocol.HEADER_SIGNATURE: "0" * 64}):
        assert office.test_client().post(protocol.PUSH_PATH, data=body, headers=headers).status_code == 401
    with office.app_context():
        assert db.session.get(Kiosk, KIOSK).last_error.startswith("clock_skew")
        db.session.remove()


def test_a_good_batch_still_goes_in(office, key):
    """The rules refuse what is wrong, not what is unusual: long Chinese text, line breaks."""
    record = with_fields(name="欧阳" * 25, address="济南市\n历下区")
    answer, _, _ = push(office.test_client(), key, [record])
    assert answer.status_code == 400 and answer.json["refused"][0]["field"] == "address"
    record = with_fields(name="欧阳" * 25, address="济南市历下区" * 33)
    answer, _, _ = push(office.test_client(), key, [record])
    assert answer.status_code == 200 and answer.json["applied"] == 1


def test_json_body_detail_is_not_echoed_raw(office, key):
    body = gzip.compress(json.dumps({"kiosk_id": "\x00" * 3, "table": "person",
                                     "records": [person("p1", 1, 1)]}).encode())
    answer = signed_post(office, key, body)
    assert answer.status_code == 403 and "\x00" not in answer.json["message"]
