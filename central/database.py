"""The central database: SQLite set up for concurrent pushes, or PostgreSQL as it comes.

SQLite (the default, for trying things out) gets WAL and a busy timeout so
several kiosks pushing at once wait for the write lock instead of failing.
"""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import event

from .extensions import db, migrate


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()


def upgrade() -> None:
    """Apply every central migration (what `flask --app central db upgrade` does)."""
    from flask_migrate import upgrade as alembic_upgrade

    with current_app.app_context():
        alembic_upgrade(directory=migrate.directory)
