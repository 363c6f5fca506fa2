"""Migration 0013_compact_audit on a kiosk that kept one audit row per field.

The landed kiosk (tests/fixtures/landed/kiosk.sql) is brought to the revision before 0013, given
the odd rows a real log has, and compacted: every fact is still there, one
row per change, naming its person; the log stays append-only; the downgrade
gives the same facts back one row per field.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from kiosk import create_app
from kiosk.extensions import db, migrate
from tests.support.apps import make_config

LANDED = Path(__file__).resolve().parents[1] / "fixtures" / "landed" / "kiosk.sql"
ODD_ROWS = [  # a view, a value with no field, one field written twice in one instant, a NULL id
    ("01a232a6-0000-7000-8000-000000000001", "2026-10-13 01:00:00.000000", "rita", "view", "person",
     "p-odd", None, None, None),
    ("01a232a6-0000-7000-8000-000000000002", "2026-10-13 01:00:00.000000", "rita", "view", "person",
     "p-odd", None, None, None),
    ("01a232a6-0000-7000-8000-000000000003", "2026-10-13 01:00:01.000000", "system", "restore",
     "database", None, None, None, "restored from kiosk-1.sqlite3"),
    ("01a232a6-0000-7000-8000-000000000004", "2026-10-13 01:00:02.000000", "rita", "change", "visit",
     "v-odd", "status", "waiting", "called"),
    ("01a232a6-0000-7000-8000-000000000005", "2026-10-13 01:00:02.000000", "rita", "change", "visit",
     "v-odd", "status", "called", "serving"),
]


def before_revision() -> str:
    """The revision 0013 follows (the lead re-chains migrations when merging)."""
    from alembic.script import ScriptDirectory

    config = migrate.get_config(directory=migrate.directory)
    return ScriptDirectory.from_config(config).get_revision("0013_compact_audit").down_revision


def wide_facts(connection) -> Counter:
    return Counter(connection.execute(text(
        'SELECT at, actor, action, entity, entity_id, field, "before", "after" FROM audit_log')).all())


def compact_facts(connection) -> Counter:
    import json

    facts = Counter()
    for at, actor, action, entity, entity_id, changes in connection.execute(text(
            "SELECT at, actor, action, entity, entity_id, changes FROM audit_log")):
        for field, (before, after) in (json.loads(changes) if changes else {None: [None, None]}).items():
            facts[(at, actor, action, entity, entity_id, field or None, before, after)] += 1
    return facts


@pytest.fixture
def landed(tmp_path):
    with sqlite3.connect(tmp_path / "kiosk.sqlite3") as connection:
        connection.executescript(LANDED.read_text())
    app = create_app(make_config(tmp_path))
    with app.app_context():
        upgrade(directory=migrate.directory, revision=before_revision())
        with db.engine.begin() as connection:
            for row in ODD_ROWS:
                connection.exec_driver_sql("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        yield app
        db.engine.dispose()


def test_the_compacted_log_keeps_every_fact_one_row_per_change(landed):
    with db.engine.connect() as connection:
        facts = wide_facts(connection)
        changes = connection.execute(text(
            "SELECT count(*) FROM (SELECT DISTINCT at, actor, action, entity, entity_id FROM audit_log "
            "WHERE field IS NOT NULL)")).scalar()
        fieldless = connection.execute(text("SELECT count(*) FROM audit_log WHERE field IS NULL")).scalar()
        wide_rows = sum(facts.values())
    upgrade(directory=migrate.directory)
    with db.engine.connect() as connection:
        assert compact_facts(connection) == facts
        rows = connection.execute(text("SELECT count(*) FROM audit_log")).scalar()
        # One row per change; each view or value with no field stays a row; the second status apart.
        assert rows == changes + fieldless + 1 < wide_rows
        # Each row names the person its record concerns.
        mismatched = connection.execute(text(
            'SELECT count(*) FROM audit_log JOIN "case" ON "case".id = audit_log.entity_id '
            'WHERE audit_log.entity = \'case\' AND audit_log.person_id IS NOT "case".person_id')).scalar()
        assert mismatched == 0
        assert connection.execute(text(
            "SELECT count(*) FROM audit_log WHERE entity = 'person' AND person_id IS NOT entity_id")).scalar() == 0
        for entity, table in (("visit", "visit"), ("material", "material"),
                              ("representative", "group_representative")):
            unnamed = connection.execute(text(
                f"SELECT count(*) FROM audit_log JOIN {table} ON {table}.id = audit_log.entity_id "
                f"WHERE audit_log.entity = '{entity}' AND audit_log.person_id IS NULL")).scalar()
            assert unnamed == 0, entity  # (a record deleted since names nobody)
        # Oldest first, as they were written: the rowid follows (at, the old id).
        order = connection.execute(text("SELECT at FROM audit_log ORDER BY id")).scalars().all()
        assert order == sorted(order)
    with db.engine.begin() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("DELETE FROM audit_log"))


def test_the_downgrade_gives_the_same_facts_back_one_row_per_field(landed):
    with db.engine.connect() as connection:
        facts = wide_facts(connection)
    upgrade(directory=migrate.directory)
    downgrade(directory=migrate.directory, revision=before_revision())
    with db.engine.connect() as connection:
        assert wide_facts(connection) == facts
    with db.engine.begin() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("UPDATE audit_log SET actor = 'someone else'"))
