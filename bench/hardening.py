"""Figures of the hardening (issue 10), for `make bench`.

- signin_flood_welcome_p95_ms: `python run.py` in a subprocess (8 threads);
  16 connections post made-up names at the console's sign-in for 8 seconds
  while the touch screen's `GET /` is asked for every 20 ms; its p95 in ms.
- sync_poison_backlog_after: a kiosk with 1,000 records (333 visits: a person,
  a case and a visit each, and a material), one of them a person whose name
  holds a NUL; one sync to a central app on PostgreSQL served over HTTP; the
  records not delivered afterwards (the backlog plus those held aside).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from tests.support.flood import flood

from .server import Server, upgrade

FLOOD_SECONDS = 8.0


def signin_flood_welcome_p95() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "kiosk"
        upgrade(instance)
        with Server(instance, threads=8) as server:
            result = flood("127.0.0.1", server.port, connections=16, seconds=FLOOD_SECONDS)
    if result.errors or set(result.welcome_statuses) != {200}:
        raise RuntimeError(f"the flood broke something: {result.errors[:3]}")
    return result.percentile(0.95)


def sync_poison_backlog_after(records: int = 1000) -> int:
    from sqlalchemy import select

    from appkit.serving import ThreadedServer
    from central import create_app as create_central
    from central.database import upgrade as central_upgrade
    from central.operations import add_kiosk
    from kiosk import create_app
    from kiosk.extensions import db
    from kiosk.models import Material, Person, Visit
    from kiosk.sync_agent import agent
    from tests.support.central import make_visits
    from tests.support.postgres import temporary_database

    with tempfile.TemporaryDirectory() as tmp, temporary_database("jiedai_bench") as url:
        office = create_central({"INSTANCE_PATH": str(Path(tmp) / "office"), "SQLALCHEMY_DATABASE_URI": url,
                                 "CENTRAL_SECRET_KEY": "bench-secret"})
        with office.app_context():
            central_upgrade()
            key = add_kiosk("kiosk-bench", "bench", now=datetime(2026, 1, 1))
        instance = Path(tmp) / "kiosk"
        upgrade(instance)
        kiosk = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "KIOSK_ID": "kiosk-bench",
                            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kiosk.sqlite3'}"})
        make_visits(kiosk, records // 3, group_every=0)  # a person, a case and a visit each
        with kiosk.app_context():
            visit = db.session.scalars(select(Visit)).first()
            for position in range(1, records % 3 + 1):  # up to 1,000 exactly with materials
                db.session.add(Material(visit_id=visit.id, position=position, name="信访材料", count=1))
            person = db.session.scalars(select(Person)).first()
            person.name = "赵\x00六"  # the poison: stored before the forms refused it
            person.touch()
            db.session.commit()
            total = sum(agent.backlog().values())
            assert total == records, total
        server = ThreadedServer(office).start()
        try:
            agent.run_once(kiosk, agent.Client(server.url, "kiosk-bench", key, timeout=60))
        finally:
            server.stop()
        with kiosk.app_context():
            left = sum(agent.backlog().values()) + agent.held.count()
            db.engine.dispose()
        from central.extensions import db as office_db
        with office.app_context():
            office_db.engine.dispose()
        return left


def figures() -> dict:
    return {
        "signin_flood_welcome_p95_ms": {"value": round(signin_flood_welcome_p95(), 1), "unit": "ms",
                                        "target": "< 50"},
        "sync_poison_backlog_after": {"value": sync_poison_backlog_after(), "unit": "records",
                                      "target": 1},
    }
