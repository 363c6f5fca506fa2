"""Fixtures of the hardening suite (issue 10): an office app on a real PostgreSQL, served over HTTP.

Built from tests/support like the sync suite's own; the office runs on
PostgreSQL only here, because that is where a NUL or an overflowing number
turned into a server error.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def central_app(postgres_central):
    """The office app with its migrations, on a fresh PostgreSQL database."""
    return postgres_central
