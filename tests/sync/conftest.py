"""Fixtures for the sync tests: the central app on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.apps import free_port
from tests.support.central import Server, register_kiosk


@pytest.fixture
def kiosk_key(central_app, app) -> str:
    """The test kiosk (KIOSK_ID kiosk-test) registered at the central office; its credential."""
    return register_kiosk(central_app, app.config["KIOSK_ID"])


@pytest.fixture
def central_server(central_app):
    server = Server(central_app, free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def proxy(central_server):
    from tests.support.proxy import FaultProxy

    proxy = FaultProxy(central_server.port)
    yield proxy
    proxy.release.set()
    proxy.down()
