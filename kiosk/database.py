"""SQLite set up so that nothing acknowledged is lost.

Every connection gets WAL (readers never block the writer), synchronous=FULL
(a committed visit survives a power cut), foreign keys, and a busy timeout
(concurrent taps wait for the write lock instead of failing).
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import event

from .extensions import db, migrate


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["KIOSK_SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def shipped_heads() -> set[str]:
    """The head revisions of the migrations that ship with this code (read once per app)."""
    cache = current_app.extensions.setdefault("jiedai.migration_heads", {})
    if "heads" not in cache:
        script = ScriptDirectory.from_config(migrate.get_config())
        cache["heads"] = set(script.get_heads())
    return cache["heads"]


def migration_heads() -> tuple[set[str], set[str]]:
    """(revisions applied to the database, head revisions shipped with the code)."""
    with db.engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    return applied, shipped_heads()


def migrations_current() -> bool:
    applied, heads = migration_heads()
    return applied == heads


def upgrade() -> None:
    """Apply every migration (what `flask db upgrade` does), for tests and start-up."""
    from flask_migrate import upgrade as alembic_upgrade

    with current_app.app_context():
        alembic_upgrade(directory=migrate.directory)
