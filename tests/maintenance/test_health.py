"""Health: /healthz tells the printer, reader, disk, backup and version; each sync carries the
same summary to the office's kiosk list; a clock the office refuses is shown with what to do."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from central.models import Kiosk
from kiosk.extensions import db
from kiosk.maintenance.cli import backup_now
from kiosk.models import PrintJob
from kiosk.sync_agent import agent


def test_healthz_reports_printer_reader_disk_backup_and_version(app, client, tmp_path):
    app.config["KIOSK_CARD_READER_URL"] = str(tmp_path / "no-such-reader")
    report = client.get("/healthz").get_json()
    assert report["version"] == app.config["APP_VERSION"]
    assert report["printer"] == {"status": "unknown"}
    assert report["card_reader"] == {"status": "missing"}
    assert report["disk"]["free_mb"] > 0 and report["disk"]["low"] is False
    assert report["backup"] == {"last_at": None, "age_hours": None, "stale": True}
    with app.app_context():
        db.session.add(PrintJob(kind="ticket", status="failed", error="paper out"))
        db.session.commit()
    backup_now(app, "nightly")
    from kiosk.maintenance.health import forget_cached_backup
    forget_cached_backup(app)
    report = client.get("/healthz").get_json()
    assert report["printer"]["status"] == "failed" and report["printer"]["error"] == "paper out"
    assert report["backup"]["age_hours"] == 0.0 and report["backup"]["stale"] is False


def test_the_console_warns_of_a_low_disk_and_of_missing_backups(app, receptionist):
    app.config["KIOSK_DISK_LOW_MB"] = 10 ** 9
    page = receptionist.get("/staff/").get_data(as_text=True)
    assert "almost full" in page or "即将写满" in page
    assert "No backup has been made yet" in page or "尚未备份" in page


@pytest.mark.postgres
def test_each_sync_carries_the_summary_to_the_offices_kiosk_list(app, office):
    with app.app_context():
        db.session.add(PrintJob(kind="ticket", status="failed", error="out of paper"))
        db.session.commit()
    agent.run_once(app)
    from central.cli import kiosk_list

    runner = office.test_cli_runner()
    result = runner.invoke(kiosk_list)
    assert result.exception is None, result.exception
    listed = result.output
    assert "printer failed" in listed and "Printer: out of paper" in listed
    assert "No backup yet" in listed
    with office.app_context():
        from central.extensions import db as central_db
        kiosk = central_db.session.scalars(select(Kiosk)).one()
        assert kiosk.health_at is not None
    desk = office.test_client()
    from datetime import datetime

    from appkit.passwords import hash_password
    from central.models import StaffUser
    with office.app_context():
        central_db.session.add(StaffUser(username="li", display_name="李科长", active=True,
                                         password_hash=hash_password("a long password 1"),
                                         created_at=datetime(2026, 11, 1)))
        central_db.session.commit()
    page = desk.get("/desk/login").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"username": "li", "password": "a long password 1"}
    if token:
        data["csrf_token"] = token.group(1)
    desk.post("/desk/login", data=data)
    kiosks = desk.get("/desk/kiosks").get_data(as_text=True)
    assert "out of paper" in kiosks


@pytest.mark.postgres
def test_a_clock_the_office_refuses_is_shown_on_the_console_with_what_to_do(
        app, office, receptionist, monkeypatch):
    real = time.time
    monkeypatch.setattr(agent.time, "time", lambda: real() + 3600)
    client = agent.Client.from_config(app.config)
    client.clock = lambda: real() + 3600
    with pytest.raises(agent.SyncError):
        agent.run_once(app, client)
    page = receptionist.get("/staff/").get_data(as_text=True)
    assert "clock" in page or "时钟" in page
    assert "timedatectl" in page
    agent.run_once(app)  # the clock is right again: the banner goes
    page = receptionist.get("/staff/").get_data(as_text=True)
    assert "timedatectl" not in page


def test_the_restore_banner_reads_only_the_restores_whatever_the_log_holds(app):
    """Every staff page asks whether the kiosk was restored lately: one step of a partial index."""
    from kiosk.maintenance.health import _recent_restore
    from petition.clock import utcnow
    from tests.support.statements import counted, query_plan

    with app.app_context():
        with counted(db.engine) as statements:
            assert _recent_restore(utcnow()) is None
        with db.engine.connect() as connection:
            steps = [step for statement, parameters in statements
                     for step in query_plan(connection, statement, parameters)]
    assert steps == ["SEARCH audit_log USING INDEX ix_audit_log_restore (at>?)"], steps
