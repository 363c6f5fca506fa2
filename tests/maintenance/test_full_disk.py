"""A full disk: on a tiny filesystem, every registration either succeeds or is refused with a
calm page; nothing is half-written, the database stays sound, the console shows a banner."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess

import pytest

from tests.support.apps import unavailable
from tests.support.touchscreen import confirm, valid_id_number, walk_to_review


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs (needs root, which CI has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        unavailable("mounting a tiny tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        unavailable(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def instance(tiny_disk, template_db):
    path = tiny_disk / "instance"
    path.mkdir()
    shutil.copy(template_db, path / "kiosk.sqlite3")
    return path


def fill(folder, leave: int) -> None:
    """Fill the filesystem, then free `leave` bytes."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def test_registrations_succeed_or_are_refused_cleanly_when_the_disk_fills(
        app, client, receptionist, tiny_disk):
    # Room for a few registrations (each writes its rows and their indexes, a few dozen pages).
    fill(tiny_disk, leave=320 * 1024)
    made = refused = 0
    for seq in range(60):
        review = walk_to_review(client, id_number=valid_id_number(seq=seq), name="赵六")
        response = confirm(client, review)
        assert response.status_code in (302, 503), response.status_code
        if response.status_code == 302:
            assert response.headers["Location"].endswith("/ticket")
            made += 1
        else:
            page = response.get_data(as_text=True)
            assert "Nothing was saved" in page or "没有保存" in page or "窗口" in page
            refused += 1
    assert made >= 1 and refused >= 1, (made, refused)

    # The console says so.
    banner = receptionist.get("/staff/").get_data(as_text=True)
    assert "disk is full" in banner or "磁盘已满" in banner

    # Space again: the database is sound and holds exactly the acknowledged visits, each whole.
    os.unlink(tiny_disk / "filler")
    from kiosk.extensions import db

    with app.app_context():
        db.engine.dispose()
    connection = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):])
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT COUNT(*) FROM visit").fetchone()[0] == made
        assert connection.execute(
            "SELECT COUNT(*) FROM visit v JOIN person p ON p.id = v.person_id "
            "JOIN \"case\" c ON c.id = v.case_id JOIN print_job j ON j.visit_id = v.id "
            "WHERE p.name = '赵六'").fetchone()[0] == made
        assert connection.execute("SELECT COUNT(*) FROM person").fetchone()[0] == made
        numbers = [row[0] for row in connection.execute("SELECT ticket_seq FROM visit ORDER BY 1")]
        assert numbers == list(range(1, made + 1))  # a refused tap gave no number away
    finally:
        connection.close()
    # And registering works again.
    review = walk_to_review(client, id_number=valid_id_number(seq=999), name="赵六")
    assert confirm(client, review).status_code == 302
