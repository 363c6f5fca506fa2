"""Fixtures of the hardening suite (issue 10): an office app on a real PostgreSQL, served over HTTP.

Built from tests/support like the sync suite's own; the office runs on
PostgreSQL only here, because that is where a NUL or an overflowing number
turned into a server error.
"""

from __future__ import annotations

import pytest

from tests.support.apps import free_port, unavailable
from tests.support.central import Server, make_central, postgres_database, register_kiosk
from tests.support.postgres import available as postgres_available


@pytest.fixture
def office(tmp_path):
    """The office app with its migrations, on a fresh PostgreSQL database."""
    if not postgres_available():
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    with postgres_database() as url:
        app = make_central(tmp_path / "office", url)
        yield app
        from central.extensions import db
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def office_key(office, app) -> str:
    """The test kiosk registered at the office; its credential."""
    return register_kiosk(office, app.config["KIOSK_ID"])


@pytest.fixture
def office_server(office):
    server = Server(office, free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def second_kiosk(tmp_path, template_db):
    """Another kiosk (kiosk-two) with its own instance and database."""
    import shutil

    from kiosk import create_app
    from tests.support.apps import make_config

    instance = tmp_path / "kiosk-two"
    instance.mkdir()
    shutil.copy(template_db, instance / "kiosk.sqlite3")
    app = create_app(make_config(instance, KIOSK_ID="kiosk-two"))
    yield app
    from kiosk.extensions import db
    with app.app_context():
        db.engine.dispose()
