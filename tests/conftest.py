"""Shared fixtures: a fresh app with its own instance folder and database per test.

The schema is built once per session by running the real Alembic migrations
into a template database; each test gets a copy of that file, so every test
starts from exactly what `flask db upgrade` makes on a new kiosk.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk import create_app
from kiosk.auth import operations as accounts
from kiosk.extensions import db
from tests.support.apps import free_port, make_config
from tests.support.staff import PASSWORD, sign_in

# The office app's fixtures (central_app, central_client, postgres_central …), for every package.
pytest_plugins = ["tests.support.fixtures"]


@pytest.fixture(scope="session", autouse=True)
def one_hash_per_password():
    """Each password the tests give is hashed once per session, and that hash is stored for
    every account given it: argon2 with the production parameters takes a quarter of a second
    a hash, and the fixtures make accounts for hundreds of tests. Every sign-in still
    verifies with those parameters; only the salt is shared between the tests' accounts."""
    from appkit import passwords

    hashed: dict[str, str] = {}
    real = passwords.hash_password

    def hash_once(password: str) -> str:
        if password not in hashed:
            hashed[password] = real(password)
        return hashed[password]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "hash_password", hash_once)
        yield


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    from kiosk.database import upgrade

    instance = tmp_path_factory.mktemp("template")
    app = create_app(make_config(instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return instance / "kiosk.sqlite3"


@pytest.fixture
def instance(tmp_path, template_db) -> Path:
    path = tmp_path / "instance"
    path.mkdir()
    shutil.copy(template_db, path / "kiosk.sqlite3")
    return path


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(instance, app_config):
    app = create_app(make_config(instance, **app_config))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The app served by waitress on a free port in this process, as `make run` would."""
    from appkit.serving import ThreadedServer

    server = ThreadedServer(app, free_port()).start()
    yield server.url
    server.stop()


@pytest.fixture
def staff(app):
    """One account per role: receptionist `rita`, supervisor `sam`, admin `ada`."""
    with app.app_context():
        for name, role in (("rita", "receptionist"), ("rick", "receptionist"),
                           ("sam", "supervisor"), ("ada", "admin")):
            accounts.create_user(name, PASSWORD, role)
        db.session.commit()
    return {"receptionist": "rita", "supervisor": "sam", "admin": "ada"}


@pytest.fixture
def receptionist(app, staff):
    client = app.test_client()
    assert sign_in(client, "rita").status_code == 302
    return client


@pytest.fixture
def supervisor(app, staff):
    client = app.test_client()
    assert sign_in(client, "sam").status_code == 302
    return client
