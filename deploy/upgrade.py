"""Upgrade a running kiosk (or the office) to a newer checkout, or roll back to where it was.

Kiosk: the new code becomes a release beside the old one (with its own
virtualenv); then backup, stop, switch `current`, migrate, start, /healthz.
If the migration or the health check fails: stop, put the backup back, switch
`current` back to the previous release, start, check again. The office: the
same with `pg_dump` before migrating and `pg_restore` to roll back.

What starts and stops the server is a `Service`: systemd on a real machine,
a plain process in the upgrade drill (tests/maintenance/test_upgrade.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Protocol

from . import INSTANCE, OFFICE_BACKUPS, SETTINGS, Root, files
from .install import read_settings


PATH_SETTINGS = ("KIOSK_INSTANCE_PATH", "KIOSK_BACKUP_DIR", "KIOSK_SETTINGS_FILE", "KIOSK_SPEECH_DIR")


class UpgradeFailed(Exception):
    """The upgrade did not take; `rolled_back` says whether the old version serves again."""

    def __init__(self, message: str, *, rolled_back: bool):
        super().__init__(message)
        self.rolled_back = rolled_back


class Service(Protocol):
    def stop(self) -> None: ...
    def start(self) -> None: ...


@dataclass
class Systemd:
    unit: str

    def stop(self) -> None:
        subprocess.run(["systemctl", "stop", self.unit], check=True)

    def start(self) -> None:
        subprocess.run(["systemctl", "start", self.unit], check=True)


def healthy(url: str, *, timeout: float = 60.0, want_ok: bool = True) -> bool:
    """Poll `url` until it answers 200 (and, for /healthz, "ok": true) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as answer:
                body = answer.read()
                if answer.status == 200 and (not want_ok or json.loads(body).get("ok") is True):
                    return True
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
    return False


@dataclass
class Kiosk:
    """How to run the installed kiosk's commands: its settings, user and interpreter."""

    root: Root
    user: str | None = "jiedai"
    python: Callable[[Path], Path] = lambda release: release / ".venv" / "bin" / "python"
    log: list[str] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("KIOSK_")}
        env.update(read_settings(self.root(SETTINGS)))
        env.setdefault("KIOSK_INSTANCE_PATH", str(INSTANCE))
        for name in PATH_SETTINGS:  # under --root, the kiosk's folders are inside it too
            if env.get(name):
                env[name] = str(self.root(env[name]))
        return env

    def flask(self, release: Path, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.python(release)), "-m", "flask", "--app", "kiosk", *args]
        if self.user and self.root.real:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, cwd=release, env=self.environment(), capture_output=True,
                              text=True)
        self.log.append(f"$ flask --app kiosk {' '.join(args)} (exit {done.returncode})\n"
                        f"{done.stdout}{done.stderr}")
        return done


def _database(env: dict[str, str]) -> Path:
    url = env.get("KIOSK_DATABASE_URL") or ""
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else \
        Path(env["KIOSK_INSTANCE_PATH"]) / "kiosk.sqlite3"


def _put_back(backup: Path, database: Path) -> None:
    """The pre-upgrade backup in place of the database (the server is stopped)."""
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    partial = database.with_name(database.name + ".rollback")
    partial.write_bytes(backup.read_bytes())
    os.replace(partial, database)


@dataclass
class _Drill:
    """What differs between upgrading a kiosk and the office; `_switch` does the rest."""

    what: str                                   # "backup" or "dump", for the messages
    save: Callable[[Path], Path]                # before migrating (the previous release runs it)
    migrate: Callable[[Path], subprocess.CompletedProcess]
    put_back: Callable[[Path], bool]            # the saved data in place again; whether it worked
    log: list[str]
    want_ok: bool = True                        # /healthz must say "ok": true


def _switch(checkout: Path, root: Root, service: Service, drill: _Drill, *, health_url: str,
            prepare: Callable[[Path], None], timeout: float) -> Path:
    """Save, stop, switch `current`, migrate, start, check; on any failure put it all back."""
    current = root.current()
    previous = current.resolve()
    changes = files.Changes()
    new = files.release(checkout, root, changes)
    if new == previous:
        drill.log.append("this code is already installed; nothing to upgrade")
        return new
    prepare(new)
    saved = drill.save(previous)
    service.stop()
    files.symlink(current, str(Path("releases") / new.name), changes)
    migrated = drill.migrate(new)
    if migrated.returncode == 0:
        service.start()
        if healthy(health_url, timeout=timeout, want_ok=drill.want_ok):
            drill.log.append(f"upgraded to {new.name}")
            return new
        reason = f"{health_url} did not answer ok within {timeout:.0f} s"
        service.stop()
    else:
        reason = f"the migration failed: {migrated.stderr.strip().splitlines()[-1:]}"
    # Roll back: the data as it was before migrating, the code as it was.
    restored = drill.put_back(saved)
    files.symlink(current, str(Path("releases") / previous.name), changes)
    service.start()
    back = restored and healthy(health_url, timeout=timeout, want_ok=drill.want_ok)
    drill.log.append(f"rolled back to {previous.name} and the {drill.what} {saved.name}: "
                     f"{'serving again' if back else 'NOT serving: call support'}")
    raise UpgradeFailed(f"{reason}; rolled back to {previous.name} with the {drill.what} {saved}",
                        rolled_back=back)


def upgrade_kiosk(checkout: Path, kiosk: Kiosk, service: Service, *, health_url: str,
                  prepare: Callable[[Path], None], timeout: float = 60.0) -> Path:
    """Upgrade to `checkout`; return the new release, or raise UpgradeFailed after rolling back."""

    def save(previous: Path) -> Path:
        made = kiosk.flask(previous, "backup", "create", "--label", "pre-migrate")
        if made.returncode != 0:
            raise UpgradeFailed(f"no upgrade without a backup: {made.stdout}{made.stderr}",
                                rolled_back=True)
        return Path(made.stdout.split("integrity ok): ", 1)[1].splitlines()[0].strip())

    def put_back(backup: Path) -> bool:
        _put_back(backup, _database(kiosk.environment()))
        return True

    drill = _Drill("backup", save, lambda new: kiosk.flask(new, "db", "upgrade"), put_back, kiosk.log)
    return _switch(checkout, kiosk.root, service, drill, health_url=health_url, prepare=prepare,
                   timeout=timeout)


@dataclass
class Office:
    """The office app: its database URL, how to run its commands, where dumps go."""

    root: Root
    database_url: str
    python: Callable[[Path], Path] = lambda release: release / ".venv" / "bin" / "python"
    env: dict[str, str] = field(default_factory=dict)
    dumps: Path = OFFICE_BACKUPS
    log: list[str] = field(default_factory=list)

    def libpq_url(self) -> str:
        return self.database_url.replace("postgresql+psycopg://", "postgresql://")

    def run(self, command: list[str], **kw) -> subprocess.CompletedProcess:
        done = subprocess.run(command, capture_output=True, text=True, **kw)
        self.log.append(f"$ {' '.join(command[:3])} … (exit {done.returncode})\n{done.stderr}")
        return done


def upgrade_office(checkout: Path, office: Office, service: Service, *, health_url: str,
                   prepare: Callable[[Path], None], timeout: float = 60.0) -> Path:
    """Upgrade the office app: pg_dump, stop, switch, migrate, start, check; or roll back."""

    def save(_previous: Path) -> Path:
        office.dumps.mkdir(parents=True, exist_ok=True)
        dump = office.dumps / f"central-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.dump"
        dumped = office.run(["pg_dump", "--format=custom", f"--file={dump}", office.libpq_url()])
        if dumped.returncode != 0:
            raise UpgradeFailed(f"no upgrade without a dump: {dumped.stderr.strip()}", rolled_back=True)
        return dump

    def migrate(new: Path) -> subprocess.CompletedProcess:
        env = {**os.environ, **office.env, "CENTRAL_DATABASE_URL": office.database_url}
        return office.run([str(office.python(new)), "-m", "flask", "--app", "central", "db", "upgrade"],
                          cwd=new, env=env)

    def put_back(dump: Path) -> bool:
        return office.run(["pg_restore", "--clean", "--if-exists", "--single-transaction",
                           f"--dbname={office.libpq_url()}", str(dump)]).returncode == 0

    drill = _Drill("dump", save, migrate, put_back, office.log, want_ok=False)
    return _switch(checkout, office.root, service, drill, health_url=health_url, prepare=prepare,
                   timeout=timeout)


def make_install(release: Path) -> None:
    """The release's own virtualenv, catalogs and dictionary (`make install` in it)."""
    subprocess.run(["make", "-C", str(release), "install", "PYTHON=python3"], check=True)
