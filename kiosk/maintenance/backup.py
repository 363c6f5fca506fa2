"""Backups of the kiosk database: taken online, checked at once, kept by a rotation rule.

`take` copies the live database with SQLite's online backup API in one step:
the copy is one consistent snapshot, and in WAL mode the kiosk keeps
registering while it is read. The copy is made self-contained (rollback
journal, no -wal file), written to a `.partial` name, fsynced, checked with
`PRAGMA integrity_check` and counted, and only then renamed into place beside
a manifest (JSON: when, which kiosk and schema, row counts, the sync counter,
the last sync, the file's SHA-256). `verify` checks a backup against its
manifest again, as restore does before it replaces anything.

The instance secret and the settings go to `secrets/` in the backup folder,
separately from the data and readable by the owner only, because a database
copy should be safe to hand to the office and the secret should not.

`rotate` keeps the newest backup of each of the last `keep_daily` days that
have one and of each of the last `keep_weekly` ISO weeks, and always the
newest; the rest are deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from petition.clock import SHANGHAI, utcnow

# The tables a manifest counts: what a person checking a backup recognises.
COUNTED = ("visit", "person", "case", "group_representative", "material", "print_job",
           "audit_log", "staff_user")
SUFFIX = ".sqlite3"
SECRETS = "secrets"


class BackupError(Exception):
    """A backup that could not be made or does not check out; the message says why."""


@dataclass
class Backup:
    """One backup file and what its manifest says about it."""

    path: Path
    taken_at: datetime
    kiosk_id: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    sync_counter: int = 0
    last_sync_at: str | None = None
    revision: list[str] = field(default_factory=list)
    app_version: str = ""
    sha256: str = ""
    size: int = 0

    @property
    def manifest_path(self) -> Path:
        return manifest_of(self.path)

    def describe(self) -> str:
        """One line for a person choosing a backup (local time, counts, last sync)."""
        when = self.taken_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        synced = self.last_sync_at or "never"
        return (f"{when}  {self.label:<12} visits {self.counts.get('visit', 0):>6}  "
                f"people {self.counts.get('person', 0):>6}  cases {self.counts.get('case', 0):>6}  "
                f"last sync {synced}  {self.path.name}")

    def manifest(self) -> dict:
        data = asdict(self)
        data["path"] = self.path.name
        data["taken_at"] = self.taken_at.isoformat(timespec="seconds")
        return data


def manifest_of(path: Path) -> Path:
    return path.with_suffix(".json")


def database_path(uri: str) -> Path:
    """The file behind a sqlite:/// URL; backups are only for the kiosk's SQLite."""
    if not uri.startswith("sqlite:///"):
        raise BackupError(f"only a SQLite kiosk database can be backed up here, not {uri.split(':')[0]}")
    return Path(uri[len("sqlite:///"):].split("?", 1)[0])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes, mode: int = 0o640) -> None:
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(partial, mode)
    os.replace(partial, path)
    _fsync(path.parent)


def inspect(path: Path) -> dict:
    """integrity_check, row counts, the sync counter and the last sync of a database file."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.execute("PRAGMA mmap_size = 1073741824")  # the check reads every page: map them
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                  for name in COUNTED if name in tables}
        counter = 0
        if "sync_counter" in tables:
            row = connection.execute("SELECT value FROM sync_counter WHERE id = 1").fetchone()
            counter = row[0] if row else 0
        last_sync = None
        if "sync_state" in tables:
            row = connection.execute(
                "SELECT last_success_at FROM sync_state WHERE name = 'agent'").fetchone()
            last_sync = row[0] if row else None
        revision = []
        if "alembic_version" in tables:
            revision = sorted(row[0] for row in connection.execute(
                "SELECT version_num FROM alembic_version"))
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path.name} is not a readable database: {error}") from error
    finally:
        connection.close()
    return {"integrity": integrity, "counts": counts, "sync_counter": counter,
            "last_sync_at": last_sync, "revision": revision}


def take(database: Path, folder: Path, *, kiosk_id: str, label: str = "manual",
         app_version: str = "", now: datetime | None = None) -> Backup:
    """Copy the live database into `folder`, check the copy, and record its manifest."""
    now = now or utcnow()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"kiosk-{kiosk_id}-{stamp}-{label}{SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if not database.is_file():
            raise BackupError(f"there is no database at {database}")
        source = sqlite3.connect(database, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # all pages in one step: one consistent snapshot
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                copy.commit()
            finally:
                copy.close()
        finally:
            source.close()
        os.chmod(partial, 0o640)
        _fsync(partial)
        facts = inspect(partial)
        if facts["integrity"] != ["ok"]:
            raise BackupError(f"the copy fails its integrity check: {'; '.join(facts['integrity'][:5])}")
        os.replace(partial, target)
        _fsync(folder)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup to {folder} failed: {error}") from error
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    backup = Backup(path=target, taken_at=now.astimezone(timezone.utc), kiosk_id=kiosk_id,
                    label=label, counts=facts["counts"], sync_counter=facts["sync_counter"],
                    last_sync_at=facts["last_sync_at"], revision=facts["revision"],
                    app_version=app_version, sha256=_sha256(target), size=target.stat().st_size)
    _write_atomically(backup.manifest_path,
                      json.dumps(backup.manifest(), ensure_ascii=False, indent=2).encode())
    return backup


def load(path: Path) -> Backup:
    """A backup from its manifest (the .json beside the database copy)."""
    try:
        data = json.loads(manifest_of(path).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{path.name} has no readable manifest: {error}") from error
    data["path"] = path
    data["taken_at"] = datetime.fromisoformat(data["taken_at"])
    return Backup(**data)


def listing(folder: Path) -> list[Backup]:
    """Every complete backup in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"kiosk-*{SUFFIX}"):
        if manifest_of(path).exists():
            try:
                found.append(load(path))
            except (BackupError, TypeError, KeyError):
                continue
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def verify(backup: Backup) -> dict:
    """Check a backup again: its file is the one the manifest describes, and it is sound."""
    if not backup.path.exists():
        raise BackupError(f"{backup.path} is missing")
    if _sha256(backup.path) != backup.sha256:
        raise BackupError(f"{backup.path.name} has changed since it was written (SHA-256 differs)")
    facts = inspect(backup.path)
    if facts["integrity"] != ["ok"]:
        raise BackupError(f"{backup.path.name} fails its integrity check")
    if facts["counts"] != backup.counts:
        raise BackupError(f"{backup.path.name}: row counts differ from its manifest")
    return facts


def rotate(folder: Path, *, keep_daily: int, keep_weekly: int,
           dry_run: bool = False) -> list[Backup]:
    """Delete the backups the rule does not keep; return them (or, dry, what would go)."""
    backups = listing(folder)
    keep: set[Path] = set()
    if backups:
        keep.add(backups[0].path)
    for keep_count, key in ((keep_daily, lambda moment: moment.date()),
                            (keep_weekly, lambda moment: moment.isocalendar()[:2])):
        seen: list = []
        for backup in backups:  # newest first: the first of each period is its newest
            period = key(backup.taken_at.astimezone(SHANGHAI))
            if period in seen:
                continue
            if len(seen) >= keep_count:
                break
            seen.append(period)
            keep.add(backup.path)
    doomed = [backup for backup in backups if backup.path not in keep]
    if not dry_run:
        for backup in doomed:
            backup.path.unlink(missing_ok=True)
            backup.manifest_path.unlink(missing_ok=True)
    return doomed


def newest(folder: Path) -> Backup | None:
    backups = listing(folder)
    return backups[0] if backups else None


def save_secrets(folder: Path, files: list[Path]) -> list[Path]:
    """Copy the instance secret and the settings to `folder/secrets/`, owner-only."""
    target = folder / SECRETS
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    written = []
    for source in files:
        if not source.is_file():
            continue
        destination = target / source.name
        _write_atomically(destination, source.read_bytes(), mode=0o600)
        written.append(destination)
    return written


def copy_into_place(backup: Path, database: Path) -> None:
    """Put a backup file where the database lives (the caller has moved the old one aside)."""
    partial = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup, partial)
    _fsync(partial)
    os.replace(partial, database)
    _fsync(database.parent)
