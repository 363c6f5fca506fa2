"""Calling tickets: order, the atomic call, recall, no-show, transfers, the console panel."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from kiosk.calling import operations as queue
from kiosk.extensions import db
from kiosk.models import AuditEntry, Call, Visit
from tests.support.staff import post_form, take_tickets

NOON = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai


def test_call_next_takes_the_longest_waiting_ticket_first(app):
    take_tickets(app, 2, now=NOON)
    take_tickets(app, 1, service="group", now=NOON - timedelta(minutes=5), start=10)
    with app.app_context():
        order = [queue.call_next(kiosk_id="kiosk-test", window=1, by="rita", now=NOON).ticket_number
                 for _ in range(3)]
        assert order == ["B001", "A001", "A002"]
        assert queue.call_next(kiosk_id="kiosk-test", window=1, by="rita", now=NOON) is None


def test_call_next_of_one_service_leaves_the_others_waiting(app):
    take_tickets(app, 1, now=NOON)
    take_tickets(app, 1, service="group", now=NOON - timedelta(minutes=5), start=10)
    with app.app_context():
        visit = queue.call_next(kiosk_id="kiosk-test", window=2, by="rita", now=NOON, service="individual")
        assert visit.ticket_number == "A001" and visit.window == 2
        assert [v.ticket_number for v in queue.waiting(kiosk_id="kiosk-test", now=NOON)] == ["B001"]


def test_yesterdays_tickets_are_not_called_today(app):
    take_tickets(app, 1, now=NOON - timedelta(days=1))
    with app.app_context():
        assert queue.call_next(kiosk_id="kiosk-test", window=1, by="rita", now=NOON) is None


def test_two_windows_calling_at_once_never_get_the_same_ticket(app):
    take_tickets(app, 20, now=NOON)
    results, errors = [], []
    barrier = threading.Barrier(8)

    def window(number: int):
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(4):
                    visit = queue.call_next(kiosk_id="kiosk-test", window=number, by=f"w{number}", now=NOON)
                    if visit is not None:
                        results.append((visit.ticket_number, number))
            except Exception as error:  # collected so the main thread can fail with it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=window, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tickets = [ticket for ticket, _ in results]
    assert len(tickets) == len(set(tickets)) == 20
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Call)) == 20
        called = db.session.execute(select(Visit.ticket_number, Visit.window)).all()
        assert sorted(called) == sorted(results)


def test_a_ticket_another_window_took_cannot_be_called_again(app, receptionist):
    [visit_id] = take_tickets(app, 1)
    with app.app_context():
        queue.call_chosen(visit_id, window=2, by="rick", now=NOON)
    response = post_form(receptionist, "/staff/", "/staff/call", {"visit_id": visit_id})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert "该号已被其他窗口呼叫" in receptionist.get("/staff/").get_data(as_text=True)


def test_pressing_call_next_opens_the_called_tickets_page(app, receptionist):
    [visit_id] = take_tickets(app, 1)
    response = post_form(receptionist, "/staff/", "/staff/call-next", {"service": ""})
    assert response.headers["Location"] == f"/staff/visits/{visit_id}"
    page = receptionist.get(response.headers["Location"]).get_data(as_text=True)
    assert "A001" in page and "接谈登记" in page
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.status == "serving" and visit.window == 1 and visit.received_by == "rita"
        assert visit.version > 1


def test_call_next_with_nobody_waiting_says_so(receptionist):
    response = post_form(receptionist, "/staff/", "/staff/call-next", {"service": ""})
    assert response.headers["Location"] == "/staff/"
    assert "当前无人等候" in receptionist.get("/staff/").get_data(as_text=True)


def test_recall_no_show_and_transfer_to_another_window(app, receptionist):
    first, second = take_tickets(app, 2)
    post_form(receptionist, "/staff/", "/staff/window", {"window": "2"})
    post_form(receptionist, "/staff/", "/staff/call", {"visit_id": first})
    post_form(receptionist, "/staff/", "/staff/recall", {"visit_id": first})
    post_form(receptionist, "/staff/", "/staff/transfer", {"visit_id": first, "to_window": "3"})
    post_form(receptionist, "/staff/", "/staff/call", {"visit_id": second})
    post_form(receptionist, "/staff/", "/staff/no-show", {"visit_id": second})
    with app.app_context():
        calls = db.session.execute(select(Call.ticket_number, Call.window).order_by(Call.id)).all()
        assert calls == [("A001", 2), ("A001", 2), ("A001", 3), ("A002", 2)]
        assert db.session.get(Visit, first).window == 3
        assert db.session.get(Visit, second).status == "no_show"
        lines = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == second)
                                   .order_by(AuditEntry.id)).all()
        assert [(line.action, line.fields) for line in lines] == [
            ("call", {"status": ("waiting", "called"), "window": (None, "2")}),
            ("change", {"status": ("called", "no_show")})]


def test_transfer_to_another_service_gives_that_services_next_number(app, receptionist):
    take_tickets(app, 1, service="group", start=50)
    [visit_id] = take_tickets(app, 1)
    post_form(receptionist, "/staff/", "/staff/call", {"visit_id": visit_id})
    response = post_form(receptionist, "/staff/", "/staff/transfer", {"visit_id": visit_id, "to_service": "group"})
    assert response.status_code == 302
    assert "B002" in receptionist.get("/staff/").get_data(as_text=True)
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert (visit.service, visit.ticket_number, visit.status) == ("group", "B002", "waiting")


def test_the_queue_lists_masked_names_and_waiting_minutes(app, receptionist):
    take_tickets(app, 1, name="欧阳小明", now=datetime.now(timezone.utc) - timedelta(minutes=12))
    page = receptionist.get("/staff/").get_data(as_text=True)
    assert "欧**明" in page and "欧阳小明" not in page
    assert "12 分钟" in page


def test_the_queue_panel_answers_304_while_nothing_changes(app, receptionist):
    take_tickets(app, 1)
    first = receptionist.get("/staff/queue/panel")
    assert first.status_code == 200 and "A001" in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    assert receptionist.get("/staff/queue/panel", headers={"If-None-Match": etag}).status_code == 304
    take_tickets(app, 1, start=1)
    changed = receptionist.get("/staff/queue/panel", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "A002" in changed.get_data(as_text=True)


def test_a_window_outside_the_configured_ones_is_refused(receptionist):
    post_form(receptionist, "/staff/", "/staff/window", {"window": "9"})
    assert "请选择一个窗口" in receptionist.get("/staff/").get_data(as_text=True)
