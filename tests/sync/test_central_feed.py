"""The change feed never skips a change that commits after a higher number was served,
and the central migrations build exactly the central models."""

from __future__ import annotations

import re
import threading
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from central.cases import step
from central.extensions import db
from central.feed import changes_after
from tests.support.central import KIOSK, accepted, push, register_kiosk

NOW = datetime(2026, 11, 23, 12, 0)


# SQLAlchemy cannot reflect SQLite's expression indexes (the petitioner key); Alembic then
# leaves them out of the comparison on both sides, and compares every other index.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index",
                            "ignore:autogenerate skipping metadata-specified expression-based index")
def test_the_central_migrations_build_exactly_the_models(central_app):
    with central_app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    # PostgreSQL reflects an expression index in its own spelling (casts, parentheses).
    spelling = lambda index: re.sub(r"::text|[()\s]", "", ",".join(map(str, index.expressions)))  # noqa: E731
    removed = {d[1].name: spelling(d[1]) for d in diff if d[0] == "remove_index"}
    respelled = {d[1].name for d in diff if d[0] == "add_index" and removed.get(d[1].name) == spelling(d[1])}
    assert [d for d in diff if d[0] not in ("remove_index", "add_index") or d[1].name not in respelled] == []


@pytest.mark.postgres
def test_a_change_committing_late_is_served_after_the_cursor_never_skipped(postgres_central):
    key = register_kiosk(postgres_central, KIOSK)
    client = postgres_central.test_client()
    push(client, key, [accepted("c-early", seq=1), accepted("c-late", seq=2)], table="case")
    written, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_writer():
        # Takes its number first, then holds its transaction open past a faster writer.
        with postgres_central.app_context():
            step("c-early", "reply", by="li", text="答复", now=NOW, commit=False)
            written.set()
            release.wait(30)
            db.session.commit()
            db.session.remove()
        done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(30)
    with postgres_central.app_context():
        step("c-late", "reply", by="li", text="答复", now=NOW)  # commits while the first is still open
        served = changes_after(KIOSK, None, 100, now=NOW)
        # Serving c-late now would move the cursor past c-early's lower number.
        assert served["changes"] == []
        release.set()
        assert done.wait(30)
        thread.join()
        after = changes_after(KIOSK, served["cursor"], 100, now=NOW)
        db.session.remove()
    assert [change["case_id"] for change in after["changes"]] == ["c-early", "c-late"]
    assert after["changes"][0]["seq"] < after["changes"][1]["seq"]


@pytest.mark.postgres
def test_changes_are_served_while_an_unrelated_transaction_is_idle(postgres_central):
    """Only transactions that hold an id hold the feed back; a read-only one does not."""
    key = register_kiosk(postgres_central, KIOSK)
    client = postgres_central.test_client()
    push(client, key, [accepted("c1", seq=1)], table="case")
    with postgres_central.app_context():
        with db.engine.connect() as reader:
            reader.exec_driver_sql("BEGIN")
            reader.exec_driver_sql("SELECT 1")
            step("c1", "reply", by="li", text="答复", now=NOW)
            served = changes_after(KIOSK, None, 100, now=NOW)
            reader.exec_driver_sql("ROLLBACK")
        db.session.remove()
    assert [change["case_id"] for change in served["changes"]] == ["c1"]


@pytest.mark.postgres
def test_a_long_write_in_another_database_does_not_hold_the_feed_back(postgres_central):
    """Transaction ids are cluster-wide; only this database's writers can commit a change here."""
    import psycopg

    from tests.support.postgres import temporary_database

    key = register_kiosk(postgres_central, KIOSK)
    push(postgres_central.test_client(), key, [accepted("c1", seq=1), accepted("c2", seq=2)], table="case")
    with temporary_database("jiedai_elsewhere") as url, psycopg.connect(url.replace("+psycopg", "")) as other:
        other.execute("CREATE TABLE held (n int)")  # a write: the transaction holds an id, open
        with postgres_central.app_context():
            step("c1", "reply", by="li", text="答复", now=NOW)
            served = changes_after(KIOSK, None, 100, now=NOW)
            # A writer of this database still holds it back, as the test above shows for threads.
            with db.engine.connect() as here:
                here.exec_driver_sql("BEGIN")
                here.exec_driver_sql("SELECT pg_current_xact_id()")
                step("c2", "reply", by="li", text="答复", now=NOW)
                held = changes_after(KIOSK, served["cursor"], 100, now=NOW)
                here.exec_driver_sql("ROLLBACK")
            after = changes_after(KIOSK, served["cursor"], 100, now=NOW)
            db.session.remove()
        other.rollback()
    assert [change["case_id"] for change in served["changes"]] == ["c1"]
    assert held["changes"] == []
    assert [change["case_id"] for change in after["changes"]] == ["c2"]
