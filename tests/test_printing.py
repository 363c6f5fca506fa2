"""Tickets printed for visits made on the touch screen, through every kind of printer.

A visit goes through the real flow (test client), the print worker prints
its job on the preview printer, a pty or a TCP socket; the virtual printers
answer DLE EOT per scenario. Whatever the printer does, the registration
stays and the visitor is told the truth.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import PrintJob, Visit
from kiosk.printing import operations
from kiosk.printing.worker import worker
from tests.support.escpos_parser import check_job
from tests.support.touchscreen import confirm, walk_to_review
from tests.support.virtual_printer import PtyPrinter, Scenario, TcpPrinter


def settle(app, timeout=15.0) -> PrintJob:
    """Wait until the worker has finished the (one) ticket job; return it."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            job = db.session.scalars(select(PrintJob).order_by(PrintJob.created_at.desc())).first()
            if job is not None and job.status in ("printed", "failed"):
                db.session.expunge(job)
                return job
        if time.monotonic() > deadline:
            pytest.fail(f"print job still {job.status if job else 'missing'}")
        time.sleep(0.05)


@pytest.fixture
def take_ticket(app, client):
    def take():
        confirm(client, walk_to_review(client, name="张三丰"))
        return settle(app)
    yield take
    worker(app).stop()


def job_stream(received: bytes) -> bytes:
    """The job's bytes as the printer got them, without the status requests around it."""
    body = bytes(received)[bytes(received).index(b"\x1b@"):]
    while body[-3:-1] == b"\x10\x04":
        body = body[:-3]
    return body


def visible_status(client) -> str:
    return client.get("/ticket/print-status").json["status"]


def test_preview_printer_writes_the_bytes_and_a_readable_copy(app, client, take_ticket):
    job = take_ticket()
    assert job.status == "printed"
    prints = Path(app.instance_path) / "prints"
    data = (prints / f"{job.id}.bin").read_bytes()
    parsed = check_job(data)
    text = (prints / f"{job.id}.txt").read_text()
    assert "A001" in text and "张*丰" in text and "张三丰" not in text
    assert "3701**********" in text and "138****5678" in text
    with app.app_context():
        visit = db.session.scalars(select(Visit)).one()
    assert parsed.qr_payloads == [visit.query_code.encode()]
    assert "A001" in "".join(parsed.lines)
    assert len(data) <= 1200
    assert visible_status(client) == "printed"


@pytest.mark.parametrize("kind", [PtyPrinter, TcpPrinter])
def test_a_ticket_prints_on_a_serial_pty_and_on_a_network_socket(kind, app, client, take_ticket):
    with kind(Scenario.ONLINE) as printer:
        app.config["KIOSK_PRINTER_URL"] = printer.url
        job = take_ticket()
        assert job.status == "printed", job.error
        parsed = check_job(job_stream(printer.received))
        assert "A001" in "".join(parsed.lines)
        assert printer.status_requests.count(1) >= 2  # asked before and after the job
    page = client.get("/ticket").get_data(as_text=True)
    assert 'data-print-status="printed"' in page


@pytest.mark.parametrize("scenario, reason", [
    (Scenario.PAPER_OUT, "paper out"),
    (Scenario.COVER_OPEN, "cover open"),
    (Scenario.SILENT, "does not answer"),
    (Scenario.STALLED, ""),  # stops reading: a write timeout or no answer after
])
def test_a_printer_fault_fails_the_job_keeps_the_visit_and_sends_the_visitor_to_the_window(
        scenario, reason, app, client, take_ticket):
    app.config["KIOSK_PRINTER_WRITE_TIMEOUT"] = 0.5
    app.config["KIOSK_PRINTER_JOB_TIMEOUT"] = 2.0
    with TcpPrinter(scenario) as printer:
        app.config["KIOSK_PRINTER_URL"] = printer.url
        job = take_ticket()
    assert job.status == "failed" and reason in job.error
    assert visible_status(client) == "failed"
    page = client.get("/ticket").get_data(as_text=True)
    assert 'data-print-status="failed"' in page and "请到窗口领取凭条" in page
    with app.app_context():
        visit = db.session.scalars(select(Visit)).one()
        assert visit.ticket_number == "A001" and visit.status == "waiting"
        # the staff side reprints once the printer is fixed
        with TcpPrinter(Scenario.ONLINE) as fixed:
            app.config["KIOSK_PRINTER_URL"] = fixed.url
            again = operations.reprint(visit)
            assert operations.run_job(again.id).status == "printed"
            assert b"A001" in bytes(fixed.received)


def test_an_unplugged_printer_fails_the_job_with_the_reason(app, client, take_ticket):
    app.config["KIOSK_PRINTER_URL"] = "/dev/ttyUSB-not-plugged-in"
    job = take_ticket()
    assert job.status == "failed" and "cannot open" in job.error
    assert visible_status(client) == "failed"


def test_jobs_left_by_a_crash_print_at_start_and_printed_jobs_never_again(app, client):
    app.config["KIOSK_PRINTER_URL"] = "/dev/ttyUSB-not-plugged-in"
    confirm(client, walk_to_review(client))
    worker(app).stop()
    with app.app_context():
        job = db.session.scalars(select(PrintJob)).one()
        job.status = "printing"  # as if the power went while it printed
        db.session.commit()
        printed = PrintJob(visit=job.visit, kind="ticket", status="printed")
        db.session.add(printed)
        db.session.commit()
        printed_id, unfinished_id = printed.id, job.id
    with TcpPrinter(Scenario.ONLINE) as printer:
        app.config["KIOSK_PRINTER_URL"] = printer.url
        worker(app).start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with app.app_context():
                if db.session.get(PrintJob, unfinished_id).status == "printed":
                    break
            time.sleep(0.05)
        worker(app).stop()
        assert bytes(printer.received).count(b"\x1dV") == 1
    with app.app_context():
        assert db.session.get(PrintJob, unfinished_id).status == "printed"
        assert db.session.get(PrintJob, printed_id).attempts == 0


def test_printer_status_and_test_commands_for_the_installer(app, runner):
    with TcpPrinter(Scenario.ONLINE) as printer:
        app.config["KIOSK_PRINTER_URL"] = printer.url
        result = runner.invoke(args=["printer", "status"])
        assert result.exit_code == 0 and "printer ready" in result.output
        result = runner.invoke(args=["printer", "test"])
        assert result.exit_code == 0, result.output
        parsed = check_job(job_stream(printer.received))
        assert parsed.qr_payloads and "A000" in "".join(parsed.lines)
    with TcpPrinter(Scenario.PAPER_OUT) as printer:
        app.config["KIOSK_PRINTER_URL"] = printer.url
        result = runner.invoke(args=["printer", "status"])
        assert result.exit_code == 1 and "paper out" in result.output
        result = runner.invoke(args=["printer", "test"])
        assert result.exit_code != 0 and "paper out" in result.output
