"""Fixtures of the hardening suite (issue 10): an office app on a real PostgreSQL, served over HTTP.

Built from tests/support like the sync suite's own; the office runs on
PostgreSQL only here, because that is where a NUL or an overflowing number
turned into a server error.
"""

from __future__ import annotations

import pytest

from tests.support.apps import free_port
from tests.support.central import Server, register_kiosk


@pytest.fixture
def office(postgres_central):
    """The office app with its migrations, on a fresh PostgreSQL database."""
    return postgres_central


@pytest.fixture
def office_key(office, app) -> str:
    """The test kiosk registered at the office; its credential."""
    return register_kiosk(office, app.config["KIOSK_ID"])


@pytest.fixture
def office_server(office):
    server = Server(office, free_port()).start()
    yield server
    server.stop()
