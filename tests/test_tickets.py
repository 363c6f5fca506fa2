"""Ticket numbers: distinct, gapless, per kiosk, per service, per Asia/Shanghai day."""

import secrets
import threading
from datetime import datetime, timezone

from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import PrintJob, Visit
from kiosk.visits.operations import VisitDraft, register_visit, waiting_ahead


def draft(service="individual"):
    return VisitDraft(service=service, id_number="11010519491231002X", phone="13812345678",
                      category="appeal")


def test_8_threads_by_50_taps_give_400_distinct_numbers_without_gaps(app):
    errors = []
    barrier = threading.Barrier(8)

    def tap():
        with app.app_context():
            barrier.wait()
            for _ in range(50):
                try:
                    register_visit(draft(), kiosk_id="k1", idempotency_key=secrets.token_hex(16),
                                   now=datetime.now(timezone.utc))
                except Exception as error:  # noqa: BLE001 - the assertion reports it
                    errors.append(error)
            db.session.remove()

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        numbers = db.session.scalars(select(Visit.ticket_number)).all()
        assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 401)]
        assert db.session.query(PrintJob).count() == 400


def test_numbers_restart_each_shanghai_day_and_count_per_service(app):
    with app.app_context():
        # 15:59 UTC is 23:59 in Shanghai; 16:00 UTC is the next day there.
        late = datetime(2026, 3, 1, 15, 59, tzinfo=timezone.utc)
        next_day = datetime(2026, 3, 1, 16, 0, tzinfo=timezone.utc)
        first = register_visit(draft(), kiosk_id="k1", idempotency_key="a" * 20, now=late)
        second = register_visit(draft(), kiosk_id="k1", idempotency_key="b" * 20, now=late)
        group = register_visit(draft("group"), kiosk_id="k1", idempotency_key="c" * 20, now=late)
        other_kiosk = register_visit(draft(), kiosk_id="k2", idempotency_key="d" * 20, now=late)
        tomorrow = register_visit(draft(), kiosk_id="k1", idempotency_key="e" * 20, now=next_day)
        assert [first.ticket_number, second.ticket_number, group.ticket_number,
                other_kiosk.ticket_number, tomorrow.ticket_number] == [
            "A001", "A002", "B001", "A001", "A001"]
        assert str(tomorrow.service_day) == "2026-03-02"
        assert waiting_ahead(first) == 0 and waiting_ahead(second) == 1
        second.status = "called"
        third = register_visit(draft(), kiosk_id="k1", idempotency_key="f" * 20, now=late)
        assert waiting_ahead(third) == 1


def test_the_same_key_makes_one_visit(app):
    with app.app_context():
        now = datetime.now(timezone.utc)
        one = register_visit(draft(), kiosk_id="k1", idempotency_key="same-key-123456", now=now)
        two = register_visit(draft(), kiosk_id="k1", idempotency_key="same-key-123456", now=now)
        assert one.id == two.id
        assert db.session.query(Visit).count() == 1


def test_times_are_stored_in_utc(app):
    with app.app_context():
        moment = datetime(2026, 5, 4, 1, 2, 3, tzinfo=timezone.utc)
        visit = register_visit(draft(), kiosk_id="k1", idempotency_key="t" * 20, now=moment)
        db.session.expire_all()
        stored = db.session.get(Visit, visit.id)
        assert stored.created_at == moment
        raw = db.session.execute(db.text("SELECT created_at FROM visit")).scalar_one()
        assert str(raw).startswith("2026-05-04 01:02:03")
