"""Throwaway PostgreSQL databases on the server these machines run on 127.0.0.1:5432.

Tests and benches make their own database and drop it afterwards, so nothing
is shared between runs. `JIEDAI_TEST_PG` points elsewhere if needed.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

PG_ADMIN = os.environ.get("JIEDAI_TEST_PG", os.environ.get(
    "JIEDAI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))


def available() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def temporary_database(prefix: str = "jiedai_test"):
    """A freshly created PostgreSQL database (its SQLAlchemy URL), dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
