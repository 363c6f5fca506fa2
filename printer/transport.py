"""Where receipt bytes go: printer ports, printer status, and one print job.

A `PrinterPort` has one job, `write(bytes)`, plus `status()`; ports are
context managers and are closed explicitly, never in `__del__`. Real
printers are reached through pyserial's `serial_for_url` (device paths,
`socket://host:9100`, `loop://`); the preview port writes each job's bytes
and a readable rendering to files so a kiosk with no printer still works.
Status comes from the real-time `DLE EOT n` request. `send_job` and
`print_receipt` check status before, write under a deadline, check status
after, and turn every failure into a `PrinterError` whose `reason` says
what a person at the window should do.

Notes on pyserial 3.5's `socket://` handler, checked in its source: the TCP
connect always uses a fixed 5 s timeout (not ours), after which the socket
is non-blocking and both `timeout` (reads) and `write_timeout` (via select)
are honoured; `baudrate`, `parity` and flow control are accepted and
ignored; `close()` sleeps 0.3 s and leaks the socket if the peer already
dropped the connection (worked around in `SerialPrinterPort.close`). A write returns once the kernel has the bytes, so "written" means
handed to the network, which is why status is asked again after the job.
"""

from __future__ import annotations

import os
import re
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import serial

from printer.escpos import encode
from printer.receipt import Paper, Receipt
from printer.render import to_text

DLE_EOT = b"\x10\x04"
# Bits 1 and 4 are always set and bits 0 and 7 always clear in a real
# DLE EOT answer; anything else is line noise or a different device.
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12

REASONS = {
    "ok": "printer ready",
    "paper_out": "paper out: load a new roll",
    "cover_open": "printer cover open: close the cover",
    "offline": "printer offline",
    "no_answer": "printer does not answer (off, unplugged or wrong port settings)",
    "error": "printer reports an error",
    "disconnected": "connection to the printer lost (unplugged?)",
    "write_timeout": "printer stopped accepting data (write timeout)",
    "cannot_open": "cannot open the printer port",
}

_SAFE_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
CHUNK_SIZE = 256


class PrinterError(Exception):
    """A print that did not happen; `reason` is a code from REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        message = REASONS.get(reason, reason)
        super().__init__(f"{message}: {detail}" if detail else message)


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; `code` is a key of REASONS."""

    online: bool
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    no_answer: bool = False
    error: bool = False
    code: str = "ok"

    @property
    def ready(self) -> bool:
        return self.code == "ok"

    @property
    def reason(self) -> str:
        text = REASONS[self.code]
        if self.paper_near_end and self.code in ("ok", "offline"):
            text += " (paper near end)"
        return text


def parse_status(printer: int | None, offline_cause: int | None = None,
                 paper: int | None = None) -> PrinterStatus:
    """Decode the answers to DLE EOT 1, 2 and 4 (None: not asked or no answer)."""
    if printer is None:
        return PrinterStatus(online=False, no_answer=True, code="no_answer")
    for byte in (printer, offline_cause, paper):
        if byte is not None and byte & _FIXED_MASK != _FIXED_BITS:
            return PrinterStatus(online=False, error=True, code="error")
    offline = bool(printer & 0x08)
    cover_open = bool(offline_cause is not None and offline_cause & 0x04)
    error = bool(offline_cause is not None and offline_cause & 0x40)
    paper_out = bool((offline_cause is not None and offline_cause & 0x20)
                     or (paper is not None and paper & 0x60))
    near_end = bool(paper is not None and paper & 0x0C)
    # The order is what a person must fix first.
    if cover_open:
        code = "cover_open"
    elif paper_out:
        code = "paper_out"
    elif error:
        code = "error"
    elif offline:
        code = "offline"
    else:
        code = "ok"
    return PrinterStatus(online=not offline and code == "ok", cover_open=cover_open,
                         paper_near_end=near_end, paper_out=paper_out, error=error, code=code)


class PrinterPort(ABC):
    """Anything that takes printer bytes. Use as a context manager."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send bytes; may raise serial.SerialTimeoutException or SerialException."""

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the printer how it is."""

    def write_job(self, job_id: str, data: bytes, text: str, *,
                  deadline: float | None = None) -> None:
        """Send one job. `text` is its readable rendering, which only the
        preview port keeps; `deadline` is a time.monotonic() value.

        Bytes go in chunks so a job stops within one write timeout of its
        deadline, whatever the size of the job.
        """
        for start in range(0, len(data), CHUNK_SIZE):
            if deadline is not None and time.monotonic() > deadline:
                raise PrinterError("write_timeout", f"job {job_id} exceeded its deadline")
            self.write(data[start:start + CHUNK_SIZE])

    def close(self) -> None:
        """Release the port; closing twice is harmless."""

    def __enter__(self) -> PrinterPort:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SerialPrinterPort(PrinterPort):
    """A printer behind a pyserial object: serial device, socket:// or loop://."""

    def __init__(self, port: serial.SerialBase) -> None:
        self._serial = port

    def write(self, data: bytes) -> None:
        self._serial.write(data)

    def _ask(self, n: int) -> int | None:
        self._serial.reset_input_buffer()  # drop stale answers
        self._serial.write(DLE_EOT + bytes([n]))
        answer = self._serial.read(1)  # bounded by the port's read timeout
        return answer[0] if answer else None

    def status(self) -> PrinterStatus:
        try:
            printer = self._ask(1)
            if printer is None:
                return parse_status(None)
            paper = self._ask(4)
            cause = self._ask(2) if printer & 0x08 else None
        except serial.SerialTimeoutException:
            return PrinterStatus(online=False, error=True, code="write_timeout")
        except (serial.SerialException, OSError):
            return PrinterStatus(online=False, error=True, code="disconnected")
        return parse_status(printer, cause, paper)

    def close(self) -> None:
        # pyserial 3.5's socket:// close() skips socket.close() when shutdown()
        # fails, which it does once the printer dropped the connection: close
        # the socket ourselves so an unplugged network printer leaks nothing.
        sock = getattr(self._serial, "_socket", None)
        if self._serial.is_open:
            self._serial.close()
        if sock is not None:
            sock.close()


class PreviewPort(PrinterPort):
    """No printer: each job becomes `<job_id>.bin` and `<job_id>.txt`."""

    def __init__(self, directory: str | os.PathLike[str], job_id: str | None = None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.default_job_id = job_id

    def _path(self, job_id: str, suffix: str) -> Path:
        # The job id becomes a file name: refuse anything that could escape.
        if not _SAFE_JOB_ID.match(job_id):
            raise ValueError(f"unsafe job id for a preview file: {job_id!r}")
        return self.directory / f"{job_id}{suffix}"

    def _store(self, path: Path, content: bytes) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, path)  # a reader never sees half a job

    def write(self, data: bytes) -> None:
        job_id = self.default_job_id or time.strftime("job-%Y%m%dT%H%M%S")
        path = self._path(job_id, ".bin")
        with path.open("ab") as f:
            f.write(data)

    def write_job(self, job_id: str, data: bytes, text: str, *,
                  deadline: float | None = None) -> None:
        self._store(self._path(job_id, ".bin"), data)
        self._store(self._path(job_id, ".txt"), text.encode("utf-8"))

    def status(self) -> PrinterStatus:
        return PrinterStatus(online=True)


class MemoryPort(PrinterPort):
    """A test double that keeps every byte and reports a chosen status."""

    def __init__(self, status: PrinterStatus | None = None) -> None:
        self.data = bytearray()
        self.jobs: list[tuple[str, bytes, str]] = []
        self.next_status = status or PrinterStatus(online=True)
        self.closed = False

    def write(self, data: bytes) -> None:
        self.data += data

    def write_job(self, job_id: str, data: bytes, text: str, *,
                  deadline: float | None = None) -> None:
        super().write_job(job_id, data, text, deadline=deadline)
        self.jobs.append((job_id, data, text))

    def status(self) -> PrinterStatus:
        return self.next_status

    def close(self) -> None:
        self.closed = True


def open_printer(url: str, *, baudrate: int = 9600, parity: str = "N", rtscts: bool = False,
                 xonxoff: bool = False, write_timeout: float = 2.0, status_timeout: float = 0.3,
                 preview_dir: str | os.PathLike[str] | None = None,
                 job_id: str | None = None) -> PrinterPort:
    """Open the printer named by a URL: 'preview', a device path, socket://, loop://.

    Raises PrinterError('cannot_open') when the port cannot be opened.
    """
    if url in ("preview", "preview:", "preview://"):
        if preview_dir is None:
            raise ValueError("the preview printer needs preview_dir")
        return PreviewPort(preview_dir, job_id)
    try:
        port = serial.serial_for_url(
            url, baudrate=baudrate, parity=parity, rtscts=rtscts, xonxoff=xonxoff,
            timeout=status_timeout, write_timeout=write_timeout,
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PrinterError("cannot_open", f"{url}: {exc}") from exc
    return SerialPrinterPort(port)


def send_job(port: PrinterPort, job_id: str, data: bytes, text: str, *,
             job_timeout: float = 10.0, require_status: bool = True) -> PrinterStatus:
    """Check status, write under a deadline, check status again.

    Returns the status after the job (it may warn of paper near end).
    `require_status=False` is for printers that never answer DLE EOT: such a
    printer is then trusted instead of refused. The job takes at most
    `job_timeout` plus one write timeout plus two status timeouts.
    """
    before = port.status()
    if not before.ready and not (before.code == "no_answer" and not require_status):
        raise PrinterError(before.code, "before printing")
    deadline = time.monotonic() + job_timeout
    try:
        port.write_job(job_id, data, text, deadline=deadline)
    except serial.SerialTimeoutException as exc:
        raise PrinterError("write_timeout", f"job {job_id}") from exc
    except (serial.SerialException, OSError) as exc:
        raise PrinterError("disconnected", f"job {job_id}: {exc}") from exc
    after = port.status()
    if not after.ready and not (after.code == "no_answer" and not require_status):
        raise PrinterError(after.code, "after printing; the ticket may be incomplete")
    return after


def print_receipt(port: PrinterPort, receipt: Receipt, *, paper: Paper, job_id: str,
                  job_timeout: float = 10.0, require_status: bool = True) -> PrinterStatus:
    """Encode a receipt and print it as one job (see `send_job`)."""
    return send_job(port, job_id, encode(receipt, paper), to_text(receipt, paper),
                    job_timeout=job_timeout, require_status=require_status)
