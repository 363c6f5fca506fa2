"""What one 确认取号 costs the kiosk, and that the cheaper path still prints the same ticket.

The confirm takes the write lock, checks its key, takes the number and
writes the person, case, visit and ticket job in one transaction of seven
statements; it reads nothing back, and the
print worker renders and prints the ticket afterwards.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import event, func, insert, select, text

from appkit.database import RowInsert
from kiosk.extensions import db
from kiosk.models import Case, Person, PrintJob, TicketCounter, Visit
from kiosk.printing.operations import paper, ticket_receipt
from kiosk.printing.worker import worker
from kiosk.visits import operations
from kiosk.visits.writer import EXTENSION, Writer
from petition.clock import local
from printer.escpos import encode
from tests.support.escpos_parser import check_job
from tests.support.touchscreen import csrf_token, form_value, page_token, valid_id_number, walk_to_review

MORNING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@contextmanager
def statements(app):
    """Every SQL statement SQLite runs for this thread on the app's engine inside the block,
    through SQLAlchemy or the DB-API alike (the print worker's own, in its thread, are not the
    request's). SQLite reports a statement again for each statement of a trigger it fires:
    those repeats are not listed."""
    seen: list[str] = []
    me = threading.get_ident()

    def record(statement):
        statement = " ".join(statement.split())
        if threading.get_ident() == me and (not seen or seen[-1] != statement):
            seen.append(statement)

    def traced(dbapi_connection, _record, _proxy):
        dbapi_connection.set_trace_callback(record)

    def untraced(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(None)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", traced)
    event.listen(engine, "checkin", untraced)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", traced)
        event.remove(engine, "checkin", untraced)


def confirm_form(client, **walk) -> dict:
    review = walk_to_review(client, **walk)
    return {"csrf_token": csrf_token(review), "key": form_value(review, "key")}


def printed_job(app, timeout=15.0) -> PrintJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.scalars(select(PrintJob)).one()
            if job.status in ("printed", "failed"):
                db.session.expunge(job)
                return job
        time.sleep(0.02)
    pytest.fail("the ticket job was not printed")


@pytest.fixture
def print_worker(app):
    worker(app).start()  # as a serving kiosk's is, from its start (start_background_work)
    yield
    worker(app).stop()


def test_one_confirm_takes_the_number_and_writes_four_rows_in_seven_statements_and_commits(
        app, client, print_worker):
    form = confirm_form(client)
    with statements(app) as seen:
        response = client.post("/confirm", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/ticket")
    assert [s.split(" (")[0] for s in seen] == [
        "BEGIN IMMEDIATE", "SELECT idempotency_key, id FROM visit WHERE idempotency_key IN",
        "INSERT INTO ticket_counter", "INSERT INTO person", 'INSERT INTO "case"',
        "INSERT INTO visit", "INSERT INTO print_job", "COMMIT"], seen
    assert "A001" in client.get("/ticket").get_data(as_text=True)


def test_a_second_tap_reads_the_visit_and_writes_nothing(app, client, print_worker):
    form = confirm_form(client)
    client.post("/confirm", data=form)
    with statements(app) as seen:
        again = client.post("/confirm", data=form)
    assert again.headers["Location"].endswith("/ticket")
    assert len(seen) == 1 and seen[0].startswith("SELECT"), seen
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
        assert db.session.scalar(select(func.count()).select_from(PrintJob)) == 1
        assert db.session.scalars(select(TicketCounter.last_seq)).one() == 1


def test_a_confirm_leaves_the_session_cookie_as_it_was_and_the_ticket_screen_shows_its_visit(
        app, client, print_worker):
    form = confirm_form(client)
    cookie = client.get_cookie("session").value
    response = client.post("/confirm", data=form)
    assert "Set-Cookie" not in response.headers  # nothing re-signed on the hot path
    assert client.get_cookie("session").value == cookie
    ticket = client.get("/ticket").get_data(as_text=True)
    assert "A001" in ticket
    assert client.get("/review").headers["Location"].endswith("/")  # the draft is gone


def test_the_previous_visitors_review_page_tapped_again_never_shows_their_ticket_to_the_next(
        app, client, print_worker):
    first = confirm_form(client)
    client.post("/confirm", data=first)
    token = confirm_form(client, id_number=valid_id_number(seq=8))["csrf_token"]  # the next visitor
    # The first visitor's key posted in the next visitor's session (their old page's token
    # was cleared with their session at the next 开始).
    again = client.post("/confirm", data={**first, "csrf_token": token})
    assert again.headers["Location"].endswith("/review")  # back to their own review screen
    page = client.get("/ticket")
    assert page.status_code == 302 and "A001" not in page.get_data(as_text=True)
    assert client.get("/review").status_code == 200  # the next visitor's entries are kept
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


def test_only_the_drafts_own_key_registers_it_is_the_confirms_csrf_token(app, client, print_worker):
    form = confirm_form(client)
    # Another site posting with the visitor's cookie knows neither token nor key.
    for forged in ({}, {"key": "k" * 32}, {"key": form["key"][:-1] + "x"},
                   {"csrf_token": form["csrf_token"], "key": "k" * 32}):
        answer = client.post("/confirm", data=forged)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/review"), forged
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 0
    assert client.post("/confirm", data={"key": form["key"]}).headers["Location"].endswith("/ticket")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


def test_the_rows_are_those_the_visitor_entered_with_the_case_due_for_a_decision(app, client, print_worker):
    client.post("/confirm", data=confirm_form(client, service="group", name="李四", group=(6, 2)))
    with app.app_context():
        visit = db.session.scalars(select(Visit)).one()
        person, case = db.session.get(Person, visit.person_id), db.session.get(Case, visit.case_id)
        assert (visit.ticket_number, visit.group_size, visit.representative_count, visit.status) == (
            "B001", 6, 2, "waiting")
        assert (person.name, person.phone, person.version) == ("李四", "13812345678", 1)
        assert person.sync_seq is not None and visit.sync_seq is not None  # the sync sees them
        assert (case.status, case.category, case.body_name) == ("registered", "appeal", "住房和城乡建设局")
        assert (case.due_on - case.registered_on).days == 15  # the office decides within 15 days


def test_the_worker_prints_the_ticket_the_kiosk_renders_for_the_visit(app, client, print_worker):
    before = time.time()
    client.post("/confirm", data=confirm_form(client, name="张三丰"))
    job = printed_job(app)
    assert job.status == "printed"
    printed = (Path(app.instance_path) / "prints" / f"{job.id}.bin").read_bytes()
    with app.test_request_context():
        visit = db.session.scalars(select(Visit)).one()
        expected = encode(ticket_receipt(visit), paper())
        issued = local(visit.created_at)
    assert printed == expected
    lines = "\n".join(check_job(printed).lines)
    assert "A001" in lines and issued.strftime("%H:%M") in lines
    assert abs(visit.created_at.timestamp() - before) < 60
    assert client.get("/ticket/print-status").json["status"] == "printed"


def test_a_session_cookie_made_before_still_holds_the_visitors_language(app, client):
    # Cookies are now written uncompressed; one Flask's default interface wrote (compressed,
    # as a kiosk upgraded mid-visit still holds) is read all the same.
    with app.test_request_context():
        old = SecureCookieSessionInterface().get_signing_serializer(app)
        cookie = old.dumps({"locale": "en", "padding": "x" * 200})
    assert cookie.startswith(".")  # compressed
    client.set_cookie("session", cookie)
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


def test_wtforms_own_messages_stay_in_each_visitors_language(app):
    # WTForms' catalogs are read once per process now: one per language, never the wrong one.
    def group_identity(client, locale):
        client.post("/language", data={"csrf_token": page_token(client, "/"), "locale": locale})
        client.post("/start", data={"csrf_token": page_token(client, "/"), "service": "group"})
        client.post("/notice", data={"csrf_token": page_token(client, "/notice")})
        return client.post("/identity", data={
            "csrf_token": page_token(client, "/identity"), "id_number": valid_id_number(),
            "phone": "13812345678", "group_size": "many", "representative_count": "2"},
        ).get_data(as_text=True)

    for _ in range(2):
        assert "不是有效的整数" in group_identity(app.test_client(), "zh_Hans_CN")
        assert "Not a valid integer value" in group_identity(app.test_client(), "en")


def _queued_while_writing(write_batch, taps: int):
    """Start `taps` writes while the first batch is held; (results or errors, batches written)."""
    batches: list[list] = []
    release = threading.Event()

    def held(works):
        batches.append(list(works))
        if len(batches) == 1:
            release.wait(10)
        return write_batch(works)

    line = Writer(held)
    outcomes: dict[int, object] = {}

    def tap(n):
        try:
            outcomes[n] = line.write(n)
        except ValueError as error:
            outcomes[n] = error

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(taps)]
    threads[0].start()
    while not batches:
        time.sleep(0.001)
    for thread in threads[1:]:
        thread.start()
    while len(line._queue) < taps - 1:  # every other tap waits behind the held batch
        time.sleep(0.001)
    release.set()
    for thread in threads:
        thread.join(10)
    return outcomes, batches


def test_taps_that_queue_while_one_commits_share_the_next_commit():
    outcomes, batches = _queued_while_writing(lambda works: [f"visit {n}" for n in works], 16)
    assert outcomes == {n: f"visit {n}" for n in range(16)}
    assert [len(batch) for batch in batches] == [1, 15]  # two commits (two fsyncs), not sixteen


def test_a_print_jobs_status_and_its_printing_wait_for_the_taps_being_written():
    """Taps come first: the print worker's status commit waits for the batch being written,
    and a new job starts only once no tap was written for QUIET_SECONDS."""
    from flask import Flask

    from kiosk.visits.writer import QUIET_SECONDS, after_taps, exclusive

    app, release, events = Flask(__name__), threading.Event(), []

    def held(works):
        release.wait(10)
        events.append("tap written")
        return works

    line = app.extensions[EXTENSION] = Writer(held)
    tap = threading.Thread(target=line.write, args=(1,))
    tap.start()
    while line.idle.is_set():
        time.sleep(0.001)

    def status_commit():
        with exclusive(app):
            events.append("status committed")

    status = threading.Thread(target=status_commit)
    status.start()
    time.sleep(0.05)
    assert events == []  # the status waits while the tap is written
    release.set()
    tap.join(10), status.join(10)
    assert events == ["tap written", "status committed"]

    started = time.monotonic()
    after_taps(app)  # a job right after the tap waits out the quiet moment
    assert time.monotonic() - line.last_written >= QUIET_SECONDS
    assert time.monotonic() - started < 1
    started = time.monotonic()
    after_taps(Flask(__name__))  # no taps at all: no wait
    assert time.monotonic() - started < QUIET_SECONDS


def test_one_taps_fault_fails_that_tap_alone():
    def write_batch(works):
        if 7 in works:
            raise ValueError("query code drawn twice")
        return [f"visit {n}" for n in works]

    outcomes, batches = _queued_while_writing(write_batch, 12)
    assert isinstance(outcomes.pop(7), ValueError)
    assert outcomes == {n: f"visit {n}" for n in range(12) if n != 7}
    assert [len(batch) for batch in batches[:2]] == [1, 11] and len(batches) == 2 + 11


def test_a_double_tap_inside_one_batch_makes_one_visit_and_numbers_stay_gapless(app):
    release, batches = threading.Event(), []

    def held(works):
        batches.append(len(works))
        if len(batches) == 1:
            release.wait(10)
        return operations._write_batch(works)

    line = app.extensions[EXTENSION] = Writer(held)
    made: dict[int, operations.Registered] = {}

    def tap(n, key):
        with app.app_context():
            made[n] = operations.register(
                operations.VisitDraft(service="individual", phone="13812345678", category="appeal"),
                kiosk_id="k1", idempotency_key=key * 20, now=MORNING)
            db.session.remove()

    first = threading.Thread(target=tap, args=(0, "a"))
    first.start()
    while not batches:
        time.sleep(0.001)
    others = [threading.Thread(target=tap, args=(n, key)) for n, key in ((1, "b"), (2, "b"), (3, "a"))]
    for thread in others:
        thread.start()
    while len(line._queue) < 3:
        time.sleep(0.001)
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert batches == [1, 3]
    assert made[1].visit_id == made[2].visit_id and made[3].visit_id == made[0].visit_id
    assert made[0].print_job_id is not None and made[3].print_job_id is None
    assert sorted(made[n].print_job_id is None for n in (1, 2)) == [False, True]
    with app.app_context():
        assert sorted(db.session.scalars(select(Visit.ticket_number))) == ["A001", "A002"]
        assert db.session.scalar(select(func.count()).select_from(PrintJob)) == 2



@pytest.mark.parametrize("model", [Person, Case, Visit, PrintJob], ids=lambda m: m.__tablename__)
def test_a_row_written_through_the_db_api_is_stored_as_a_core_insert_stores_it(app, model):
    """RowInsert, which registration writes with, against SQLAlchemy's own insert: the same
    values give the same stored row, defaults, dates and UTC datetimes included."""
    with app.app_context():
        person, case, visit = "p" * 36, "c" * 36, "v" * 36
        given = {
            "person": {"kiosk_id": "k1", "id_number": "370102198001011237", "phone": "13812345678"},
            "case": {"kiosk_id": "k1", "person_id": person, "category": "appeal",
                     "registered_on": local(MORNING).date(), "due_on": local(MORNING).date()},
            "visit": {"kiosk_id": "k1", "service": "individual",
                      "service_day": local(MORNING).date(), "ticket_seq": 1, "ticket_number": "A001",
                      "person_id": person, "case_id": case, "called_at": MORNING},
            "print_job": {"visit_id": visit},
        }[model.__tablename__]
        row = {**given, "created_at": MORNING, "updated_at": MORNING}
        connection = db.session.connection()
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # the rows referred to are not made
        db_api = connection.connection.dbapi_connection
        core_id, raw_id = "core", "raw"
        connection.execute(insert(model.__table__), {**row, "id": core_id, **_unique(model, 1)})
        db_api.execute(*RowInsert(model.__table__, connection.dialect)(
            {**row, "id": raw_id, **_unique(model, 2)}))
        stored = {row_id: connection.execute(
            text(f'SELECT * FROM "{model.__tablename__}" WHERE id = :id'), {"id": row_id}
        ).mappings().one() for row_id in (core_id, raw_id)}
        db.session.rollback()
    differing = {key for key in stored[core_id] if stored[core_id][key] != stored[raw_id][key]}
    assert differing == {"id", "sync_seq", *_unique(model, 1)} & set(stored[core_id]), differing


def _unique(model, n: int) -> dict:
    """Values that must differ between two rows of the table."""
    if model is Visit:
        return {"query_code": f"{n:010d}", "idempotency_key": f"key-{n}", "ticket_seq": n,
                "ticket_number": f"A00{n}"}
    return {}
