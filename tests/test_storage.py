"""The database is set up so nothing acknowledged is lost, and only migrations shape it."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from kiosk.extensions import db
from kiosk.models import AuditEntry


def test_every_connection_has_wal_full_sync_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        pragmas = {name: db.session.execute(text(f"PRAGMA {name}")).scalar_one()
                   for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                       "busy_timeout": 5000}


def test_the_migrations_build_exactly_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_the_audit_log_is_append_only(app):
    with app.app_context():
        db.session.add(AuditEntry(actor="tester", action="view", entity="person", entity_id="x"))
        db.session.commit()
        for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.query(AuditEntry).one().actor == "tester"


def test_healthz_reports_database_migrations_and_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["migrations"] == "current"
    assert response.json["version"]


def test_healthz_says_when_migrations_are_pending(app, client):
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'old'"))
        db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["migrations"] == "pending"
