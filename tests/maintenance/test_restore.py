"""The restore drill: back up while registering, go on, sync to a real PostgreSQL office,
lose the database, restore the backup, and find the kiosk and the office consistent."""

from __future__ import annotations

import secrets
import sqlite3
import threading

import pytest
from sqlalchemy import select, text

from kiosk import audit
from kiosk.extensions import db
from kiosk.maintenance import backup as backups
from kiosk.maintenance.cli import backup_now
from kiosk.models import Person, Visit
from kiosk.sync_agent import agent
from kiosk.sync_agent.records import SyncState
from kiosk.visits.operations import VisitDraft, register_visit
from petition.clock import utcnow
from tests.support.central import central_rows

pytestmark = pytest.mark.postgres


def register(app, count: int) -> list[str]:
    tickets = []
    with app.app_context():
        for _ in range(count):
            visit = register_visit(
                VisitDraft(service="individual", name="王五", phone="13900000000",
                           id_number="370102198001011234", category="suggestion"),
                kiosk_id=app.config["KIOSK_ID"], idempotency_key=secrets.token_hex(16),
                now=utcnow())
            tickets.append(visit.ticket_number)
    return tickets


def office_ids(office, table: str) -> list[str]:
    return [row["id"] for row in central_rows(office, table, "kiosk-test")]


def acked(app) -> dict[str, int]:
    with app.app_context():
        return {state.name: state.acked_seq for state in db.session.scalars(select(SyncState))}


def test_restore_drill(app, office, runner, receptionist):
    # 1. A morning: 6 visits reach the office.
    register(app, 6)
    agent.run_once(app)

    # 2. Registrations keep coming from 4 threads while the nightly backup is taken.
    stop, made = threading.Event(), []

    def keep_registering():
        while not stop.is_set():
            made.extend(register(app, 1))

    threads = [threading.Thread(target=keep_registering) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        while len(made) < 6:
            threading.Event().wait(0.01)
        taken = backup_now(app, "nightly")
        while len(made) < 20:
            threading.Event().wait(0.01)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert backups.verify(taken)["integrity"] == ["ok"]
    in_backup = taken.counts["visit"]
    assert 6 < in_backup < 6 + len(made)

    # 3. Later: a person from the backup is corrected at the window, everything syncs ...
    with app.app_context():
        corrected = db.session.scalars(select(Person).order_by(Person.sync_seq)).first()
        audit.change("rita", corrected, "person", {"phone": "13700000000"})
        db.session.commit()
        corrected_id = corrected.id
    agent.run_once(app)
    at_office = 6 + len(made)
    assert len(office_ids(office, "visit")) == at_office
    office_acked = acked(app)
    # ... and three more visits are registered that never reach the office.
    lost_tickets = register(app, 3)

    # 4. The database is lost; the backup is restored with the command.
    result = runner.invoke(args=["restore", taken.path.name, "--yes"])
    assert result.exit_code == 0, result.output
    assert "LOST: 9 records made after the backup never reached the office" in result.output
    assert "(person 3, case 3, visit 3)" in result.output
    for ticket in lost_tickets:
        assert ticket in result.output
    assert "the replaced database is kept in" in result.output

    # The kiosk holds the backup again, whole, and the replaced database is aside.
    database = backups.database_path(app.config["SQLALCHEMY_DATABASE_URI"])
    connection = sqlite3.connect(database)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert connection.execute("SELECT COUNT(*) FROM visit").fetchone()[0] == in_backup
    counter = connection.execute("SELECT value FROM sync_counter").fetchone()[0]
    connection.close()
    aside = list((database.parent / "replaced").glob("*/kiosk.sqlite3"))
    assert len(aside) == 1

    # The sync cursor: everything the office acknowledged counts as sent, and the
    # change counter is past it, so new records are numbered beyond it.
    now_acked = acked(app)
    for table in ("person", "case", "visit"):
        assert now_acked[table] >= office_acked[table]
        assert counter >= office_acked[table]
    with app.app_context():
        # The corrected person keeps the office's newer version number.
        assert db.session.get(Person, corrected_id).version == 2
        assert agent.status(app)["backlog"] == 0

    # 5. Nothing is sent twice; a new visit and a new correction reach the office.
    new_ticket = register(app, 1)[0]
    assert new_ticket not in lost_tickets and new_ticket not in made
    with app.app_context():
        person = db.session.get(Person, corrected_id)
        audit.change("rita", person, "person", {"address": "历下区"})
        db.session.commit()
    synced = agent.run_once(app)
    assert synced.pushed["visit"] == 1 and synced.pushed["person"] == 2
    visits = office_ids(office, "visit")
    assert len(visits) == len(set(visits)) == at_office + 1
    people = {row["id"]: row for row in central_rows(office, "person", "kiosk-test")}
    assert people[corrected_id]["address"] == "历下区" and people[corrected_id]["version"] == 3

    # 6. The console says what was lost, with the ticket numbers.
    page = receptionist.get("/staff/").get_data(as_text=True)
    assert ("restored from a backup" in page or "已从备份恢复" in page) and "LOST: 9 records" in page
    assert lost_tickets[0] in page


def test_a_restore_changes_nothing_when_the_office_cannot_be_asked(app, runner):
    register(app, 2)
    taken = backup_now(app)
    register(app, 1)
    app.config.update(KIOSK_SYNC_URL="http://127.0.0.1:9", KIOSK_SYNC_KEY="k")
    result = runner.invoke(args=["restore", taken.path.name, "--yes"])
    assert result.exit_code != 0
    assert "Nothing was changed" in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Visit)) == 3
    database = backups.database_path(app.config["SQLALCHEMY_DATABASE_URI"])
    assert not (database.parent / "replaced").exists()


def test_a_restore_waits_for_the_server_to_stop(app, runner):
    from kiosk.maintenance import hold_server_lock

    taken = backup_now(app)
    holder = app.__class__(__name__)
    holder.instance_path = app.instance_path
    hold_server_lock(holder)
    try:
        result = runner.invoke(args=["restore", taken.path.name, "--yes", "--offline"])
        assert result.exit_code != 0 and "the kiosk server is running" in result.output
    finally:
        holder.extensions["jiedai.server_lock"].close()


def test_restore_shows_the_backup_and_asks_first(app, runner):
    register(app, 2)
    taken = backup_now(app)
    register(app, 1)
    answer = runner.invoke(args=["restore", taken.path.name, "--offline"], input="n\n")
    assert answer.exit_code != 0
    assert "contains:  visit 2" in answer.output and "last sync: never" in answer.output
    with app.app_context():
        assert db.session.execute(text("SELECT COUNT(*) FROM visit")).scalar() == 3
    done = runner.invoke(args=["restore", taken.path.name, "--offline"], input="y\n")
    assert done.exit_code == 0, done.output
    assert "LOST: 3 records" in done.output
    with app.app_context():
        assert db.session.execute(text("SELECT COUNT(*) FROM visit")).scalar() == 2
