"""The kiosk's sync agent against a real central app served by waitress (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from central import cases
from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import Case, Person
from kiosk.sync_agent import agent, schedule
from sync import protocol
from tests.support.apps import free_port
from tests.support.central import assert_same_records, make_visits

KIOSK = "kiosk-test"


def client_for(url: str, key: str, **kw) -> agent.Client:
    return agent.Client(url, KIOSK, key, timeout=10, **kw)


def test_every_insert_and_every_new_version_takes_the_next_change_number(app):
    make_visits(app, 2, group_every=0)
    with app.app_context():
        seqs = db.session.execute(text(
            "SELECT sync_seq FROM person UNION ALL SELECT sync_seq FROM \"case\" "
            "UNION ALL SELECT sync_seq FROM visit")).scalars().all()
        assert sorted(seqs) == list(range(1, 7))
        person = db.session.scalars(select(Person)).first()
        before = db.session.scalar(select(Person.sync_seq).where(Person.id == person.id))
        person.name = "李四"
        person.touch()
        db.session.commit()
        assert db.session.scalar(select(Person.sync_seq).where(Person.id == person.id)) == 7 > before
        # The office's handling fields arriving do not make the case a kiosk change.
        case = db.session.scalars(select(Case)).first()
        seq = db.session.scalar(select(Case.sync_seq).where(Case.id == case.id))
        db.session.execute(text("UPDATE \"case\" SET replied_on = '2026-11-25', office_version = 1"))
        db.session.commit()
        assert db.session.scalar(select(Case.sync_seq).where(Case.id == case.id)) == seq


def test_a_sync_sends_everything_once_and_brings_the_offices_handling_back(
        app, central_app, central_server, kiosk_key):
    make_visits(app, 12)
    client = client_for(central_server.url, kiosk_key)
    result = agent.run_once(app, client)
    assert result.pushed == {"person": 12, "case": 12, "visit": 12, "group_representative": 6,
                             "material": 0, "deleted": 0}
    assert result.applied == result.pushed
    assert assert_same_records(app, central_app, KIOSK)["visit"] == 12
    assert agent.status(app)["backlog"] == 0

    again = agent.run_once(app, client)
    assert sum(again.pushed.values()) == 0

    with app.app_context():
        case = db.session.scalars(select(Case)).first()
        states.accept(case, by="rita", now=datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc))
        db.session.commit()
        case_id, version = case.id, case.version
    assert agent.run_once(app, client).pushed["case"] == 1
    with central_app.app_context():
        cases.step(case_id, "reply", by="li", text="经核实，已转交区住建局办理。",
                   now=datetime(2026, 11, 25, 2, 0))
        cases.step(case_id, "conclude", by="li", now=datetime(2026, 11, 26, 2, 0))
    assert agent.run_once(app, client).pulled == 2
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert (case.status, case.reply_text, case.office_version) == (
            "closed", "经核实，已转交区住建局办理。", 2)
        assert str(case.replied_on) == "2026-11-25" and str(case.office_closed_on) == "2026-11-26"
        assert case.due_on is None and case.version == version
    status = agent.status(app)
    assert status["backlog"] == 0 and status["last_error"] is None and status["last_success_at"]
    assert sum(agent.run_once(app, client).pushed.values()) == 0  # the reply is not sent back
    assert_same_records(app, central_app, KIOSK)


def test_a_kiosk_clock_ten_minutes_off_is_refused_clearly_then_syncs_once_set_right(
        app, central_app, central_server, kiosk_key):
    make_visits(app, 3)
    skewed = client_for(central_server.url, kiosk_key, clock=lambda: time.time() + 600)
    with pytest.raises(agent.SyncError) as refused:
        agent.run(app, client=skewed, attempts=5, sleep=lambda s: pytest.fail("retried"))
    assert refused.value.code == "clock_skew" and not refused.value.retry
    status = agent.status(app)
    assert "+600 s off" in status["last_error"] and status["backlog"] == 11
    agent.run_once(app, client_for(central_server.url, kiosk_key))
    assert agent.status(app)["last_error"] is None
    assert_same_records(app, central_app, KIOSK)


def test_an_unreachable_office_is_retried_with_growing_jittered_waits_then_reported(app):
    waits = []
    client = client_for(f"http://127.0.0.1:{free_port()}", "key")
    with pytest.raises(agent.SyncError) as failure:
        agent.run(app, client=client, attempts=6, sleep=waits.append, rng=random.Random(4))
    assert failure.value.code == "network"
    assert len(waits) == 5 and all(0 <= wait <= 2 ** n for n, wait in enumerate(waits))
    assert "cannot reach the central office" in agent.status(app)["last_error"]


def test_backoff_is_full_jitter_capped_at_fifteen_minutes():
    rng = random.Random(1)
    assert all(0 <= agent.backoff_delay(30, rng) <= 900 for _ in range(200))
    assert max(agent.backoff_delay(30, rng) for _ in range(200)) > 600
    assert all(0 <= agent.backoff_delay(0, rng) <= 1 for _ in range(50))


def test_each_kiosk_has_its_own_nightly_minute_inside_the_window():
    minutes = {schedule.nightly_minute(f"kiosk-{n}", "01:00-05:00") for n in range(300)}
    assert all(60 <= minute < 300 for minute in minutes) and len(minutes) > 100
    assert schedule.nightly_minute("hall-2", "01:00-05:00") == schedule.nightly_minute("hall-2", "01:00-05:00")
    at = schedule.next_nightly_run(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc), "hall-2",
                                "01:00-05:00")
    local = at.astimezone(schedule.SHANGHAI)
    assert local.date().isoformat() == "2026-11-24" and 1 <= local.hour < 5
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        schedule.parse_window("late")


def test_sync_now_without_configuration_says_what_to_set(runner):
    result = runner.invoke(args=["sync"])
    assert result.exit_code == 1
    assert "KIOSK_SYNC_URL" in result.output and "KIOSK_SYNC_KEY" in result.output


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


def test_healthz_shows_last_success_last_error_and_backlog(app, client):
    make_visits(app, 2, group_every=0)
    sync = client.get("/healthz").json["sync"]
    assert sync == {"configured": False, "last_success_at": None, "last_error": None, "backlog": 6,
                    "backlog_capped": False}


def test_flask_sync_runs_a_sync_now(app, central_app, central_server, kiosk_key):
    make_visits(app, 2, group_every=0)
    app.config.update(KIOSK_SYNC_URL=central_server.url, KIOSK_SYNC_KEY=kiosk_key)
    result = app.test_cli_runner().invoke(args=["sync"])
    assert result.exit_code == 0, result.output
    assert "pushed 6 records" in result.output and "backlog 0" in result.output
    assert_same_records(app, central_app, KIOSK)


def test_a_bad_sync_window_stops_the_start_with_the_setting_named(monkeypatch, tmp_path):
    from kiosk import create_app

    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("KIOSK_SYNC_WINDOW", "05:00-01:00")
    with pytest.raises(RuntimeError, match="KIOSK_SYNC_WINDOW"):
        create_app()


def test_rows_deleted_at_the_window_are_deleted_at_the_office(
        app, central_app, central_server, kiosk_key):
    from kiosk.models import GroupRepresentative, Material, Visit

    make_visits(app, 6)  # visits 0 and 5 are groups with two representatives each
    with app.app_context():
        visit = db.session.scalars(select(Visit).where(Visit.service == "group")).first()
        for position, name in enumerate(("身份证复印件", "信访材料"), start=1):
            db.session.add(Material(visit_id=visit.id, position=position, name=name, count=2))
        db.session.commit()
    client = client_for(central_server.url, kiosk_key)
    agent.run_once(app, client)
    assert assert_same_records(app, central_app, KIOSK)["material"] == 2

    with app.app_context():
        db.session.delete(db.session.scalars(select(Material).where(Material.position == 2)).one())
        db.session.delete(db.session.scalars(select(GroupRepresentative)).first())
        db.session.commit()
        assert agent.status(app)["backlog_by_table"]["deleted"] == 2
    result = agent.run_once(app, client)
    assert result.pushed["deleted"] == 2 and result.applied["deleted"] == 2
    counts = assert_same_records(app, central_app, KIOSK)
    assert counts["material"] == 1 and counts["group_representative"] == 3

    # Sending the deletions again (a lost answer, say) changes nothing.
    with app.app_context():
        agent._state(protocol.DELETIONS).acked_seq = 0
        db.session.commit()
    again = agent.run_once(app, client)
    assert again.pushed["deleted"] == 2 and again.applied["deleted"] == 0
    assert assert_same_records(app, central_app, KIOSK) == counts
