"""Retention: exactly the personal fields of people whose cases the office closed long enough
ago are removed, nothing is sent to the office, the audit shows counts, a dry run changes nothing."""

from __future__ import annotations

import os
import secrets
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from kiosk import audit
from kiosk.extensions import db
from kiosk.maintenance.retention import purge
from kiosk.models import AuditEntry, Case, GroupRepresentative, Person, Visit
from kiosk.sync_agent import agent
from kiosk.sync_agent.records import SyncState
from kiosk.visits.operations import VisitDraft, register_visit

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai
TODAY = date(2026, 12, 1)


def visit(name: str, *, id_number: str = "370102198001011234", service: str = "individual") -> Visit:
    made = register_visit(
        VisitDraft(service=service, name=name, id_number=id_number, phone="13800000000",
                   address="济南市历下区", gender="男", category="suggestion", matter="路灯不亮",
                   group_size=5 if service == "group" else 1,
                   representative_count=2 if service == "group" else 0),
        kiosk_id="kiosk-test", idempotency_key=secrets.token_hex(16), now=NOW - timedelta(days=200))
    return made


def close(case_id: str, days_ago: int) -> None:
    """The office's closing, as the sync pull writes it (no kiosk version change)."""
    db.session.execute(text('UPDATE "case" SET status = \'closed\', office_closed_on = :day, '
                            'office_version = office_version + 1 WHERE id = :id'),
                       {"day": TODAY - timedelta(days=days_ago), "id": case_id})


def acknowledge_everything() -> None:
    """As after a sync: the office acknowledged every row as it is now."""
    counter = db.session.execute(text("SELECT value FROM sync_counter")).scalar()
    for name in agent.MODELS:
        db.session.merge(SyncState(name=name, acked_seq=counter))


@pytest.fixture
def people(app):
    with app.app_context():
        old = visit("张一")                                   # closed 100 days ago: purged
        recent = visit("张二", id_number="370102198002021238")  # closed 50 days ago: kept
        still_open = visit("张三")                             # not closed: kept
        group = visit("张四", service="group")                  # closed 100 days ago, representatives too
        for position, name in ((1, "代表甲"), (2, "代表乙")):
            db.session.add(GroupRepresentative(visit_id=group.id, position=position, name=name,
                                               id_number="370102198001011234", phone="13900000000"))
        again = visit("张五")                                  # closed long ago, but a newer case is open
        newer_case = Case(kiosk_id="kiosk-test", person_id=again.person_id, registered_on=TODAY,
                          category="suggestion")
        db.session.add(newer_case)
        unsent = visit("张六")                                 # eligible, but a change is not yet at the office
        db.session.commit()
        for item, days in ((old, 100), (recent, 50), (group, 100), (again, 100), (unsent, 100)):
            close(item.case_id, days)
        acknowledge_everything()
        db.session.commit()
        changed = db.session.get(Person, unsent.person_id)
        audit.change("rita", changed, "person", {"phone": "13700000000"})
        db.session.commit()
        return {"old": old.person_id, "recent": recent.person_id, "open": still_open.person_id,
                "group": group.person_id, "again": again.person_id, "unsent": unsent.person_id}


def snapshot() -> dict:
    people = {p.id: (p.name, p.id_number, p.phone, p.address, p.gender, p.version, p.sync_seq)
              for p in db.session.scalars(select(Person))}
    reps = {r.id: (r.name, r.id_number, r.phone, r.version) for r in db.session.scalars(
        select(GroupRepresentative))}
    cases = {c.id: (c.matter, c.version) for c in db.session.scalars(select(Case))}
    return {"people": people, "reps": reps, "cases": cases}


def test_the_dry_run_counts_and_changes_nothing(app, people):
    with app.app_context():
        before = snapshot()
        audits = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
        result = purge(app, now=NOW, dry_run=True)
        assert (result.people, result.representatives, result.waiting_for_sync) == (2, 2, 1)
        assert "nothing was changed" in " ".join(result.lines())
        db.session.expire_all()
        assert snapshot() == before
        assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == audits


def test_the_purge_removes_exactly_the_personal_fields_of_eligible_people(app, people):
    with app.app_context():
        before = snapshot()
        backlog = agent.status(app)["backlog"]
        result = purge(app, now=NOW)
        assert (result.people, result.representatives) == (2, 2)
        db.session.expire_all()
        after = snapshot()
        for key in ("old", "group"):
            person = before["people"][people[key]]
            # name, ID number, phone, address gone; sex, version and change number as they were
            assert after["people"][people[key]] == (None, None, None, None, *person[4:])
            assert db.session.get(Person, people[key]).personal_data_removed_on == TODAY
        for key in ("recent", "open", "again", "unsent"):
            assert after["people"][people[key]] == before["people"][people[key]]
        for rep_id, rep in after["reps"].items():
            assert rep == (None, None, None, before["reps"][rep_id][3])
        assert after["cases"] == before["cases"]  # the matter stays; only personal data goes
        # Nothing new to send: the office keeps its full record.
        assert agent.status(app)["backlog"] == backlog == 1
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
        counts = entry.fields["counts"][1]
        assert counts.startswith("people 2, representatives 2")
        assert "张一" not in counts and "370102" not in counts
        # A second purge finds nothing more to do.
        assert purge(app, now=NOW).people == 0


def test_a_purged_person_cannot_be_changed_or_deleted(app, people):
    with app.app_context():
        purge(app, now=NOW)
        person = db.session.get(Person, people["old"])
        person.phone = "13600000000"
        person.touch()
        with pytest.raises(IntegrityError, match="retention"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(IntegrityError, match="retention"):
            db.session.execute(text("DELETE FROM person WHERE id = :id"), {"id": people["old"]})
        db.session.rollback()


def test_old_previews_and_logs_are_deleted(app, people):
    instance = app.instance_path
    old_time = (NOW - timedelta(days=120)).timestamp()
    files = {}
    for folder, name in (("prints", "old.bin"), ("prints", "new.bin"), ("logs", "old.log"),
                         ("logs", "new.log")):
        path = os.path.join(instance, folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write("x")
        if name.startswith("old"):
            os.utime(path, (old_time, old_time))
        files[f"{folder}/{name}"] = path
    with app.app_context():
        result = purge(app, now=NOW)
    assert (result.previews, result.logs) == (1, 1)
    assert {key for key, path in files.items() if os.path.exists(path)} == {"prints/new.bin",
                                                                          "logs/new.log"}


def test_the_command_has_a_dry_run(runner, people):
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0 and "would remove" in result.output and "dry run" in result.output


def test_the_office_keeps_every_record_unless_its_setting_says_otherwise(tmp_path):
    from central.models import MIRRORS
    from tests.support.central import case as case_record
    from tests.support.central import make_central
    from tests.support.central import person as person_record

    office = make_central(tmp_path / "office", f"sqlite:///{tmp_path / 'office.sqlite3'}")
    from central.extensions import db as central_db
    from central.ingest import ingest
    from central.models import case as case_table
    from central.operations import add_kiosk

    with office.app_context():
        add_kiosk("kiosk-test", "测试", now=datetime(2026, 1, 1))
        ingest("kiosk-test", "person", [_decoded("person", person_record("p1", 1, 1))],
               now=datetime(2026, 1, 1))
        record = _decoded("case", case_record("c1", 1, 2))
        record["person_id"] = "p1"
        ingest("kiosk-test", "case", [record], now=datetime(2026, 1, 1))
        # The office replied and closed it on 2 January (as its case desk would).
        central_db.session.execute(case_table.update().where(case_table.c.id == "c1").values(
            status="closed", replied_on=date(2026, 1, 2), office_closed_on=date(2026, 1, 2)))
        central_db.session.commit()
    runner = office.test_cli_runner()
    assert "keeps every record" in runner.invoke(args=["retention"]).output
    office.config["CENTRAL_RETENTION_CLOSED_DAYS"] = 30
    assert "would remove the personal data of 1 people" in runner.invoke(
        args=["retention", "--dry-run"]).output
    assert "removed the personal data of 1 people" in runner.invoke(args=["retention"]).output
    with office.app_context():
        row = central_db.session.execute(MIRRORS["person"].select()).one()
        assert (row.name, row.id_number, row.phone) == (None, None, None)
        central_db.session.remove()
        central_db.engine.dispose()


def _decoded(table: str, record: dict) -> dict:
    from sync import protocol
    return protocol.decode_row(table, record)


def test_print_previews_are_kept_a_week_by_default_and_the_nightly_timer_prunes_them(app):
    """The preview printer writes two files per ticket; a week of them stays, older ones go
    every night without an operator (the backup timer's service runs `flask purge`)."""
    from pathlib import Path

    assert app.config["KIOSK_PRINT_PREVIEW_DAYS"] == 7
    prints = Path(app.instance_path) / "prints"
    prints.mkdir(parents=True, exist_ok=True)
    for name, age_days in (("eight-days.bin", 8), ("eight-days.txt", 8), ("six-days.bin", 6)):
        path = prints / name
        path.write_bytes(b"x")
        moment = (NOW - timedelta(days=age_days)).timestamp()
        os.utime(path, (moment, moment))
    with app.app_context():
        assert purge(app, now=NOW).previews == 2
    assert sorted(path.name for path in prints.iterdir()) == ["six-days.bin"]
    templates = Path(__file__).resolve().parents[2] / "deploy" / "templates"
    assert "flask --app kiosk purge" in (templates / "jiedai-backup.service").read_text()
    assert "OnCalendar=*-*-*" in (templates / "jiedai-backup.timer").read_text()
