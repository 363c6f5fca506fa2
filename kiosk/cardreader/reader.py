"""Reading one ID card through the reader named by KIOSK_CARD_READER_URL.

`read_card` opens the port with pyserial's `serial_for_url` (a device path
such as /dev/ttyUSB0, `socket://host:port`, `loop://`), asks for a card until
one is there or the wait is over, selects it and reads its text, then closes
the port. Every failure is a `CardReaderError` subclass whose `reason` is a
calm sentence for the visitor: an unplugged or missing reader, silence, a
garbled or short frame, no card, a card moved away before the read ended.
One process reads one card at a time; a second tap while a read runs is told
the reader is busy instead of waiting behind it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import serial
from flask_babel import lazy_gettext as _l

from . import protocol
from .protocol import BadFrame, CardMoved, CardReaderError, CardText, NoCard, ReaderSilent, ReaderUnavailable

_ONE_AT_A_TIME = threading.Lock()

try:
    import termios
except ImportError:  # Windows: pyserial does not use termios there
    termios = None

# What a port that vanished mid-use raises: pyserial's own error, the OS's, and on POSIX
# termios.error (not an OSError) from tcflush/tcdrain on a device that was pulled out.
PORT_GONE = (serial.SerialException, OSError) + ((termios.error,) if termios else ())


class ReaderBusy(CardReaderError):
    reason = _l("The card reader is busy. Please wait a moment and try again.")


@dataclass(frozen=True)
class ReaderConfig:
    url: str
    baudrate: int = 115200
    timeout: float = 1.0  # seconds a reply may take to start and to finish

    @classmethod
    def from_app(cls, config) -> "ReaderConfig":
        return cls(url=config["KIOSK_CARD_READER_URL"], baudrate=config["KIOSK_CARD_READER_BAUDRATE"],
                   timeout=config["KIOSK_CARD_READER_TIMEOUT"])


def _read_exactly(port, count: int, deadline: float) -> bytes:
    data = b""
    while len(data) < count:
        if time.monotonic() >= deadline:
            break
        chunk = port.read(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def receive(port, timeout: float) -> protocol.Reply:
    """One reply frame from `port`: skip noise up to the preamble, then length and body."""
    deadline = time.monotonic() + timeout
    window = b""
    started = False
    while not window.endswith(protocol.PREAMBLE):
        byte = port.read(1)
        if not byte:
            if started:
                raise BadFrame("reply stopped before its preamble ended")
            raise ReaderSilent("no reply from the reader")
        started = True
        window = (window + byte)[-len(protocol.PREAMBLE):]
        if time.monotonic() > deadline:
            raise BadFrame("no preamble in the reader's reply")
    head = _read_exactly(port, 2, deadline)
    if len(head) < 2:
        raise BadFrame("reply stopped inside its length")
    length = int.from_bytes(head, "big")
    body = _read_exactly(port, length, deadline)
    if len(body) < length:
        raise BadFrame(f"short reply: {len(body)} of {length} bytes")
    return protocol.parse_reply(protocol.PREAMBLE + head + body)


def _exchange(port, request: bytes, timeout: float) -> protocol.Reply:
    port.reset_input_buffer()
    port.write(request)
    port.flush()
    return receive(port, timeout)


def read_from_port(port, *, wait: float, timeout: float, sleep=time.sleep) -> CardText:
    """Find, select and read a card on an open port, trying to find one for up to `wait` s."""
    give_up = time.monotonic() + wait
    while True:
        reply = _exchange(port, protocol.command(protocol.FIND_CARD), timeout)
        if reply.sw3 == protocol.FOUND:
            break
        if reply.sw3 != protocol.NO_CARD:
            raise BadFrame(f"find card answered status {reply.sw3:#04x}")
        if time.monotonic() >= give_up:
            raise NoCard("no card on the reader")
        sleep(0.2)
    reply = _exchange(port, protocol.command(protocol.SELECT_CARD), timeout)
    if reply.sw3 in (protocol.NO_CARD, protocol.SELECT_FAILED):
        raise CardMoved("the card went away before it was selected")
    if reply.sw3 != protocol.OK:
        raise BadFrame(f"select card answered status {reply.sw3:#04x}")
    try:
        reply = _exchange(port, protocol.command(protocol.READ_TEXT_PHOTO), timeout)
    except (ReaderSilent, BadFrame) as error:
        # The card was there a moment ago: a reply that stops or garbles now is a card
        # lifted off mid-read far more often than a faulty reader.
        raise CardMoved(f"the read did not finish: {error}") from None
    if reply.sw3 in (protocol.READ_FAILED, protocol.NO_CARD, protocol.SELECT_FAILED):
        raise CardMoved("the card went away while it was read")
    if reply.sw3 != protocol.OK:
        raise BadFrame(f"read answered status {reply.sw3:#04x}")
    return protocol.parse_read_data(reply.data)


def read_card(config: ReaderConfig, *, wait: float) -> CardText:
    """Open the reader, read one card (waiting up to `wait` s for it), close the reader."""
    if not config.url:
        raise ReaderUnavailable("no card reader is configured (KIOSK_CARD_READER_URL is empty)")
    if not _ONE_AT_A_TIME.acquire(timeout=0.5):
        raise ReaderBusy("another read is running")
    try:
        try:
            port = serial.serial_for_url(config.url, baudrate=config.baudrate,
                                         timeout=config.timeout, write_timeout=config.timeout)
        except (serial.SerialException, OSError, ValueError) as error:
            raise ReaderUnavailable(f"cannot open the card reader: {error}") from None
        try:
            return read_from_port(port, wait=wait, timeout=config.timeout)
        except PORT_GONE as error:
            # Pulled out mid-read.
            raise ReaderUnavailable(f"the card reader stopped answering: {error}") from None
        finally:
            try:
                port.close()
            except PORT_GONE:
                pass  # closing a port whose device is gone: nothing is left to release
    finally:
        _ONE_AT_A_TIME.release()
