"""What a kiosk says about its own health: to /healthz, to the console, to the office.

One summary (`summary`): the printer's last status (from the last finished
print job, since the print worker owns the port), whether the card reader is
there, free disk space, the last backup's age and the app version. The sync
agent sends it to the office at the end of every sync (`send`); a refusal of
the kiosk's clock is remembered (`note_refusal`) so the console can say what
to do about it.
The console's banners (`banners`) come from the same facts.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import datetime

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from petition.clock import utcnow
from sync import protocol

from ..extensions import db
from ..models import AuditEntry, PrintJob
from ..printing.states import FINISHED, JobStatus
from ..sync_agent.records import SyncState
from . import backup as backups
from . import backup_folder, database_file

log = logging.getLogger("jiedai.health")
CLOCK_STATE = "clock"
RESTORE_SHOWN_DAYS = 14
_CACHE = "jiedai.health_cache"
CACHE_SECONDS = 30.0


def _printer() -> dict:
    # The last of each outcome, each read backwards on ix_print_job_status_updated_at
    # (one query over both statuses would sort every finished job ever).
    last = [db.session.scalars(select(PrintJob).where(PrintJob.status == status)
                               .order_by(PrintJob.updated_at.desc()).limit(1)).first()
            for status in FINISHED]
    job = max((job for job in last if job is not None), key=lambda job: job.updated_at, default=None)
    if job is None:
        return {"status": "unknown"}
    return {"status": job.status, "error": job.error if job.status == JobStatus.FAILED else None,
            "at": job.updated_at.isoformat(timespec="seconds")}


def _card_reader(config) -> dict:
    url = config["KIOSK_CARD_READER_URL"]
    if not url:
        return {"status": "none"}
    if url.startswith("/"):
        import os

        return {"status": "present" if os.path.exists(url) else "missing"}
    return {"status": "configured"}  # a network reader is only known by using it


def disk(app: Flask) -> dict:
    folder = database_file(app).parent
    usage = shutil.disk_usage(folder)
    free_mb = usage.free // (1024 * 1024)
    return {"free_mb": free_mb, "total_mb": usage.total // (1024 * 1024),
            "low": free_mb < app.config["KIOSK_DISK_LOW_MB"]}


def last_backup(app: Flask, now: datetime) -> dict:
    """The newest backup's time and age (looked up at most every 30 s: it reads manifests)."""
    cache = app.extensions.setdefault(_CACHE, {})
    if cache.get("at", 0) + CACHE_SECONDS < time.monotonic():
        cache.update(at=time.monotonic(), newest=backups.newest(backup_folder(app)))
    newest = cache["newest"]
    if newest is None:
        return {"last_at": None, "age_hours": None, "stale": True}
    age = round((now - newest.taken_at).total_seconds() / 3600, 1)
    return {"last_at": newest.taken_at.isoformat(timespec="seconds"), "age_hours": age,
            "stale": age > app.config["KIOSK_BACKUP_MAX_AGE_HOURS"]}


def forget_cached_backup(app: Flask) -> None:
    app.extensions.get(_CACHE, {}).clear()


def summary(app: Flask | None = None, now: datetime | None = None) -> dict:
    app = app or current_app._get_current_object()
    now = now or utcnow()
    return {"version": app.config["APP_VERSION"], "kiosk_id": app.config["KIOSK_ID"],
            "printer": _printer(), "card_reader": _card_reader(app.config), "disk": disk(app),
            "backup": last_backup(app, now)}


def clock_problem() -> str | None:
    """The office's last refusal of this kiosk's clock, while it stands."""
    state = db.session.get(SyncState, CLOCK_STATE)
    return state.last_error if state is not None and state.last_error else None


def _note_clock(message: str | None) -> None:
    state = db.session.get(SyncState, CLOCK_STATE)
    if state is None:
        state = SyncState(name=CLOCK_STATE, acked_seq=0)
        db.session.add(state)
    state.last_error, state.last_error_at = message, utcnow() if message else None
    db.session.commit()


def send(client, app: Flask | None = None) -> None:
    """Send the summary to the office (at the end of every sync). The office's clock check
    passed, so a clock refusal noted earlier is over. An office that cannot take the summary
    (an older version) does not fail the sync: the records went through."""
    from ..sync_agent.agent import SyncError

    app = app or current_app._get_current_object()
    body = protocol.pack(summary(app))
    db.session.rollback()
    if clock_problem():
        _note_clock(None)
    try:
        client.request("POST", protocol.HEALTH_PATH, body, gzipped=True)
    except SyncError as error:
        log.warning("the office did not take the health summary: %s", error.message)


def note_refusal(error) -> None:
    """Remember the office's refusal of this kiosk's clock, for the console."""
    if getattr(error, "code", None) == "clock_skew":
        _note_clock(error.message)


def _recent_restore(now: datetime) -> AuditEntry | None:
    from datetime import timedelta

    from .restore import AUDIT_ACTION

    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION,
                                 AuditEntry.at > now - timedelta(days=RESTORE_SHOWN_DAYS))
        .order_by(AuditEntry.at.desc()).limit(1)).first()


def _report_of(entry: AuditEntry) -> str:
    # Rows written before the compact log (0013_compact_audit) keep the report under no field.
    before_after = entry.fields.get("report") or entry.fields.get("") or (None, "")
    return before_after[1] or ""


def banners(app: Flask | None = None) -> list[tuple[str, str]]:
    """(level, sentence) for the console: full disk, clock refused, stopped backups, a restore."""
    from .storage import disk_full_recently

    app = app or current_app._get_current_object()
    now = utcnow()
    found: list[tuple[str, str]] = []
    space = disk(app)
    if disk_full_recently(app) or space["free_mb"] < 1:
        found.append(("error", _("The kiosk's disk is full: registrations are refused until space "
                                 "is freed. Call the district's support now.")))
    elif space["low"]:
        found.append(("error", _("The kiosk's disk is almost full (%(mb)d MB free). Call the "
                                 "district's support before registrations stop.",
                                 mb=space["free_mb"])))
    clock = clock_problem()
    if clock:
        found.append(("error", _("The central office refuses this kiosk's clock: %(reason)s What "
                                 "to do: make sure the kiosk reaches the network's time server "
                                 "(timedatectl timesync-status), or set the time by hand (sudo "
                                 "timedatectl set-time 'YYYY-MM-DD HH:MM:SS'); then press Sync "
                                 "now.", reason=clock)))
    backup = last_backup(app, now)
    if backup["stale"]:
        found.append(("warning", _("No backup for %(hours)s hours: check the backup disk or USB "
                                   "stick (flask --app kiosk backup create).",
                                   hours=backup["age_hours"]) if backup["age_hours"] is not None
                      else _("No backup has been made yet (flask --app kiosk backup create).")))
    restored = _recent_restore(now)
    if restored is not None:
        found.append(("warning", _("The database was restored from a backup: %(report)s",
                                   report=_report_of(restored))))
    return found
