"""Kiosks with history: 1 day and 1 year of a busy hall, generated once and cached.

The histories are made by kiosk.history.generate (the kiosk's own operations)
and cached under build/history/, keyed by the generator's VERSION, the
migrations' head, the plan (days, visits per day, seed) and today's date (the
last day of the history is today, so the queue has today's tickets). Each test
gets its own copy, so it may write. The test accounts (rita, sam, ada) are in
the cached file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk import create_app
from kiosk.extensions import db
from kiosk.history import cache as history_cache
from petition.clock import local_date, utcnow

from .apps import make_config
from .staff import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / "build" / "history"
#: name → (working days, visits per day). The year is a quieter hall than the issue's
#: 60 a day, so CI makes it in well under a minute; its depth is what the tests need.
PLANS = {"1d": (1, 60), "1y": (250, 12)}
SEED = 11
STAFF = (("rita", "receptionist"), ("sam", "supervisor"), ("ada", "admin"))


def cached(name: str) -> Path:
    """The cached kiosk database of plan `name`, made first if it is not there."""
    days, per_day = PLANS[name]
    path, _reused = history_cache.cached(
        CACHE, name, make_config, days=days, per_day=per_day, seed=SEED, today=local_date(utcnow()),
        accounts=tuple((username, PASSWORD, role) for username, role in STAFF))
    return path


def app_on(database: Path, instance: Path):
    """A kiosk app on a copy of `database`, in its own instance folder; closed afterwards."""
    instance.mkdir(parents=True, exist_ok=True)
    shutil.copy(database, instance / "kiosk.sqlite3")
    app = create_app(make_config(instance))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def history_1d() -> Path:
    return cached("1d")


@pytest.fixture(scope="session")
def history_1y() -> Path:
    return cached("1y")


@pytest.fixture
def app_1d(history_1d, tmp_path):
    yield from app_on(history_1d, tmp_path / "day")


@pytest.fixture
def app_1y(history_1y, tmp_path):
    yield from app_on(history_1y, tmp_path / "year")
