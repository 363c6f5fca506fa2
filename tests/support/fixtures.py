"""Fixtures of the office app for every test package (a pytest plugin of tests/conftest.py).

`central_database` runs a test on SQLite and on the real PostgreSQL;
`postgres_central` is for what only PostgreSQL shows (concurrent writers, plans).
"""

from __future__ import annotations

import pytest

from .apps import unavailable
from .central import make_central, postgres_database
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


def _dispose(app) -> None:
    from central.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def central_app(central_database, tmp_path):
    app = make_central(tmp_path / "central-instance", central_database)
    yield app
    _dispose(app)


@pytest.fixture
def central_client(central_app):
    return central_app.test_client()


@pytest.fixture
def postgres_central(tmp_path):
    """A central app on PostgreSQL only, for what SQLite cannot show (concurrent writers)."""
    if not postgres_available():
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    with postgres_database() as url:
        app = make_central(tmp_path / "central-pg", url)
        yield app
        _dispose(app)
