"""Fixtures for the sync tests: the central app on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.apps import free_port, unavailable
from tests.support.central import Server, make_central, postgres_database, register_kiosk
from tests.support.postgres import available as postgres_available


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def central_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.sqlite3'}"
        return
    if not postgres_available():
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    with postgres_database() as url:
        yield url


@pytest.fixture
def central_app(central_database, tmp_path):
    app = make_central(tmp_path / "central-instance", central_database)
    yield app
    from central.extensions import db
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def central_client(central_app):
    return central_app.test_client()


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
def postgres_central(tmp_path):
    """A central app on PostgreSQL only, for what SQLite cannot show (concurrent writers)."""
    if not postgres_available():
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    with postgres_database() as url:
        app = make_central(tmp_path / "central-pg", url)
        yield app
        from central.extensions import db
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


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
