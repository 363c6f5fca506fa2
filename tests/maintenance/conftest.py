"""Fixtures for the field tests: a kiosk that syncs with a real PostgreSQL office over HTTP."""

from __future__ import annotations

import pytest

from tests.support.apps import free_port
from tests.support.central import Server, postgres_office, register_kiosk


@pytest.fixture
def office(app, tmp_path):
    """The office on PostgreSQL, served by waitress; the test kiosk registered and configured."""
    with postgres_office(tmp_path / "central-instance") as central:
        key = register_kiosk(central, app.config["KIOSK_ID"])
        server = Server(central, free_port()).start()
        app.config.update(KIOSK_SYNC_URL=server.url, KIOSK_SYNC_KEY=key)
        try:
            yield central
        finally:
            server.stop()
