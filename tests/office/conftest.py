"""Fixtures of the office's headquarters tests: the office app on SQLite and PostgreSQL."""

from tests.support.fixtures import central_app, central_client, central_database, postgres_central  # noqa: F401
