"""Fixtures for the field tests: a kiosk that syncs with a real PostgreSQL office over HTTP."""

from __future__ import annotations

import pytest

from tests.support.apps import free_port, unavailable
from tests.support.central import Server, make_central, postgres_database, register_kiosk
from tests.support.postgres import available as postgres_available


@pytest.fixture
def office(app, tmp_path):
    """The office on PostgreSQL, served by waitress; the test kiosk registered and configured."""
    if not postgres_available():
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    with postgres_database() as url:
        central = make_central(tmp_path / "central-instance", url)
        key = register_kiosk(central, app.config["KIOSK_ID"])
        server = Server(central, free_port()).start()
        app.config.update(KIOSK_SYNC_URL=server.url, KIOSK_SYNC_KEY=key)
        try:
            yield central
        finally:
            server.stop()
            from central.extensions import db
            with central.app_context():
                db.session.remove()
                db.engine.dispose()
