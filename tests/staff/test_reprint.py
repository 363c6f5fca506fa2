"""A ticket that did not print shows on the console, and the window reprints it (补打)."""

from __future__ import annotations

import time

from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import PrintJob
from kiosk.printing import operations as printing
from kiosk.printing.worker import worker
from tests.support.staff import post_form, take_tickets
from tests.support.virtual_printer import Scenario, TcpPrinter


def wait_for(app, predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            if predicate():
                return
        time.sleep(0.05)
    raise AssertionError("the print worker did not finish in time")


def test_a_failed_ticket_is_shown_and_reprinted_from_the_console(app, receptionist):
    [visit_id] = take_tickets(app, 1)
    app.config["KIOSK_PRINTER_URL"] = "/dev/ttyUSB-not-plugged-in"
    with app.app_context():
        job = db.session.scalars(select(PrintJob)).one()
        printing.run_job(job.id)
        assert job.status == "failed"

    console = receptionist.get("/staff/").get_data(as_text=True)
    assert "data-unprinted" in console and "A001" in console
    jobs_page = receptionist.get("/staff/print-jobs").get_data(as_text=True)
    assert 'data-job-status="failed"' in jobs_page and "cannot open" in jobs_page

    try:
        with TcpPrinter(Scenario.ONLINE) as printer:
            app.config["KIOSK_PRINTER_URL"] = printer.url
            response = post_form(receptionist, "/staff/print-jobs", "/staff/print-jobs/reprint",
                                 {"visit_id": visit_id, "next": "/staff/"})
            assert response.status_code == 302 and response.headers["Location"] == "/staff/"

            def printed():
                return db.session.scalars(select(PrintJob).where(PrintJob.status == "printed")).first()

            wait_for(app, printed)
            assert b"A001" in bytes(printer.received)
    finally:
        worker(app).stop()
    assert "data-unprinted" not in receptionist.get("/staff/").get_data(as_text=True)


def test_reprint_needs_a_signed_in_receptionist_and_a_real_visit(app, client, receptionist):
    response = client.post("/staff/print-jobs/reprint", data={"visit_id": "x"})
    assert response.status_code in (302, 400)
    response = post_form(receptionist, "/staff/print-jobs", "/staff/print-jobs/reprint",
                         {"visit_id": "no-such-visit", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/print-jobs")
    with app.app_context():
        assert db.session.query(PrintJob).count() == 0
