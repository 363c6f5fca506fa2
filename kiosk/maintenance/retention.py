"""Retention: a kiosk in a public hall keeps personal data only while it needs it.

A person's name, ID number, phone and address are removed from the kiosk once
every case of theirs was closed at the office more than KIOSK_RETENTION_DAYS
ago (the closing reaches the kiosk through the sync pull); a group's
representatives likewise. The office keeps its record: the purge changes no
`version`, so nothing is sent, and only rows the office has acknowledged are
purged, so no pending change can carry empty fields to it. Triggers (migration
0007_retention) refuse any later change or delete of a purged row.

Print previews, log files and backups older than their settings go too. Every
purge writes one audit row with the counts, never the data; `dry_run` counts
and changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import and_, exists, not_, or_, select, update

from petition import lifecycle
from petition.clock import local_date

from .. import audit
from ..extensions import db
from ..models import Case, GroupRepresentative, Person, Visit
from ..sync_agent.records import SyncState
from . import backup as backups
from . import backup_folder, instance, logs_folder

PERSONAL = ("name", "id_number", "phone", "address")
REPRESENTATIVE = ("name", "id_number", "phone")
AUDIT_ACTION = "purge"


@dataclass
class PurgeResult:
    people: int = 0
    representatives: int = 0
    waiting_for_sync: int = 0
    previews: int = 0
    logs: int = 0
    backups: int = 0
    dry_run: bool = False

    def counts(self) -> str:
        return (f"people {self.people}, representatives {self.representatives}, print previews "
                f"{self.previews}, log files {self.logs}, backups {self.backups}")

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        out = [f"{verb}: personal data of {self.people} people and {self.representatives} "
               f"representatives; {self.previews} print previews, {self.logs} log files, "
               f"{self.backups} backups"]
        if self.waiting_for_sync:
            out.append(f"kept for now: {self.waiting_for_sync} eligible people have changes the "
                       f"office has not acknowledged yet (they go after the next sync)")
        if self.dry_run:
            out.append("dry run: nothing was changed")
        return out


def _closed_before(cutoff) -> object:
    """The office closed the case on or before `cutoff`, and it is still closed (no review or
    re-examination asked for since: petition.lifecycle derives the status from both sides)."""
    return and_(Case.status == lifecycle.Status.CLOSED, Case.office_closed_on.is_not(None),
                Case.office_closed_on <= cutoff)


def _acked(name: str) -> int:
    state = db.session.get(SyncState, name)
    return state.acked_seq if state else 0


def eligible_people(cutoff, *, acknowledged: bool = True):
    """People with at least one case, every one of them (and of their visits) closed long enough."""
    open_case = exists().where(Case.person_id == Person.id, not_(_closed_before(cutoff)))
    any_case = exists().where(Case.person_id == Person.id)
    open_visit = exists().where(
        Visit.person_id == Person.id,
        or_(Visit.case_id.is_(None),
            not_(exists().where(Case.id == Visit.case_id, _closed_before(cutoff)))))
    query = select(Person.id).where(Person.personal_data_removed_on.is_(None), any_case,
                                    ~open_case, ~open_visit)
    if acknowledged:
        query = query.where(Person.sync_seq <= _acked("person"))
    return query


def eligible_representatives(cutoff):
    closed_visit = exists().where(Visit.id == GroupRepresentative.visit_id,
                                  exists().where(Case.id == Visit.case_id, _closed_before(cutoff)))
    return select(GroupRepresentative.id).where(
        GroupRepresentative.personal_data_removed_on.is_(None), closed_visit,
        GroupRepresentative.sync_seq <= _acked("group_representative"))


def _old_files(folder: Path, days: int, now_epoch: float, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    horizon = now_epoch - days * 86400
    return [path for path in folder.glob(pattern) if path.is_file() and path.stat().st_mtime < horizon]


def purge(app: Flask, *, now: datetime, dry_run: bool = False) -> PurgeResult:
    """Apply the retention rules (see the module's docstring); commit with one audit row."""
    config = app.config
    today = local_date(now)
    cutoff = today - timedelta(days=config["KIOSK_RETENTION_DAYS"])
    result = PurgeResult(dry_run=dry_run)
    people = list(db.session.scalars(eligible_people(cutoff)))
    every = list(db.session.scalars(eligible_people(cutoff, acknowledged=False)))
    representatives = list(db.session.scalars(eligible_representatives(cutoff)))
    result.people, result.representatives = len(people), len(representatives)
    result.waiting_for_sync = len(every) - len(people)
    now_epoch = now.timestamp() if now.tzinfo else time.time()
    previews = _old_files(instance(app) / "prints", config["KIOSK_PRINT_PREVIEW_DAYS"], now_epoch)
    logs = _old_files(logs_folder(app), config["KIOSK_LOG_DAYS"], now_epoch)
    result.previews, result.logs = len(previews), len(logs)
    folder = backup_folder(app)
    doomed = backups.rotate(folder, keep_daily=config["KIOSK_BACKUP_KEEP_DAILY"],
                            keep_weekly=config["KIOSK_BACKUP_KEEP_WEEKLY"], dry_run=True)
    result.backups = len(doomed)
    if dry_run:
        db.session.rollback()
        return result
    # No `version` change: the office keeps its copy and nothing is sent.
    for start in range(0, len(people), 500):
        db.session.execute(
            update(Person).where(Person.id.in_(people[start:start + 500]))
            .values(**{field: None for field in PERSONAL}, personal_data_removed_on=today,
                    updated_at=Person.updated_at).execution_options(synchronize_session=False))
    for start in range(0, len(representatives), 500):
        db.session.execute(
            update(GroupRepresentative).where(GroupRepresentative.id.in_(representatives[start:start + 500]))
            .values(**{field: None for field in REPRESENTATIVE}, personal_data_removed_on=today,
                    updated_at=GroupRepresentative.updated_at)
            .execution_options(synchronize_session=False))
    audit.record("system", AUDIT_ACTION, "retention", None, {"counts": (None, result.counts())}, now=now)
    db.session.commit()
    for path in previews + logs:
        path.unlink(missing_ok=True)
    backups.rotate(folder, keep_daily=config["KIOSK_BACKUP_KEEP_DAILY"],
                   keep_weekly=config["KIOSK_BACKUP_KEEP_WEEKLY"])
    return result
