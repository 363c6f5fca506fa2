"""The headquarters migration fills each case's concluded_on and on_time as petition.lifecycle does."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask_migrate import upgrade as alembic_upgrade
from sqlalchemy import select

from central import create_app, figures
from central.extensions import db, migrate
from central.models import MIRRORS
from petition import lifecycle
from tests.support.office import DISPOSITIONS, window_facts

AT = datetime(2026, 1, 1)


def test_the_backfill_agrees_with_petition_lifecycle(central_database, tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"),
                      "SQLALCHEMY_DATABASE_URI": central_database, "CENTRAL_SECRET_KEY": "k"})
    case = MIRRORS["case"]
    with app.app_context():
        alembic_upgrade(directory=migrate.directory, revision="0005_case_lifecycle")
        rows = []
        for index in range(len(DISPOSITIONS) * 12):
            registered = date(2025, 1, 1) + timedelta(days=index * 3)
            facts = window_facts(index, registered)
            if facts.get("disposition") in ("accepted", "forwarded", "assigned") and index % 2:
                facts["replied_on"] = facts["decided_on"] + timedelta(days=(index * 13) % 95)
                if index % 3 == 0:
                    facts["office_closed_on"] = facts["replied_on"] + timedelta(days=2)
            rows.append({"id": f"c{index}", "kiosk_id": "hall-1", "registered_on": registered, "version": 1,
                         "created_at": AT, "updated_at": AT, "sync_seq": index + 1, "received_at": AT,
                         "category": "appeal", **facts})
        rows.append({"id": "odd", "kiosk_id": "hall-1", "registered_on": date(2025, 3, 1), "version": 1,
                     "created_at": AT, "updated_at": AT, "sync_seq": 999, "received_at": AT,
                     "disposition": "forwarded", "closed_on": date(2025, 3, 2)})  # closed, never decided
        for row in rows:
            db.session.execute(case.insert().values(**row))
        db.session.commit()
        alembic_upgrade(directory=migrate.directory)
        stored = {row.id: row for row in db.session.execute(select(case))}
        for row in stored.values():
            ns = SimpleNamespace(**row._asdict())
            assert (row.concluded_on, row.on_time) == (lifecycle.concluded_on(ns), lifecycle.on_time(ns)), row.id
        on_time = [row.on_time for row in stored.values()]
        assert True in on_time and False in on_time and None in on_time
        # On PostgreSQL the migration's own tallies hold the same figures as the cases themselves.
        assert figures.total(date(2025, 1, 1), date(2025, 12, 31)) == \
            figures.total(date(2025, 1, 1), date(2025, 12, 31), direct=True)
        db.session.remove()
        db.engine.dispose()
