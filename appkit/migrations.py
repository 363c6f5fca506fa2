"""Whether an app's database is at the migrations its code ships: for both apps' /healthz."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app


def shipped_heads(migrate) -> set[str]:
    """The head revisions of the migrations that ship with this code (read once per app)."""
    cache = current_app.extensions.setdefault("jiedai.migration_heads", {})
    if "heads" not in cache:
        cache["heads"] = set(ScriptDirectory.from_config(migrate.get_config()).get_heads())
    return cache["heads"]


def migration_heads(engine, migrate) -> tuple[set[str], set[str]]:
    """(revisions applied to the database, head revisions shipped with the code)."""
    with engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    return applied, shipped_heads(migrate)
