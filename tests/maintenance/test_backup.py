"""Backups: taken while the kiosk registers, checked at once, rotated, secrets kept apart."""

from __future__ import annotations

import secrets
import sqlite3
import stat
import threading
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.maintenance import backup as backups
from kiosk.maintenance.cli import backup_now
from kiosk.visits.operations import VisitDraft, register_visit
from petition.clock import utcnow


def register(app, count: int) -> None:
    with app.app_context():
        for _ in range(count):
            register_visit(VisitDraft(service="individual", name="张三", phone="13800000000",
                                      id_number="370102198001011234", category="suggestion"),
                           kiosk_id=app.config["KIOSK_ID"], idempotency_key=secrets.token_hex(16),
                           now=utcnow())


def consistent(path) -> dict:
    """integrity_check, foreign keys, and every visit whole: person, case and ticket job."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        half = connection.execute(
            "SELECT COUNT(*) FROM visit v LEFT JOIN person p ON p.id = v.person_id "
            "LEFT JOIN \"case\" c ON c.id = v.case_id "
            "WHERE p.id IS NULL OR c.id IS NULL OR NOT EXISTS "
            "(SELECT 1 FROM print_job j WHERE j.visit_id = v.id)").fetchone()[0]
        assert half == 0
        return {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for table in ("visit", "person", "case", "print_job")}
    finally:
        connection.close()


def test_a_backup_taken_while_four_threads_register_is_whole_and_checks_out(app):
    register(app, 5)
    stop = threading.Event()
    made = []

    def keep_registering():
        while not stop.is_set():
            register(app, 1)
            made.append(1)

    threads = [threading.Thread(target=keep_registering) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        while len(made) < 8:  # registrations are really under way
            threading.Event().wait(0.01)
        before = len(made)
        taken = backup_now(app, "nightly")
        during = len(made)
        while len(made) < during + 8:  # and go on after it
            threading.Event().wait(0.01)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    counts = consistent(taken.path)
    # A snapshot from the middle of the stream (a commit is counted just after it lands).
    assert 5 + before <= counts["visit"] <= 5 + during + 4 < 5 + len(made)
    assert counts["visit"] == counts["person"] == counts["case"] == counts["print_job"]
    assert taken.counts["visit"] == counts["visit"]
    assert backups.verify(taken)["integrity"] == ["ok"]
    # One self-contained file: no -wal beside it, rollback journal inside.
    assert not taken.path.with_name(taken.path.name + "-wal").exists()
    assert sqlite3.connect(taken.path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with app.app_context():
        from sqlalchemy import text

        from kiosk.extensions import db
        assert db.session.execute(text("SELECT COUNT(*) FROM visit")).scalar() == 5 + len(made)


def test_the_secret_and_settings_are_kept_apart_for_the_owner_only(app, tmp_path):
    settings_file = tmp_path / "kiosk.env"
    settings_file.write_text("KIOSK_ID=hall-1\n")
    app.config["KIOSK_SETTINGS_FILE"] = str(settings_file)
    (tmp_path / "instance" / "secret_key").write_text("s3cret")
    taken = backup_now(app)
    kept = taken.path.parent / "secrets"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700
    assert sorted(path.name for path in kept.iterdir()) == ["kiosk.env", "secret_key"]
    for path in kept.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (kept / "secret_key").read_text() == "s3cret"
    assert b"s3cret" not in taken.path.read_bytes()


def test_a_changed_or_damaged_backup_is_refused(app):
    taken = backup_now(app)
    data = bytearray(taken.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    taken.path.write_bytes(bytes(data))
    with pytest.raises(backups.BackupError, match="changed"):
        backups.verify(taken)


def test_rotation_keeps_seven_daily_and_four_weekly(app, tmp_path):
    folder = tmp_path / "usb"
    database = backups.database_path(app.config["SQLALCHEMY_DATABASE_URI"])
    start = datetime(2026, 9, 1, 19, 0, tzinfo=timezone.utc)  # 03:00 in Shanghai
    for day in range(60):
        for hour in (0, 6):  # two a day: the newer of each day is the one kept
            backups.take(database, folder, kiosk_id="k", now=start + timedelta(days=day, hours=hour))
    doomed = backups.rotate(folder, keep_daily=7, keep_weekly=4)
    kept = backups.listing(folder)
    assert len(doomed) == 120 - len(kept)
    days = [item.taken_at for item in kept]
    newest = start + timedelta(days=59, hours=6)
    assert days[0] == newest
    assert [newest - timedelta(days=n) for n in range(7)] == days[:7]
    weeks = {item.taken_at.astimezone(backups.SHANGHAI).isocalendar()[:2] for item in kept}
    assert len(weeks) == 4 and len(kept) <= 7 + 4
    assert not list(folder.glob("*.partial"))


def test_the_commands_make_list_and_verify_backups(runner, app):
    result = runner.invoke(args=["backup", "create", "--label", "nightly"])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    listed = runner.invoke(args=["backup", "list"])
    assert "nightly" in listed.output and "visits" in listed.output
    name = backups.newest(backups.Path(app.instance_path) / "backups").path.name
    assert runner.invoke(args=["backup", "verify", name]).exit_code == 0
