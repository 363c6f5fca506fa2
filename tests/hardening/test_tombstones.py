"""Defect 2: a late request brought a deleted row back.

The office keeps a tombstone with the version of every deleted row; a push
of that row at or below that version changes nothing, whatever order the
requests arrive in. The late delivery is reproduced with a proxy that holds
the agent's request until after the deletion has synced.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Material, Visit
from kiosk.sync_agent import agent
from sync import protocol
from tests.support.central import NOW, central_rows, make_visits, push, register_kiosk
from tests.support.proxy import FaultProxy

KIOSK = "kiosk-test"


def material(mid: str, version: int, seq: int, name: str = "信访材料") -> dict:
    return protocol.encode_row("material", {
        "id": mid, "visit_id": "v1", "position": 1, "name": name, "count": 1, "version": version,
        "created_at": NOW, "updated_at": NOW}, seq)


def deletion(mid: str, version: int, seq: int) -> dict:
    return protocol.encode_row(protocol.DELETIONS, {"id": mid, "table_name": "material",
                                                    "version": version}, seq)


def last_push(central_app):
    from central.extensions import db as office_db
    from central.models import Kiosk

    with central_app.app_context():
        moment = office_db.session.get(Kiosk, KIOSK).last_push_at
        office_db.session.remove()
        return moment


@pytest.mark.postgres
def test_a_push_held_by_a_proxy_lands_after_the_deletion_and_changes_nothing(
        app, central_app, central_server, kiosk_key):
    make_visits(app, 1, group_every=0)
    client = agent.Client(central_server.url, KIOSK, kiosk_key, timeout=10)
    agent.run_once(app, client)  # the visit is at the office
    with app.app_context():
        visit = db.session.scalars(select(Visit)).one()
        db.session.add(Material(visit_id=visit.id, position=1, name="身份证复印件", count=1))
        db.session.commit()
        material_id = db.session.scalars(select(Material.id)).one()

    proxy = FaultProxy(central_server.port)
    try:
        proxy.plan("hold_before")  # the material's push waits in the proxy…
        slow = agent.Client(proxy.url, KIOSK, kiosk_key, timeout=1)
        with pytest.raises(agent.SyncError) as timed_out:
            agent.run_once(app, slow)  # …and the agent gives up on it
        assert timed_out.value.code == "network" and proxy.held.is_set()

        with app.app_context():  # cleared at the window; the deletion syncs directly
            db.session.delete(db.session.get(Material, material_id))
            db.session.commit()
        result = agent.run_once(app, client)
        assert result.pushed["deleted"] == 1 and result.pushed["material"] == 0

        before = last_push(central_app)
        proxy.release.set()  # the held request reaches the office now, late
        for _ in range(200):  # until the office has applied it (its push time moves)
            if last_push(central_app) != before:
                break
            time.sleep(0.05)
        assert last_push(central_app) != before, "the held request never reached the office"
    finally:
        proxy.release.set()
        proxy.down()
    with central_app.app_context():
        from central.extensions import db as office_db
        from central.models import DeletedRow
        tombstone = office_db.session.get(DeletedRow, ("material", material_id))
        assert tombstone is not None and tombstone.version == 1
        office_db.session.remove()
    assert central_rows(central_app, "material", KIOSK) == []
    assert agent.run_once(app, client).pushed == {name: 0 for name in agent.MODELS}


@pytest.mark.postgres
@pytest.mark.parametrize("order", ["push, delete, late push", "delete, late push",
                                   "delete, newer push from elsewhere"])
def test_deleted_stays_deleted_whatever_order_the_requests_arrive_in(central_app, order):
    key = register_kiosk(central_app, KIOSK)
    api = central_app.test_client()
    if order.startswith("push"):
        assert push(api, key, [material("m1", 2, 5)], table="material")[0].json["applied"] == 1
    gone, _, _ = push(api, key, [deletion("m1", 2, 6)], table=protocol.DELETIONS)
    assert gone.status_code == 200
    late, _, _ = push(api, key, [material("m1", 1, 4), material("m1", 2, 5)], table="material")
    assert late.status_code == 200 and late.json["applied"] == 0 and late.json["acked_seq"] == 5
    assert central_rows(central_app, "material", KIOSK) == []
    if order.endswith("elsewhere"):
        other = register_kiosk(central_app, "kiosk-other")
        stolen, _, _ = push(api, other, [material("m1", 9, 1)], table="material", kiosk="kiosk-other")
        assert stolen.status_code == 403 and stolen.json["refused"][0]["id"] == "m1"
        assert central_rows(central_app, "material", "kiosk-other") == []


def test_the_kiosk_records_the_deleted_rows_version(app):
    make_visits(app, 1, group_every=0)
    with app.app_context():
        visit = db.session.scalars(select(Visit)).one()
        item = Material(visit_id=visit.id, position=1, name="材料", count=1)
        db.session.add(item)
        db.session.commit()
        item.count, item.version = 3, 4
        db.session.commit()
        db.session.delete(item)
        db.session.commit()
        from kiosk.sync_agent.records import SyncDeletion
        assert [(d.table_name, d.version) for d in db.session.scalars(select(SyncDeletion))] == [
            ("material", 4)]


@pytest.mark.postgres
@pytest.mark.parametrize("moment", ["before", "after"])
@pytest.mark.parametrize("kind", ["record", "deletion"])
def test_another_kiosks_deletion_committing_during_a_push_cannot_let_its_id_through(
        central_app, monkeypatch, moment, kind):
    # A kiosk pushing another kiosk's id is refused even when that kiosk's deletion of the row
    # commits while the push is being checked: the row is then in the mirror or in the
    # tombstones, whichever the check reads when.
    import threading

    from central import ingest

    owner = register_kiosk(central_app, KIOSK)
    intruder = register_kiosk(central_app, "kiosk-other")
    api = central_app.test_client()
    assert push(api, owner, [material("m1", 1, 1)], table="material")[0].json["applied"] == 1
    read_tombstones = ingest._tombstones
    injected = []

    def deleted_meanwhile(table_name, ids):
        if injected:  # the owner's own deletion reads its tombstones as usual
            return read_tombstones(table_name, ids)
        injected.append(True)

        def owner_deletes():
            injected.append(push(central_app.test_client(), owner, [deletion("m1", 2, 2)],
                                 table=protocol.DELETIONS)[0].json)
        if moment == "after":
            found = read_tombstones(table_name, ids)
        deleting = threading.Thread(target=owner_deletes)  # its own request and connection
        deleting.start()
        deleting.join()
        return found if moment == "after" else read_tombstones(table_name, ids)

    monkeypatch.setattr(ingest, "_tombstones", deleted_meanwhile)
    if kind == "record":
        answer = push(api, intruder, [material("m1", 9, 1)], table="material", kiosk="kiosk-other")[0]
    else:
        answer = push(api, intruder, [deletion("m1", 9, 1)], table=protocol.DELETIONS,
                      kiosk="kiosk-other")[0]
    assert injected[1]["applied"] == 1  # the owner's deletion did commit in the middle
    assert answer.status_code == 403 and answer.json["refused"][0]["id"] == "m1"
    monkeypatch.undo()
    assert central_rows(central_app, "material", KIOSK) == []
    assert central_rows(central_app, "material", "kiosk-other") == []
