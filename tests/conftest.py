"""Shared fixtures: a fresh app with its own instance folder and database per test.

The schema is built once per session by running the real Alembic migrations
into a template database; each test gets a copy of that file, so every test
starts from exactly what `flask db upgrade` makes on a new kiosk.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from kiosk import create_app

IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    """A real part (Chromium, PostgreSQL, a port) is missing: skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a test that cannot reach its real part fails)")
    pytest.skip(reason)


def make_config(instance: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kiosk.sqlite3'}",
        "KIOSK_ID": "kiosk-test",
        "KIOSK_OFFICE_NAME": "测试区人大常委会信访接待室",
        "KIOSK_PRINTER_URL": "preview",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    from kiosk.database import upgrade

    instance = tmp_path_factory.mktemp("template")
    app = create_app(make_config(instance))
    with app.app_context():
        upgrade()
        from kiosk.extensions import db
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
    from kiosk.extensions import db
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app served by waitress on a free port in this process, as `make run` would."""
    from kiosk.serving import ThreadedServer

    server = ThreadedServer(app, free_port()).start()
    yield server.url
    server.stop()
