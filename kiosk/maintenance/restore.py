"""Restore a backup: check it, ask the office what it holds, replace, reconcile, report.

Nothing is replaced until the backup has checked out again and (when the
kiosk syncs) the office has answered: a restore that cannot finish changes
nothing. The replaced database (with its -wal and -shm) is kept aside in
`instance/replaced/<time>/`; its unsynced rows are what a restore may lose,
and the report counts them (visits by ticket number, for the window). The
report goes to the command's output, to `instance/logs/`, to the audit log
and so onto the console.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask

from petition.clock import SHANGHAI, local_date, utcnow
from sync import protocol

from . import backup as backups
from . import backup_folder, database_file, exclusive_instance, logs_folder, reconcile

AUDIT_ACTION = "restore"


@dataclass
class Report:
    backup: backups.Backup
    replaced_to: Path | None
    outcome: reconcile.Outcome

    def lines(self) -> list[str]:
        taken = self.backup.taken_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        out = [f"restored the backup of {taken} ({self.backup.path.name})"]
        if self.replaced_to:
            out.append(f"the replaced database is kept in {self.replaced_to}")
        outcome = self.outcome
        if outcome.reconciled_with_office:
            out.append(f"sync: {sum(outcome.resend.values())} records will be sent to the office, "
                       f"{sum(outcome.office_only.values())} made after the backup are kept at the "
                       f"office only, {sum(outcome.superseded.values())} changed after it keep the "
                       f"office's newer copy")
        else:
            out.append("sync: not checked with the office (offline); the next sync may send "
                       "records again, which the office ignores")
        out.append(f"change counter now {outcome.counter}")
        out.append(self.lost_sentence())
        return out

    def lost_sentence(self) -> str:
        lost = self.outcome.lost
        if lost is None:
            return ("LOST: unknown: the replaced database could not be read, so records made "
                    "after the backup that never reached the office cannot be counted")
        total = sum(lost.values())
        if total == 0:
            return "lost: nothing; every record made after the backup reached the office"
        parts = ", ".join(f"{table} {count}" for table, count in lost.items() if count)
        tickets = ", ".join(self.outcome.lost_tickets[:50])
        return (f"LOST: {total} records made after the backup never reached the office ({parts})"
                + (f"; visits with tickets {tickets}" if tickets else ""))

    def audit_text(self) -> str:
        """Counts and ticket numbers only, never personal data."""
        return "; ".join(self.lines()[0:1] + self.lines()[2:])


class RestoreError(Exception):
    """A restore that did not happen; nothing was changed. The message says why."""


def choose(app: Flask, name: str | None) -> backups.Backup:
    """The backup named (file name or path), or the newest one."""
    folder = backup_folder(app)
    found = backups.listing(folder)
    if name:
        path = Path(name)
        if not path.is_absolute():
            path = folder / path.name
        for candidate in found:
            if candidate.path == path or candidate.path.name == path.name:
                return candidate
        if path.exists():
            return backups.load(path)
        raise RestoreError(f"no backup {name!r} in {folder}; see `flask --app kiosk backup list`")
    if not found:
        raise RestoreError(f"there is no backup in {folder}")
    return found[0]


def _ask_office(app: Flask, question: dict) -> dict:
    from ..sync_agent.agent import Client, SyncError

    try:
        client = Client.from_config(app.config)
        body = protocol.pack({"kiosk_id": app.config["KIOSK_ID"], **question})
        return client.request("POST", protocol.ACKNOWLEDGED_PATH, body, gzipped=True)
    except SyncError as error:
        raise RestoreError(f"the office could not be asked what it holds: {error.message}. "
                           f"Nothing was changed. Try again when the network is back, or "
                           f"restore with --offline.") from error


def _move_aside(database: Path, now: datetime) -> Path | None:
    if not database.exists():
        return None
    aside = database.parent / "replaced" / now.strftime("%Y%m%dT%H%M%SZ")
    aside.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        part = database.with_name(database.name + suffix)
        if part.exists():
            shutil.move(part, aside / part.name)
    return aside


def restore(app: Flask, chosen: backups.Backup, *, offline: bool = False,
            now: datetime | None = None) -> Report:
    """Replace the kiosk's database with `chosen` and reconcile (the CLI has asked first)."""
    from ..sync_agent.agent import configured

    now = now or utcnow()
    database = database_file(app)
    with exclusive_instance(app):
        try:
            backups.verify(chosen)
        except backups.BackupError as error:
            raise RestoreError(f"the backup does not check out: {error}; nothing was changed") from error
        since = local_date(chosen.taken_at).isoformat()
        restored = reconcile.snapshot(chosen.path, since=since)
        try:
            replaced = reconcile.snapshot(database, since=since) if database.exists() else None
        except sqlite3.DatabaseError:
            replaced = None  # a broken database: lost records cannot be counted
        office = None
        if not offline and configured(app.config):
            office = _ask_office(app, reconcile.office_question(restored, replaced, since=since))
        from ..extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        aside = _move_aside(database, now)
        backups.copy_into_place(chosen.path, database)
        outcome = reconcile.apply(database, app.config["KIOSK_ID"], restored, replaced, office)
        if replaced is None and aside is None:
            outcome.lost = {}
        report = Report(chosen, aside, outcome)
    _record(app, report, now)
    return report


def _record(app: Flask, report: Report, now: datetime) -> None:
    from .. import audit
    from ..extensions import db

    with app.app_context():
        audit.record("system", AUDIT_ACTION, "database", None, {"report": (None, report.audit_text())},
                     now=now)
        db.session.commit()
        db.session.remove()
    folder = logs_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (folder / f"restore-{stamp}.log").write_text("\n".join(report.lines()) + "\n")


def preview(chosen: backups.Backup) -> list[str]:
    """What the restore will put back, for the person to confirm."""
    taken = chosen.taken_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    counts = ", ".join(f"{table} {count}" for table, count in chosen.counts.items())
    return [f"backup:    {chosen.path}",
            f"taken:     {taken} (Asia/Shanghai), {chosen.label}",
            f"contains:  {counts}",
            f"last sync: {chosen.last_sync_at or 'never'} (UTC)",
            f"schema:    {', '.join(chosen.revision) or '?'}; app {chosen.app_version or '?'}"]
