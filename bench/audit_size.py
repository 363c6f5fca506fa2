"""How big the audit log grows: rows and MB of `audit_log` per 1,000 visits.

`python -m bench.audit_size [--visits 1000]` makes visits in a throwaway
kiosk through the project's own operations, as a working day does: the
ticket, the call, the visitor received, the full data viewed, the
registration completed, a decision, the visit finished. It prints the audit
log's rows and bytes (table and indexes, from SQLite's dbstat) per 1,000
visits. Not a `make bench` module: it measures storage, not time.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

VISITS_PER_DAY = 60
ACTORS = ("rita", "sam", "lin")


def _visit(rng: random.Random, now: datetime, kiosk_id: str, body_names: list[str]) -> None:
    from kiosk import audit
    from kiosk.calling import operations as calling
    from kiosk.cases import states
    from kiosk.cli import demo_id_number
    from kiosk.staff import operations as staff
    from kiosk.visits import operations as visits
    from petition.vocabulary import CATEGORIES

    category = rng.choice(list(CATEGORIES))
    body = rng.choice(body_names)
    draft = visits.VisitDraft(service="individual", id_number=demo_id_number(rng),
                              phone=f"13{rng.randint(0, 999999999):09d}", name="王小明", group_size=1,
                              representative_count=0, category=category, body_name=body,
                              locale="zh_Hans_CN")
    visit = visits.register_visit(draft, kiosk_id=kiosk_id, idempotency_key=secrets.token_urlsafe(24),
                                  now=now)
    actor = rng.choice(ACTORS)
    window = ACTORS.index(actor) + 1
    now += timedelta(minutes=10)
    calling.call_chosen(visit.id, window=window, by=actor, now=now)
    now += timedelta(minutes=1)
    calling.receive(visit, by=actor, now=now)
    audit.viewed(actor, "person", visit.person_id, now=now)
    now += timedelta(minutes=5)
    entry = staff.Registration(
        person={"name": "王小明", "gender": "male", "id_number": visit.person.id_number,
                "phone": visit.person.phone, "address": "山东省济南市历下区泉城路1号", "is_deputy": False},
        case={"category": category, "body_name": body, "matter": "小区路灯长期不亮，多次反映未解决",
              "request": "尽快修复路灯", "urgent": False, "joint_supervision": False},
        visit={"category": category, "body_name": body, "group_size": 1},
        representatives=[], materials=[{"name": "申诉书", "count": 1}])
    staff.save_registration(visit, entry, by=actor, now=now)
    now += timedelta(minutes=2)
    step = rng.random()
    if step < 0.4:
        states.answer(visit.case, by=actor, now=now, result="已当场解释政策")
    elif step < 0.8:
        states.accept(visit.case, by=actor, now=now)
    else:
        states.forward(visit.case, by=actor, now=now, body=body)
    now += timedelta(minutes=1)
    calling.finish(visit.id, by=actor, now=now)


def measure(visits: int, seed: int = 11) -> dict[str, float]:
    from kiosk import create_app
    from kiosk.database import upgrade
    from kiosk.extensions import db
    from kiosk.models import Body

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "KIOSK_ID": "bench-audit",
                          "SECRET_KEY": "bench", "KIOSK_PRINTER_URL": "preview",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kiosk.sqlite3'}"})
        with app.app_context():
            upgrade()
            body_names = [body.name for body in db.session.query(Body).all()]
            start = datetime(2026, 3, 2, 0, 30, tzinfo=timezone.utc)
            for index in range(visits):
                day, slot = divmod(index, VISITS_PER_DAY)
                _visit(rng, start + timedelta(days=day, minutes=5 * slot), "bench-audit", body_names)
            path = db.engine.url.database
            db.session.remove()
            db.engine.dispose()
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
            sizes = dict(connection.execute(
                "SELECT d.name, sum(d.pgsize) FROM dbstat AS d JOIN sqlite_schema AS s ON s.name = d.name "
                "WHERE s.tbl_name = 'audit_log' GROUP BY d.name"))
            everything = connection.execute("SELECT sum(pgsize) FROM dbstat").fetchone()[0]
    per = 1000 / visits
    total = sum(sizes.values())
    return {"audit_rows_per_1000_visits": round(rows * per),
            "audit_mb_per_1000_visits": round(total * per / 1e6, 2),
            "audit_share_of_db": round(total / everything, 2),
            **{f"bytes_per_1000_visits[{name}]": round(size * per) for name, size in sorted(sizes.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    for name, value in measure(parser.parse_args().visits).items():
        print(f"{name:<48} {value}")


if __name__ == "__main__":
    main()
