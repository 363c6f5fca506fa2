"""A generated district's office database (central.history), kept between runs for the bench.

Generating 300 halls × 1 year takes minutes, so `district_database` keeps
the database it made, named after the plan and the generator's VERSION
(`jiedai_district_v1_300x15000x1y`), and marks it complete in its comment
once the generator has finished. A later run reuses a complete database of
the same name, upgraded to the office's current migrations first; anything
else is dropped and made again. To drop it by hand:
`psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE "jiedai_district_v1_300x15000x1y"'`.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from .postgres import PG_ADMIN

COMPLETE = "complete"


def database_name(plan) -> str:
    from central import history

    return f"jiedai_district_v{history.VERSION}_{plan.halls}x{plan.cases_per_hall}x{plan.years}y"


def _url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name


def _state(admin, name: str) -> str | None:
    """None: no such database; otherwise its comment ('' while it is being made)."""
    row = admin.execute("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
                        "WHERE datname = %s", (name,)).fetchone()
    return None if row is None else row[0]


@contextmanager
def _office(name: str):
    """An app context on the district's database, moved to the office's current migrations
    first (nothing when it is there): the bench never measures an old schema."""
    from central import create_app
    from central.database import upgrade
    from central.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": str(Path(tmp)), "SQLALCHEMY_DATABASE_URI": _url(name),
                          "CENTRAL_SECRET_KEY": "district-secret"})
        with app.app_context():
            upgrade()
            yield
            db.engine.dispose()


def district_database(plan, *, echo=print) -> tuple[str, bool]:
    """(SQLAlchemy URL, reused?) of a complete database holding `plan`'s history."""
    import psycopg

    from central.history import generate

    name = database_name(plan)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        state = _state(admin, name)
        reused = state == COMPLETE
        if not reused:
            if state is not None:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    if reused:
        echo(f"# reusing the generated district in database {name} (generator v"
             f"{name.split('_v')[1].split('_')[0]}); DROP DATABASE \"{name}\" to make it again")
    else:
        echo(f"# generating the district into database {name}: {plan.label} (this takes minutes)")
    with _office(name):
        if not reused:
            generate(plan, echo=lambda line: echo(f"#   {line}"))
    if not reused:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{COMPLETE}'")
    return _url(name), reused
