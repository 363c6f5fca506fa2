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


@pytest.fixture
def proxy(central_server):
    from tests.support.proxy import FaultProxy

    proxy = FaultProxy(central_server.port)
    yield proxy
    proxy.release.set()
    proxy.down()
