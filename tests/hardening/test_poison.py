"""Defect 1: one NUL typed at the touch screen blocked a kiosk's sync for good.

Now the forms refuse it where it is typed, and a record that got in anyway
(stored before this rule) is held aside with its visit and field named on
the console, while every other record reaches the office on PostgreSQL;
once corrected at the window, it syncs.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Person, Visit
from kiosk.sync_agent import agent
from kiosk.sync_agent.records import SyncHeld
from tests.support.central import central_rows, make_visits, person, push, register_kiosk
from tests.support.touchscreen import page_token, valid_id_number, walk_to_review

KIOSK = "kiosk-test"


def test_a_nul_in_the_name_is_refused_on_the_identity_screen_and_not_kept(client):
    walk_to_review(client)  # a visitor who reached the review with a clean name
    client.post("/start", data={"csrf_token": page_token(client, "/"), "service": "individual"})
    client.post("/notice", data={"csrf_token": page_token(client, "/notice")})
    answer = client.post("/identity", data={
        "csrf_token": page_token(client, "/identity"), "id_number": valid_id_number(),
        "phone": "13812345678", "name": "赵\x00六"})
    assert answer.status_code == 200  # the form again, not the next screen
    page = answer.get_data(as_text=True)
    assert 'id="name-error"' in page and "控制字符" in page
    assert client.get("/matter").headers["Location"].endswith("/identity")  # nothing was kept


@pytest.mark.postgres
def test_a_nul_name_is_held_aside_the_rest_reaches_postgres_and_the_correction_syncs(
        app, central_app, central_server, kiosk_key, receptionist):
    make_visits(app, 6, group_every=0)
    with app.app_context():
        # A name stored before the forms refused control characters.
        person = db.session.scalars(select(Person).order_by(Person.created_at)).first()
        person.name = "赵\x00六"
        person.touch()
        db.session.commit()
        poisoned = person.id
        ticket = db.session.scalars(select(Visit.ticket_number).where(Visit.person_id == poisoned)).one()
        visit_id = db.session.scalars(select(Visit.id).where(Visit.person_id == poisoned)).one()
    client = agent.Client(central_server.url, KIOSK, kiosk_key, timeout=10)

    first = agent.run_once(app, client)  # no exception: the sync finishes
    assert first.pushed["person"] == 5 and first.pushed["visit"] == 6 and first.pushed["case"] == 6
    status = agent.status(app)
    assert status["held"] == 1 and status["backlog"] == 0 and status["last_error"] is None
    assert len(central_rows(central_app, "person", KIOSK)) == 5
    assert len(central_rows(central_app, "visit", KIOSK)) == 6

    # The console names the visit and the field, and links to the registration.
    app.config.update(KIOSK_SYNC_URL=central_server.url, KIOSK_SYNC_KEY=kiosk_key)
    console = receptionist.get("/staff/").get_data(as_text=True)
    assert "data-sync-held" in console and ticket in console and f"/staff/visits/{visit_id}" in console
    assert "<code data-held-field>name</code>" in console

    # Staff correct the name at the window; the next sync delivers it and the list empties.
    page = receptionist.get(f"/staff/visits/{visit_id}").get_data(as_text=True)
    refused = receptionist.post(f"/staff/visits/{visit_id}", data={
        "csrf_token": page_token(receptionist, f"/staff/visits/{visit_id}"), "name": "赵\x00六",
        "id_number": valid_id_number(), "gender": "", "phone": "13800000000", "category": "suggestion",
        "matter": "路灯不亮", "request": "尽快修复"})
    assert refused.status_code == 422 and "控制字符" in refused.get_data(as_text=True)
    assert page  # the page opened with the bad name, so staff see what to fix
    saved = receptionist.post(f"/staff/visits/{visit_id}", data={
        "csrf_token": page_token(receptionist, f"/staff/visits/{visit_id}"), "name": "赵六",
        "id_number": valid_id_number(), "gender": "", "phone": "13800000000", "category": "suggestion",
        "matter": "路灯不亮", "request": "尽快修复"})
    assert saved.status_code == 302, re.findall(r"class=\"error\"[^>]*>([^<]*)", saved.get_data(as_text=True))
    agent.run_once(app, client)
    assert agent.status(app)["held"] == 0
    names = {row["id"]: row["name"] for row in central_rows(central_app, "person", KIOSK)}
    assert len(names) == 6 and names[poisoned] == "赵六"
    assert "data-sync-held" not in receptionist.get("/staff/").get_data(as_text=True)


@pytest.mark.postgres
def test_a_record_the_office_refuses_by_name_is_held_and_the_others_delivered(
        app, central_app, central_server, kiosk_key):
    """The office's own refusal (here: an id another kiosk already sent) holds one record too."""
    make_visits(app, 3, group_every=0)
    with app.app_context():
        taken = db.session.scalars(select(Person.id).order_by(Person.created_at)).first()
    other_key = register_kiosk(central_app, "kiosk-two")
    answer, _, _ = push(central_app.test_client(), other_key, [person(taken, 1, 1, kiosk="kiosk-two")],
                        kiosk="kiosk-two")
    assert answer.status_code == 200

    result = agent.run_once(app, agent.Client(central_server.url, KIOSK, kiosk_key, timeout=10))
    assert result.pushed["person"] == 2 and result.pushed["visit"] == 3
    with app.app_context():
        held = db.session.scalars(select(SyncHeld)).all()
        assert [(h.table_name, h.row_id, h.code) for h in held] == [("person", taken, "wrong_kiosk")]
        assert agent.backlog()["person"] == 0
