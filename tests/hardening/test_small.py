"""Defect 6 (the draft survived 确认取号) and the smaller ones of defect 8."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Case, Visit
from kiosk.touchscreen.drafts import MAX_PER_CLIENT, DraftStore, drafts
from tests.support.staff import sign_in, take_tickets
from tests.support.touchscreen import confirm, csrf_token, page_token, valid_id_number, walk_to_review


def test_after_the_ticket_the_shared_screen_shows_nothing_of_the_visitor(app, client):
    id_number = valid_id_number(seq=321)
    review = walk_to_review(client, id_number=id_number, phone="13955556666", name="钱七")
    assert id_number in review
    assert confirm(client, review).status_code == 302
    for path in ("/review", "/identity", "/matter", "/notice"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/", path
    assert len(drafts(app)) == 0
    # A second tap on 确认取号 still lands on the same ticket, and makes no second visit.
    assert confirm(client, review).headers["Location"] == "/ticket"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Visit)) == 1


def test_restart_with_a_stale_csrf_token_still_forgets_the_draft(app, client):
    walk_to_review(client)
    answer = client.post("/restart", data={"csrf_token": "stale-token-from-an-old-page"})
    assert answer.status_code == 302
    assert client.get("/review").headers["Location"] == "/"
    assert len(drafts(app)) == 0


def test_drafts_per_client_are_bounded(app):
    store = DraftStore(per_client=3, total=5)
    for n in range(4):
        store.put(f"a{n}", {"n": n}, client="10.0.0.1")
    assert store.get("a0") is None and store.get("a3") == {"n": 3} and len(store) == 3
    for n in range(4):
        store.put(f"b{n}", {"n": n}, client=f"10.0.1.{n}")
    assert len(store) == 5  # the kiosk's bound: the oldest of all went first
    # Through the screen: a client that throws its cookie away after every start.
    for _ in range(MAX_PER_CLIENT + 15):
        fresh = app.test_client()
        fresh.post("/start", data={"csrf_token": page_token(fresh, "/"), "service": "individual"})
    assert len(drafts(app)) == MAX_PER_CLIENT


def test_next_with_cr_lf_after_sign_in_goes_to_the_console(app, staff):
    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    for target in ("/staff/\r\nSet-Cookie: x=1", "/staff/cases\n", "//evil.example/staff"):
        answer = client.post("/staff/sign-in?next=" + target.replace("\r", "%0D").replace("\n", "%0A"),
                             data={"csrf_token": csrf_token(page), "username": "rita",
                                   "password": "correct horse battery"})
        assert answer.status_code == 302 and answer.headers["Location"] == "/staff/", target
        client = app.test_client()
        page = client.get("/staff/sign-in").get_data(as_text=True)


@pytest.mark.parametrize("page", ["²", "١", "9" * 50, "-1", "\u2167"])
def test_an_odd_audit_page_number_is_the_first_page(supervisor, page):
    assert supervisor.get(f"/staff/audit?page={page}").status_code == 200


@pytest.mark.parametrize("step, field", [("forward", "forward-body"), ("assign", "assign-body")])
def test_forward_and_assign_take_a_listed_body_only(app, receptionist, step, field):
    [visit_id] = take_tickets(app, 1)
    with app.app_context():
        case_id = db.session.get(Visit, visit_id).case_id
    page = receptionist.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    answer = receptionist.post(f"/staff/cases/{case_id}/{step}", data={
        "csrf_token": csrf_token(page), field: "局" * 3000, "assign-due_on": "2030-01-01"})
    assert answer.status_code == 422
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert (case.forwarded_to, case.assigned_to, case.status) == (None, None, "registered")


def look(client, code):
    return client.post("/progress", data={"csrf_token": page_token(client, "/progress"), "code": code}
                       ).get_data(as_text=True)


def test_a_right_code_slipped_in_between_wrong_ones_does_not_lift_the_slow_down(app, client):
    confirm(client, walk_to_review(client))
    with app.app_context():
        code = db.session.scalars(select(Visit.query_code)).one()
    prober = app.test_client()
    assert 'data-progress="unknown"' in look(prober, "0000000000")
    assert 'data-progress="unknown"' in look(prober, "0000000001")
    assert 'data-progress="found"' in look(prober, code)
    assert 'data-progress="unknown"' in look(prober, "0000000002")
    assert 'data-progress="wait"' in look(prober, "0000000003")  # the third wrong one counts


class CountingHasher:
    def __init__(self, real):
        self.real, self.verified = real, 0

    def verify(self, *args):
        self.verified += 1
        return self.real.verify(*args)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_sign_in_flood_of_made_up_names_stops_hashing_at_the_address_limit(app, staff, monkeypatch):
    """The per-address limit holds whatever the names: hashing stops after it."""
    from appkit import passwords

    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    client = app.test_client()
    for n in range(app.config["KIOSK_SIGN_IN_ADDRESS_ATTEMPTS"] + 10):
        sign_in(client, f"nobody-{n}", "wrong password")
    assert counting.verified == app.config["KIOSK_SIGN_IN_ADDRESS_ATTEMPTS"]
    assert sign_in(app.test_client(), "rita").status_code == 429  # this address is locked now


def test_a_locked_address_is_refused_without_a_query_and_unlocked_when_its_failures_age_out(app):
    """The address limit's window, exactly: locked from the tenth failure until the first of those
    ten leaves the window; meanwhile each refusal costs no statement."""
    from datetime import timedelta

    from kiosk.auth import operations
    from kiosk.extensions import db
    from petition.clock import utcnow
    from tests.support.statements import counted

    start = utcnow()
    with app.app_context():
        rules = operations.sign_in_rules()
        window = timedelta(minutes=rules.minutes)
        for n in range(rules.address_attempts):
            assert not rules.address_locked("10.0.0.9", start + timedelta(seconds=n))
            rules.failed(f"nobody-{n}", "10.0.0.9", start + timedelta(seconds=n))
        last = start + timedelta(seconds=rules.address_attempts)
        assert rules.address_locked("10.0.0.9", last)
        with counted(db.engine) as statements:
            assert rules.address_locked("10.0.0.9", start + window - timedelta(seconds=1))
        assert statements == []
        assert not rules.address_locked("10.0.0.8", last)  # another address is not locked
        # The first failure leaves the window: nine remain, below the limit.
        assert not rules.address_locked("10.0.0.9", start + window + timedelta(seconds=1))
