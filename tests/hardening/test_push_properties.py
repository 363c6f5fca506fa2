"""Generated pushes, valid and invalid fields of every kind, against the office on PostgreSQL.

Each example is a batch of one to four records of one table (or deletions);
each field is a valid value of its rule or, now and then, an invalid one (a
wrong type, a control character or a lone surrogate, one character too
many, a number out of range, a date out of bounds, a required field left
out, another kiosk's id). The oracle is the generator's own knowledge of
what it broke, not the protocol's checker. Every answer is 2xx or 4xx; a
batch with no broken field is stored whole, one with a broken field changes
nothing.
"""

from __future__ import annotations

import gzip
import json
import time
import uuid
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from central.extensions import db
from central.models import MIRRORS, DeletedRow
from sync import protocol
from tests.support.central import KIOSK, postgres_office, register_kiosk

pytestmark = pytest.mark.postgres

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
EARLY, LATE = datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59)
CLEAN = st.characters(blacklist_categories=("Cc", "Cs"))


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with postgres_office(tmp_path_factory.mktemp("office")) as app:
        yield app, register_kiosk(app, KIOSK), register_kiosk(app, "kiosk-other")


def valid(column: str, rule: protocol.Field, table: str):
    if column == "id" or column.endswith("_id") and rule.max_length == 36:
        return st.uuids().map(str)
    if column == "kiosk_id":
        return st.just(KIOSK)
    if column == "table_name":
        return st.sampled_from(sorted(protocol.TABLES))
    if rule.kind == protocol.STR:
        alphabet = st.one_of(CLEAN, st.just("\n")) if rule.multiline else CLEAN
        return st.text(alphabet, max_size=min(rule.max_length, 40)) | st.text(
            alphabet, min_size=rule.max_length, max_size=rule.max_length)
    if rule.kind == protocol.INT:
        return st.integers(rule.low, rule.high)
    if rule.kind == protocol.BOOL:
        return st.booleans()
    if rule.kind == protocol.DATE:
        return st.dates(EARLY.date(), LATE.date() - timedelta(days=200)).map(date.isoformat)
    return st.datetimes(EARLY, LATE).map(lambda moment: moment.isoformat())


def invalid(column: str, rule: protocol.Field):
    if rule.kind == protocol.STR:
        return st.one_of(
            st.builds(lambda a, bad, b: a + bad + b, st.text(CLEAN, max_size=3),
                      st.sampled_from(["\x00", "\x1b", "\t", "\x7f", "\x85", "\ud800", "\udfff", "\r"]),
                      st.text(CLEAN, max_size=3)),
            st.text(CLEAN, min_size=(rule.max_length or 0) + 1, max_size=(rule.max_length or 0) + 30)
            if column not in ("kiosk_id",) else st.just("kiosk-other"),
            st.sampled_from([5, 1.5, True, ["x"], {"a": 1}]))
    if rule.kind == protocol.INT:
        return st.one_of(st.sampled_from([rule.low - 1, rule.high + 1, 2 ** 31, 2 ** 63, -(2 ** 40)]),
                         st.sampled_from(["5", 1.0, True, None if rule.required else "x", [1]]))
    if rule.kind == protocol.BOOL:
        return st.sampled_from(["yes", 1, 0, "true", [True]])
    if rule.kind == protocol.DATE:
        return st.sampled_from(["1999-12-31", "2100-01-01", "2026-13-01", "yesterday", 20260101, ""])
    return st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59+00:00",
                            "1999-12-31T23:59:59", "2026-02-30T00:00:00", "now", 1700000000])


@st.composite
def records(draw):
    table = draw(st.sampled_from(sorted(protocol.ALL_RULES)))
    rules = protocol.ALL_RULES[table]
    batch, broken = [], False
    for _ in range(draw(st.integers(1, 4))):
        record = {column: draw(valid(column, rule, table)) for column, rule in rules.items()}
        record["sync_seq"] = draw(st.integers(1, 2 ** 31 - 1))
        if table == "case" and record.get("disposition") is not None:
            record["decided_on"] = record["decided_on"] or record["registered_on"]
        if draw(st.integers(0, 3)) == 0:  # break one field of this record
            column = draw(st.sampled_from(sorted([*rules, "sync_seq"])))
            rule = rules.get(column, protocol.Field(protocol.INT, True, low=1))
            if rule.required and draw(st.booleans()):
                record.pop(column)
            else:
                record[column] = draw(invalid(column, rule))
            broken = True
        batch.append(record)
    return table, batch, broken


def counts(app) -> dict:
    with app.app_context():
        found = {name: db.session.scalar(select(func.count()).select_from(table))
                 for name, table in MIRRORS.items()}
        found["tombstones"] = db.session.scalar(select(func.count()).select_from(DeletedRow))
        db.session.remove()
        return found


def present(app, table: str, ids: set[str]) -> set[str]:
    with app.app_context():
        if table == protocol.DELETIONS:
            found = set(db.session.scalars(select(DeletedRow.id).where(DeletedRow.id.in_(ids))))
        else:
            mirror = MIRRORS[table]
            found = set(db.session.scalars(select(mirror.c.id).where(mirror.c.id.in_(ids))))
        db.session.remove()
        return found


@SETTINGS
@given(generated=records())
def test_every_generated_push_is_answered_2xx_or_4xx_and_only_valid_batches_change_anything(
        office, generated):
    app, key, _other = office
    table, batch, broken = generated
    for record in batch:  # fresh ids every example: nothing collides with an earlier one
        if isinstance(record.get("id"), str) and len(record["id"]) == 36:
            record["id"] = str(uuid.uuid4())
    body = gzip.compress(json.dumps({"kiosk_id": KIOSK, "table": table, "records": batch}).encode())
    headers = protocol.sign(KIOSK, key, "POST", protocol.PUSH_PATH, body, now=time.time())
    before = counts(app)
    answer = app.test_client().post(protocol.PUSH_PATH, data=body,
                                    headers={**headers, "Content-Encoding": "gzip"})
    assert 200 <= answer.status_code < 500, answer.get_data(as_text=True)[:500]
    # Ids the database can be asked about (a NUL or a surrogate cannot even be looked for).
    ids = {record["id"] for record in batch if isinstance(record.get("id"), str)
           and record["id"].isprintable() and len(record["id"]) <= 36}
    if broken:
        assert answer.status_code >= 400, (table, batch)
        assert answer.json["refused"] or answer.json["error"], answer.json
        assert counts(app) == before
        assert present(app, table, ids) == set()
    else:
        assert answer.status_code == 200, answer.json
        assert answer.json["acked_seq"] == max(record["sync_seq"] for record in batch)
        assert present(app, table, ids) == ids
