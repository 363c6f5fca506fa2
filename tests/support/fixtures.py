"""Fixtures of the office app for every test package (a pytest plugin of tests/conftest.py).

`central_database` runs a test on SQLite and on the real PostgreSQL;
`postgres_central` is for what only PostgreSQL shows (concurrent writers, plans).
"""

from __future__ import annotations

import pytest

from .apps import free_port, unavailable
from .central import Server, dispose, make_central, postgres_database, postgres_office, register_kiosk
from .postgres import available as postgres_available


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
    dispose(app)


@pytest.fixture
def central_client(central_app):
    return central_app.test_client()


@pytest.fixture
def postgres_central(tmp_path):
    """A central app on PostgreSQL only, for what SQLite cannot show (concurrent writers)."""
    with postgres_office(tmp_path / "central-pg") as app:
        yield app


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
