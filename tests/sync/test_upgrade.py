"""Upgrading in place: a kiosk and an office filled by the landed code (commit 1323d1f) migrate to
one case lifecycle with their data, then sync without resending or losing anything.

tests/fixtures/landed/ holds both databases as that code left them, made by
make_landed.py there: every kind of window decision, the office's handling
pulled back, and a backlog the kiosk never sent.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from central.extensions import db as central_db
from central.models import DeskAudit
from central.models import case as office_case
from kiosk import create_app
from kiosk.database import upgrade as upgrade_kiosk
from kiosk.extensions import db
from kiosk.models import Case
from kiosk.sync_agent import agent
from petition import lifecycle
from tests.support.apps import free_port, make_config, unavailable
from tests.support.central import Server, assert_same_records, make_central
from tests.support.postgres import PG_ADMIN, available, temporary_database

LANDED = Path(__file__).resolve().parents[1] / "fixtures" / "landed"
KIOSK = "hall-1"

pytestmark = pytest.mark.postgres


def _as_if_made_here(connection) -> int:
    """The office's feed orders changes by this server's transaction ids, which the dump carries
    from the server that made it. Upgrading happens on the server that made the data, so move the
    dumped ids (and the kiosk's cursor, by the same amount) just below this server's own."""
    (current,) = connection.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()
    (top,) = connection.execute("SELECT max(xid) FROM public.case_change").fetchone()
    shift = top - current + 10
    connection.execute("UPDATE public.case_change SET xid = xid - %s", (shift,))
    return shift


@pytest.fixture
def landed(tmp_path):
    """(kiosk app, office app, office server) on the landed databases, migrated by today's code."""
    if not available():
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    instance = tmp_path / "kiosk"
    instance.mkdir()
    with sqlite3.connect(instance / "kiosk.sqlite3") as connection:
        connection.executescript((LANDED / "kiosk.sql").read_text())
    with temporary_database("jiedai_upgrade") as url:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, autocommit=True) as connection:
            connection.execute((LANDED / "central.sql").read_text())
            shift = _as_if_made_here(connection)
        with sqlite3.connect(instance / "kiosk.sqlite3") as connection:
            (cursor,) = connection.execute("SELECT cursor FROM sync_state WHERE name = 'pull'").fetchone()
            xid, seq = cursor.split("-")
            connection.execute("UPDATE sync_state SET cursor = ? WHERE name = 'pull'",
                               (f"{int(xid) - shift}-{seq}",))
        office = make_central(tmp_path / "office", url, CENTRAL_SECRET_KEY="landed-secret")
        server = Server(office, free_port()).start()
        kiosk = create_app(make_config(instance, KIOSK_ID=KIOSK))
        with kiosk.app_context():
            upgrade_kiosk()
        yield kiosk, office, server
        server.stop()
        with kiosk.app_context():
            db.engine.dispose()
        with office.app_context():
            central_db.session.remove()
            central_db.engine.dispose()


def kiosk_stages(kiosk) -> dict[str, tuple]:
    with kiosk.app_context():
        return {row.id: (row.status, row.due_on) for row in db.session.execute(
            select(Case.id, Case.status, Case.due_on))}


def office_stages(office) -> dict[str, tuple]:
    with office.app_context():
        return {row.id: (row.status, row.due_on) for row in central_db.session.execute(
            select(office_case.c.id, office_case.c.status, office_case.c.due_on)
            .where(office_case.c.kiosk_id == KIOSK))}


def test_both_databases_migrate_with_their_cases_decisions_and_office_handling(landed):
    kiosk, office, _server = landed
    with kiosk.app_context():
        # The first day's five cases, decided every way the window can.
        cases = {case.disposition: case for case in db.session.scalars(
            select(Case).where(Case.registered_on == date(2026, 10, 12), Case.disposition.is_not(None)))}
        assert (cases["accepted"].status, str(cases["accepted"].replied_on),
                cases["accepted"].reply_text) == ("replied", "2026-10-20", "经核实，路灯已修复。")
        assert cases["accepted"].extension_days == 20 and cases["accepted"].office_version == 1
        assert (cases["answered"].status, cases["answered"].due_on) == ("closed", None)
        assert cases["forwarded"].status == "closed"          # closed at the window on day 12
        # The office's "accepted" on an assigned case said nothing the window's decision does not.
        assert (cases["assigned"].status, str(cases["assigned"].due_on)) == ("assigned", "2026-11-20")
        assert cases["not_accepted"].status == "closed" and cases["not_accepted"].office_closed_on
        for case in db.session.scalars(select(Case)):
            stage = lifecycle.stage(case)
            assert (case.status, case.due_on) == (stage.status, stage.due_on), case.id
    with office.app_context():
        migrated = central_db.session.scalars(select(DeskAudit.detail)
                                              .where(DeskAudit.action == "migrate")).all()
    assert sorted(migrated) == ["office status before one lifecycle: accepted since 2026-10-14",
                                "office status before one lifecycle: forwarded"]


def test_the_upgraded_kiosk_sends_its_backlog_once_pulls_what_it_lacks_and_both_agree(landed):
    kiosk, office, server = landed
    with kiosk.app_context():
        backlog = agent.backlog()
    assert sum(backlog.values()) > 0  # what the landed kiosk made after its last sync
    client = agent.Client(server.url, KIOSK, _credential(office))
    result = agent.run_once(kiosk, client)
    assert result.pushed == backlog and result.applied == backlog  # nothing resent
    assert result.pulled == 1  # the office closed the accepted case after the kiosk's last pull
    assert_same_records(kiosk, office, KIOSK)                       # nothing lost
    again = agent.run_once(kiosk, client)
    assert sum(again.pushed.values()) == 0 and again.pulled == 0
    # One rule on both sides: every case has the same status and due date at the kiosk and office.
    assert kiosk_stages(kiosk) == office_stages(office)
    with kiosk.app_context():
        closed = db.session.scalars(select(Case).where(Case.disposition == "accepted",
                                                       Case.extension_days == 20)).one()
        assert (closed.status, str(closed.office_closed_on)) == ("closed", "2026-10-25")


def _credential(office) -> str:
    from central.models import Kiosk
    from central.operations import credential

    with office.app_context():
        return credential(central_db.session.get(Kiosk, KIOSK))
