"""Looking after a kiosk in the field: backups, restore, retention, health, speech clips.

- backup.py: online backups of the database, checked at once, kept by rotation;
- restore.py and reconcile.py: put a backup back and make the sync state true;
- retention.py: personal data removed once the office has closed a case long enough;
- health.py: what /healthz, the console and the office see (printer, reader, disk, backup, clock);
- storage.py: a full disk refuses a registration cleanly, with a banner on the console;
- cli.py: `flask --app kiosk backup …`, `restore`, `purge`, `migrate`, `speech build`.

The kiosk server holds a shared lock on `instance/kiosk.lock` while it runs, so
a restore (which needs the database to itself) can tell that it must wait.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

from flask import Flask

from .backup import database_path

LOCK_NAME = "kiosk.lock"
_EXTENSION = "jiedai.server_lock"


def init_app(app: Flask) -> None:
    from . import cli, storage

    cli.init_app(app)
    storage.init_app(app)

    @app.context_processor
    def _banners():
        from .health import banners

        return {"maintenance_banners": banners}


def instance(app: Flask) -> Path:
    return Path(app.instance_path)


def database_file(app: Flask) -> Path:
    return database_path(app.config["SQLALCHEMY_DATABASE_URI"])


def backup_folder(app: Flask) -> Path:
    configured = app.config["KIOSK_BACKUP_DIR"]
    return Path(configured) if configured else instance(app) / "backups"


def logs_folder(app: Flask) -> Path:
    return instance(app) / "logs"


def hold_server_lock(app: Flask) -> None:
    """Taken by a serving kiosk for its whole life (waits while a restore runs)."""
    if _EXTENSION in app.extensions:
        return
    handle = open(instance(app) / LOCK_NAME, "a+")
    fcntl.flock(handle, fcntl.LOCK_SH)
    app.extensions[_EXTENSION] = handle


class ServerRunning(Exception):
    """The kiosk server is running; the database cannot be replaced under it."""


class exclusive_instance:
    """Have the instance to ourselves: no kiosk server may be running or start meanwhile."""

    def __init__(self, app: Flask):
        self.path = instance(app) / LOCK_NAME
        self.handle = None

    def __enter__(self):
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            self.handle.close()
            raise ServerRunning(
                "the kiosk server is running: stop it first (sudo systemctl stop jiedai-kiosk), "
                "or use `sudo jiedai restore`, which does") from error
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
