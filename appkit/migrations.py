"""The apps' Alembic migrations: the environment both run them in, and whether an app's
database is at the migrations its code ships (for both apps' /healthz)."""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

logger = logging.getLogger("alembic.env")


def run_alembic_env() -> None:
    """Run the migrations Alembic asks for, on the current app's database: the whole of each
    app's `migrations/env.py` (Flask-Migrate's generated script, kept here once for both)."""
    config = context.config
    fileConfig(config.config_file_name, disable_existing_loggers=False)
    db = current_app.extensions["migrate"].db
    # Alembic's ini interpolation reads "%" as its own, so a password's "%" is doubled.
    config.set_main_option(
        "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    if context.is_offline_mode():
        _run_offline(config, db.metadata)
    else:
        _run_online(config, db)


def _run_offline(config, metadata) -> None:
    """Emit the migrations' SQL as a script, from the URL alone (no connection)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_online(config, db) -> None:
    """Run the migrations on a connection of the app's engine."""

    def process_revision_directives(_context, _revision, directives):
        # `flask db migrate` with no change in the models writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


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
