"""SQLite set up so that nothing acknowledged is lost.

Every connection gets WAL (readers never block the writer), synchronous=FULL
(a committed visit survives a power cut), foreign keys, and a busy timeout
(concurrent taps wait for the write lock instead of failing).
"""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import event

from appkit import migrations

from .extensions import db, migrate


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        # Its triggers, WAL durability, backups and registration's writes are SQLite's.
        raise RuntimeError(f"KIOSK_DATABASE_URL must name an SQLite database, not {engine.url.drivername}")
    busy_ms = int(app.config["KIOSK_SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def migration_heads() -> tuple[set[str], set[str]]:
    """(revisions applied to the database, head revisions shipped with the code)."""
    return migrations.migration_heads(db.engine, migrate)


def migrations_current() -> bool:
    applied, heads = migration_heads()
    return applied == heads


def upgrade() -> None:
    """Apply every migration (what `flask db upgrade` does), for tests and start-up."""
    from flask_migrate import upgrade as alembic_upgrade

    with current_app.app_context():
        alembic_upgrade(directory=migrate.directory)
