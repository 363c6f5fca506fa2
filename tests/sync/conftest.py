"""Fixtures for the sync tests: the central app on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest


@pytest.fixture
def proxy(central_server):
    from tests.support.proxy import FaultProxy

    proxy = FaultProxy(central_server.port)
    yield proxy
    proxy.release.set()
    proxy.down()
