"""The upgrade drill: a kiosk filled by the landed code is upgraded by the upgrade command;
a release whose migration fails is rolled back to the backup and the previous code, and serves."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from deploy import Root, files
from deploy.install import gather, install
from deploy.upgrade import Kiosk, UpgradeFailed, upgrade_kiosk
from tests.support.apps import free_port

CHECKOUT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.slow

def migration(revision: str, down_revision: str, upgrade: str, downgrade: str = "pass") -> str:
    """An Alembic migration file for the drills."""
    return f'''"""Drill: {revision}.

Revision ID: {revision}
Revises: {down_revision}
"""
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade():
    {upgrade}


def downgrade():
    {downgrade}
'''


def drill(head: str) -> str:
    """A harmless change."""
    return migration("0099_drill", head,
                     'op.create_table("drill_note", sa.Column("id", sa.Integer(), primary_key=True))',
                     'op.drop_table("drill_note")')


def failing(revision: str, head: str, table: str) -> str:
    """A migration that fails halfway, after it changed `table`."""
    return migration(revision, head,
                     f'op.add_column("{table}", sa.Column("broken", sa.Integer(), nullable=True))\n'
                     '    raise RuntimeError("this migration fails on purpose")')


class Process:
    """The kiosk server as systemd would run it: `python run.py` in /opt/jiedai/current."""

    def __init__(self, kiosk: Kiosk, port: int):
        self.kiosk, self.port, self.process = kiosk, port, None

    def start(self) -> None:
        release = self.kiosk.root.current().resolve()
        self.process = subprocess.Popen(
            [sys.executable, "run.py", "--port", str(self.port)], cwd=release,
            env=self.kiosk.environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


def checkout_with(tmp_path: Path, name: str, migrations: dict[str, str]) -> Path:
    """A copy of this checkout with extra migrations: the "newer code" of the drill."""
    target = tmp_path / name
    for source in files.tracked_files(CHECKOUT):
        destination = target / source.relative_to(CHECKOUT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    for filename, text in migrations.items():
        (target / "migrations" / "versions" / filename).write_text(text)
    return target


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
        return json.loads(answer.read())


def visits(kiosk: Kiosk) -> int:
    database = Path(kiosk.environment()["KIOSK_INSTANCE_PATH"]) / "kiosk.sqlite3"
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT COUNT(*) FROM visit").fetchone()[0]
    finally:
        connection.close()


def test_upgrade_drill(tmp_path):
    root = Root(tmp_path / "root")
    install(CHECKOUT, gather({"kiosk_id": "drill-1", "office_name": "演练接待室", "sync_url": "",
                              "sync_key": ""}, root, interactive=False), root)
    kiosk = Kiosk(root, user=None, python=lambda release: Path(sys.executable))
    landed = root.current().resolve()
    (tmp_path / "root/var/lib/jiedai").mkdir(parents=True)
    # The landed code makes and fills the database, and serves it.
    assert kiosk.flask(landed, "db", "upgrade").returncode == 0
    assert kiosk.flask(landed, "demo-data", "--visits", "25", "--seed", "7").returncode == 0
    port = free_port()
    service = Process(kiosk, port)
    service.start()
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        head = ScriptDirectory(str(CHECKOUT / "migrations")).get_current_head()
        newer = checkout_with(tmp_path, "newer", {"0099_drill.py": drill(head)})
        release = upgrade_kiosk(newer, kiosk, service, health_url=url, prepare=lambda _r: None,
                                timeout=30)
        assert root.current().resolve() == release != landed
        assert health(port)["migration_revision"] == ["0099_drill"] and health(port)["ok"]
        assert visits(kiosk) == 25
        backups = list((tmp_path / "root/var/backups/jiedai").glob("*-pre-migrate.sqlite3"))
        assert len(backups) == 1

        broken = checkout_with(tmp_path, "broken", {
            "0099_drill.py": drill(head), "0100_broken.py": failing("0100_broken", "0099_drill", "visit")})
        with pytest.raises(UpgradeFailed, match="the migration failed") as failed:
            upgrade_kiosk(broken, kiosk, service, health_url=url, prepare=lambda _r: None, timeout=30)
        assert failed.value.rolled_back
        # The previous code serves the database as the backup had it.
        assert root.current().resolve() == release
        assert health(port)["migration_revision"] == ["0099_drill"] and health(port)["ok"]
        assert visits(kiosk) == 25
        connection = sqlite3.connect(tmp_path / "root/var/lib/jiedai/kiosk.sqlite3")
        columns = [row[1] for row in connection.execute("PRAGMA table_info(visit)")]
        assert "broken" not in columns
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            assert page.status == 200
        assert "rolled back" in kiosk.log[-1]
    finally:
        service.stop()


class OfficeProcess:
    def __init__(self, office, port: int):
        self.office, self.port, self.process = office, port, None

    def start(self) -> None:
        import os

        self.process = subprocess.Popen(
            [sys.executable, "run.py", "central", "--port", str(self.port)],
            cwd=self.office.root.current().resolve(),
            env={**os.environ, **self.office.env, "CENTRAL_DATABASE_URL": self.office.database_url},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.mark.postgres
def test_office_upgrade_dumps_first_and_rolls_back(tmp_path):
    import os

    from deploy.upgrade import Office, upgrade_office
    from tests.support.apps import unavailable
    from tests.support.postgres import available, temporary_database

    if not available() or shutil.which("pg_dump") is None:
        unavailable("PostgreSQL and pg_dump are needed for the office's upgrade drill")
    root = Root(tmp_path / "root")
    landed = files.release(CHECKOUT, root, files.Changes())
    files.symlink(root.current(), f"releases/{landed.name}", files.Changes())
    with temporary_database("jiedai_upgrade") as url:
        office = Office(root, url, python=lambda release: Path(sys.executable),
                        env={"CENTRAL_INSTANCE_PATH": str(tmp_path / "central"),
                             "CENTRAL_SECRET_KEY": "drill"}, dumps=tmp_path / "dumps")
        env = {**os.environ, **office.env, "CENTRAL_DATABASE_URL": url}
        flask = [sys.executable, "-m", "flask", "--app", "central"]
        subprocess.run([*flask, "db", "upgrade"], cwd=landed, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "kiosk", "add", "hall-1", "--name", "一号厅"], cwd=landed, env=env,
                       check=True, capture_output=True)
        port = free_port()
        service = OfficeProcess(office, port)
        service.start()
        try:
            head = ScriptDirectory(str(CHECKOUT / "central" / "migrations")).get_current_head()
            broken = checkout_with(tmp_path, "broken-office", {})
            (broken / "central/migrations/versions/0100_broken_central.py").write_text(
                failing("0100_broken_central", head, "kiosk"))
            with pytest.raises(UpgradeFailed, match="the migration failed") as failed:
                upgrade_office(broken, office, service, prepare=lambda _r: None, timeout=30,
                               health_url=f"http://127.0.0.1:{port}/sync/v1/time")
            assert failed.value.rolled_back
            assert root.current().resolve() == landed
            assert len(list((tmp_path / "dumps").glob("central-*.dump"))) == 1
            listed = subprocess.run([*flask, "kiosk", "list"], cwd=landed, env=env, check=True,
                                    capture_output=True, text=True).stdout
            assert "hall-1" in listed
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sync/v1/time", timeout=5) as answer:
                assert answer.status == 200
        finally:
            service.stop()
