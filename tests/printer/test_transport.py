"""Print jobs through pyserial against virtual printers (pty and socket://)."""

import time

import pytest
import serial

from printer.receipt import PAPER_58MM
from printer.ticket import build_ticket, sample_ticket_data
from printer.transport import (
    MemoryPort,
    PrinterError,
    PrinterStatus,
    open_printer,
    parse_status,
    print_receipt,
    send_job,
)
from tests.support.escpos_parser import check_job
from tests.support.virtual_printer import PtyPrinter, Scenario, TcpPrinter

# An answering printer replies at once and read() returns as soon as the byte
# arrives, so a long status timeout costs nothing and keeps a loaded CI
# machine from turning a slow thread switch into "no answer". Only a silent
# printer waits out its (short) timeout.
FAST = dict(status_timeout=2.0, write_timeout=0.3)
SILENT_FAST = dict(status_timeout=0.1, write_timeout=0.3)


def settings_for(scenario):
    return SILENT_FAST if scenario is Scenario.SILENT else FAST
TICKET = build_ticket(sample_ticket_data())


@pytest.fixture(params=[PtyPrinter, TcpPrinter], ids=["pty", "tcp"])
def kind(request):
    return request.param


def wait_for(predicate, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end and not predicate():
        time.sleep(0.01)
    return predicate()


def test_online_printer_receives_the_whole_ticket(kind):
    with kind(Scenario.ONLINE) as printer, open_printer(printer.url, **FAST) as port:
        status = print_receipt(port, TICKET, paper=PAPER_58MM, job_id="job-1")
        assert status.ready and status.online
        assert wait_for(lambda: b"\x1dVB\x00" in printer.received)
    job = bytes(printer.received)
    start = job.index(b"\x1b@")
    end = job.index(b"\x1dVB\x00") + 4
    check_job(job[start:end])
    assert printer.status_requests[:2] == [1, 4]


@pytest.mark.parametrize("scenario, reason", [
    (Scenario.PAPER_OUT, "paper_out"),
    (Scenario.COVER_OPEN, "cover_open"),
    (Scenario.SILENT, "no_answer"),
])
def test_faults_refuse_the_job_before_printing(kind, scenario, reason):
    with kind(scenario) as printer, open_printer(printer.url, **settings_for(scenario)) as port:
        with pytest.raises(PrinterError) as caught:
            print_receipt(port, TICKET, paper=PAPER_58MM, job_id="job-1")
        assert caught.value.reason == reason
        assert b"\x1b@" not in printer.received  # nothing of the ticket was sent


def test_status_fields_per_scenario(kind):
    expected = {
        Scenario.ONLINE: PrinterStatus(online=True),
        Scenario.PAPER_NEAR_END: PrinterStatus(online=True, paper_near_end=True),
        Scenario.PAPER_OUT: PrinterStatus(online=False, paper_out=True, code="paper_out"),
        Scenario.COVER_OPEN: PrinterStatus(online=False, cover_open=True, code="cover_open"),
        Scenario.SILENT: PrinterStatus(online=False, no_answer=True, code="no_answer"),
    }
    for scenario, status in expected.items():
        with kind(scenario) as printer, \
                open_printer(printer.url, **settings_for(scenario)) as port:
            assert port.status() == status, scenario
    assert "near end" in expected[Scenario.PAPER_NEAR_END].reason


def test_silent_printer_can_be_trusted_when_configured(kind):
    with kind(Scenario.SILENT) as printer, open_printer(printer.url, **SILENT_FAST) as port:
        print_receipt(port, TICKET, paper=PAPER_58MM, job_id="j", require_status=False)
        assert wait_for(lambda: b"\x1dVB\x00" in printer.received)


def test_stalled_printer_gives_write_timeout_within_bounded_time(kind):
    big = b"x" * (8 << 20)  # far more than any kernel buffer holds
    with kind(Scenario.STALLED) as printer, open_printer(printer.url, **FAST) as port:
        started = time.monotonic()
        with pytest.raises(PrinterError) as caught:
            send_job(port, "big", big, "", job_timeout=0.5)
        elapsed = time.monotonic() - started
    assert caught.value.reason == "write_timeout"
    # Generous bound: the point is that it ends, not how fast.
    assert elapsed < 30


def test_job_deadline_stops_a_slow_job():
    port = MemoryPort()
    with pytest.raises(PrinterError) as caught:
        port.write_job("slow", b"x" * 1024, "", deadline=time.monotonic() - 1)
    assert caught.value.reason == "write_timeout"


def test_unplugged_network_printer_is_disconnected():
    with TcpPrinter(Scenario.ONLINE) as printer, open_printer(printer.url, **FAST) as port:
        assert port.status().ready
        assert wait_for(lambda: printer.connections)
        printer.unplug()
        assert wait_for(lambda: port.status().code == "disconnected")
        with pytest.raises(PrinterError) as caught:
            print_receipt(port, TICKET, paper=PAPER_58MM, job_id="j")
        assert caught.value.reason == "disconnected"


def test_missing_device_cannot_open(tmp_path):
    with pytest.raises(PrinterError) as caught:
        open_printer(str(tmp_path / "ttyUSB9"))
    assert caught.value.reason == "cannot_open"


def test_refused_network_printer_cannot_open():
    with TcpPrinter() as printer:
        url = printer.url
    with pytest.raises(PrinterError) as caught:
        open_printer(url, **FAST)
    assert caught.value.reason == "cannot_open"


def test_loop_url_opens_through_serial_for_url():
    with open_printer("loop://", **FAST) as port:
        # loop:// echoes the request itself, which is no valid status answer
        assert port.status().code == "error"


def test_preview_writes_bytes_and_text(tmp_path):
    with open_printer("preview", preview_dir=tmp_path) as port:
        status = print_receipt(port, TICKET, paper=PAPER_58MM, job_id="0193-job")
    assert status.ready
    check_job((tmp_path / "0193-job.bin").read_bytes())
    text = (tmp_path / "0193-job.txt").read_text("utf-8")
    assert "TEST0-SAMPL" in text and "A000" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0193-job.bin", "0193-job.txt"]


def test_preview_refuses_path_escape(tmp_path):
    with open_printer("preview", preview_dir=tmp_path) as port:
        with pytest.raises(ValueError):
            port.write_job("../evil", b"x", "x")


def test_status_after_job_is_checked():
    class PaperRunsOut(MemoryPort):
        calls = 0

        def status(self):
            self.calls += 1
            if self.calls == 1:
                return PrinterStatus(online=True)
            return parse_status(0x1A, 0x32, 0x72)

    with pytest.raises(PrinterError) as caught:
        print_receipt(PaperRunsOut(), TICKET, paper=PAPER_58MM, job_id="j")
    assert caught.value.reason == "paper_out"
    assert "incomplete" in str(caught.value)


def test_parse_status_rejects_garbage():
    assert parse_status(0xFF).code == "error"
    assert parse_status(None).no_answer


def test_serial_exceptions_are_not_leaked_from_status():
    port = MemoryPort()
    assert isinstance(port.status(), PrinterStatus)
    assert issubclass(serial.SerialTimeoutException, serial.SerialException)
