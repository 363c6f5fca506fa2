"""The office app in tests: on SQLite or PostgreSQL, a kiosk registered with it, both sides compared."""

from __future__ import annotations

import secrets
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from appkit.serving import ThreadedServer
from sync import protocol

from .apps import unavailable
from .postgres import available as postgres_available
from .postgres import temporary_database


def postgres_database():
    """A uniquely named PostgreSQL database for one test, dropped afterwards."""
    return temporary_database("jiedai_sync")


# Records as a kiosk would push them, for the receiver's tests.

KIOSK = "kiosk-test"
NOW = datetime(2026, 11, 23, 12, 0)


def person(pid: str, version: int, seq: int, *, name: str = "张三", kiosk: str = KIOSK) -> dict:
    return protocol.encode_row("person", {
        "id": pid, "kiosk_id": kiosk, "name": name, "gender": None, "id_number": "370102198001011234",
        "phone": "13800000000", "address": None, "is_deputy": False, "version": version,
        "created_at": NOW, "updated_at": NOW}, seq)


def case(cid: str, version: int = 1, seq: int = 1, **window) -> dict:
    """A case as a kiosk pushes it; `window` sets the window's facts (disposition=…)."""
    return protocol.encode_row("case", {
        "id": cid, "kiosk_id": KIOSK, "person_id": None, "category": "suggestion", "body_name": None,
        "matter": "路灯不亮", "request": None, "registered_on": NOW.date(),
        "urgent": False, "joint_supervision": False, "version": version,
        "created_at": NOW, "updated_at": NOW, **window}, seq)


def accepted(cid: str, version: int = 1, seq: int = 1, **window) -> dict:
    """A case the window accepted on NOW's day."""
    return case(cid, version, seq, disposition="accepted", decided_on=NOW.date(), **window)


def push(client, key, records, *, table="person", kiosk=KIOSK, sender=None, clock=None,
         headers=None):
    body = protocol.pack({"kiosk_id": sender or kiosk, "table": table, "records": records})
    signed = protocol.sign(kiosk, key, "POST", protocol.PUSH_PATH, body, now=clock or time.time())
    signed.update(headers or {})
    return client.post(protocol.PUSH_PATH, data=body,
                       headers={**signed, "Content-Encoding": "gzip"}), signed, body


def pull(client, key, after="0-0", *, kiosk=KIOSK, limit=500):
    path = f"{protocol.CHANGES_PATH}?after={after}&limit={limit}"
    signed = protocol.sign(kiosk, key, "GET", path, b"", now=time.time())
    return client.get(path, headers=signed)


def make_central(instance: Path, database_url: str, **overrides):
    """A central app with its migrations applied."""
    from central import create_app
    from central.database import upgrade

    config = {"TESTING": True, "INSTANCE_PATH": str(instance),
              "SQLALCHEMY_DATABASE_URI": database_url,
              "CENTRAL_SECRET_KEY": "central-test-secret"}
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def dispose(central_app) -> None:
    """Close the app's connections so its database can be dropped."""
    from central.extensions import db

    with central_app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def postgres_office(instance: Path, **overrides):
    """The office app with its migrations on a throwaway PostgreSQL database, dropped afterwards.

    A test that cannot reach PostgreSQL skips, or fails under CI=true.
    """
    if not postgres_available():
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    with postgres_database() as url:
        app = make_central(instance, url, **overrides)
        try:
            yield app
        finally:
            dispose(app)


def register_kiosk(central_app, kiosk_id: str, name: str = "测试接待室") -> str:
    from datetime import datetime

    from central.operations import add_kiosk

    with central_app.app_context():
        return add_kiosk(kiosk_id, name, now=datetime(2026, 11, 23, 12, 0))


def kiosk_rows(kiosk_app, table: str) -> list[dict]:
    from kiosk.extensions import db
    from kiosk.sync_agent.agent import MODELS

    with kiosk_app.app_context():
        model_table = MODELS[table].__table__
        columns = [model_table.c[c] for c in protocol.TABLES[table]]
        return [dict(r._mapping) for r in db.session.execute(select(*columns))]


def central_rows(central_app, table: str, kiosk_id: str) -> list[dict]:
    from central.extensions import db
    from central.models import MIRRORS

    with central_app.app_context():
        mirror = MIRRORS[table]
        columns = [mirror.c[c] for c in protocol.TABLES[table]]
        rows = [dict(r._mapping) for r in db.session.execute(
            select(*columns).where(mirror.c.kiosk_id == kiosk_id))]
        db.session.remove()
        return rows


def assert_same_records(kiosk_app, central_app, kiosk_id: str) -> dict[str, int]:
    """Counts and a content hash per table agree on both sides; returns the counts."""
    counts = {}
    for table in protocol.TABLES:
        here, there = kiosk_rows(kiosk_app, table), central_rows(central_app, table, kiosk_id)
        assert len(here) == len(there), f"{table}: kiosk {len(here)} rows, central {len(there)}"
        assert protocol.content_hash(here, table) == protocol.content_hash(there, table), table
        counts[table] = len(here)
    return counts


def make_visits(kiosk_app, count: int, *, group_every: int = 5) -> None:
    """Register `count` visits through the real operation (person, case, visit, representatives)."""
    from kiosk.extensions import db
    from kiosk.models import GroupRepresentative
    from kiosk.visits.operations import VisitDraft, register_visit
    from petition.clock import utcnow

    with kiosk_app.app_context():
        kiosk_id = kiosk_app.config["KIOSK_ID"]
        for index in range(count):
            group = group_every and index % group_every == 0
            visit = register_visit(
                VisitDraft(service="group" if group else "individual", name="张三",
                           id_number="370102198001011234", phone="13800000000",
                           group_size=6 if group else 1, representative_count=2 if group else 0,
                           category="suggestion", locale="zh_Hans_CN"),
                kiosk_id=kiosk_id, idempotency_key=secrets.token_hex(16), now=utcnow())
            if group:
                for position in (1, 2):
                    db.session.add(GroupRepresentative(visit_id=visit.id, position=position,
                                                       name=f"代表{position}"))
                db.session.commit()


def accept_cases(kiosk_app) -> list[str]:
    """The window accepts every undecided case (so the office can reply); their ids."""
    from kiosk.cases import states
    from kiosk.extensions import db
    from kiosk.models import Case
    from petition.clock import utcnow

    with kiosk_app.app_context():
        waiting = db.session.scalars(select(Case).where(Case.status == "registered")
                                     .order_by(Case.created_at, Case.id)).all()
        for case in waiting:
            states.accept(case, by="rita", now=utcnow())
        db.session.commit()
        return [case.id for case in waiting]


class Server(ThreadedServer):
    """A WSGI app served by waitress in a thread on a fixed port, which can be restarted."""
