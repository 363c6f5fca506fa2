"""Apps for tests: a kiosk's test configuration, and what to do when a real part is missing."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    """A real part (Chromium, PostgreSQL, a port) is missing: skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a test that cannot reach its real part fails)")
    pytest.skip(reason)


def make_config(instance: Path, **overrides) -> dict:
    """A kiosk's configuration for a test, its database in `instance`."""
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
