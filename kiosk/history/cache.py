"""A generated history made once and kept: tests and benches copy the file instead of waiting.

The file's name carries everything that changes what `generate` makes: the
generator's VERSION, the migrations' head, the plan and the last day; a file
that is there is reused as it is.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .hall import generate

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


def migrations_head() -> str:
    """The migrations' head and a digest of every migration script (no database needed):
    a migration changed or re-chained under the same head makes another name."""
    import hashlib

    from alembic.script import ScriptDirectory

    digest = hashlib.sha1()
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes())
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    return "+".join(sorted(heads)) + "-" + digest.hexdigest()[:8]


def cached(folder: Path, plan: str, config: Callable[[Path], dict], *, days: int, per_day: int,
           seed: int, today: date, accounts: tuple[tuple[str, str, str], ...] = ()) -> tuple[Path, bool]:
    """(the database file of this history, whether it was already there).

    `config(instance)` is the app's configuration for an instance folder;
    `accounts` are (username, password, role) added before the history.
    """
    from kiosk import create_app
    from kiosk.auth import operations as staff
    from kiosk.database import upgrade
    from kiosk.extensions import db

    from . import VERSION

    path = folder / f"kiosk-v{VERSION}-{migrations_head()}-{plan}-{days}x{per_day}-s{seed}-{today}.sqlite3"
    if path.exists():
        return path, True
    work = folder / f"making-{plan}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    app = create_app(config(work))
    with app.app_context():
        upgrade()
        for username, password, role in accounts:
            staff.create_user(username, password, role)
        db.session.commit()
    generate(app, days=days, per_day=per_day, seed=seed, today=today)
    with app.app_context():
        db.engine.dispose()
    with sqlite3.connect(work / "kiosk.sqlite3") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(work / "kiosk.sqlite3", path)
    shutil.rmtree(work, ignore_errors=True)
    return path, False
