"""Migration 0003_sync numbers the rows a kiosk already holds, so an upgraded kiosk sends them."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from kiosk import create_app
from kiosk.extensions import db
from tests.support.apps import make_config


def test_upgrading_a_kiosk_with_records_numbers_them_and_continues_after_them(tmp_path):
    app = create_app(make_config(tmp_path))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="0001")
        for n, created in enumerate(("2026-11-20 01:00:00", "2026-11-19 01:00:00")):
            db.session.execute(text(
                "INSERT INTO person (id, kiosk_id, is_deputy, version, created_at, updated_at) "
                f"VALUES ('p{n}', 'k', 0, 1, '{created}', '{created}')"))
        db.session.commit()
        upgrade(directory=app.extensions["migrate"].directory)
        numbered = db.session.execute(text("SELECT id, sync_seq FROM person ORDER BY sync_seq")).all()
        assert numbered == [("p1", 1), ("p0", 2)]  # oldest first
        db.session.execute(text(
            "INSERT INTO person (id, kiosk_id, is_deputy, version, created_at, updated_at) "
            "VALUES ('p2', 'k', 0, 1, '2026-11-23 01:00:00', '2026-11-23 01:00:00')"))
        db.session.commit()
        assert db.session.execute(text("SELECT sync_seq FROM person WHERE id = 'p2'")).scalar() == 3
        db.engine.dispose()
