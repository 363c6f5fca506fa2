"""A simulated ID card reader on a pseudo-terminal, answering with frames the tests build.

`SimulatedReader` opens a pty; the kiosk opens its slave end as it would
/dev/ttyUSB0. A thread reads each command frame from the master end and
answers with what `answer(command)` returns: whole frames, broken frames,
partial frames, nothing (silence), or `UNPLUG`. `card()` builds the replies of a card
on the reader, `CARD` is a sample card's fields.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from typing import Callable

from kiosk.cardreader import protocol

UNPLUG = b"unplug"  # an answer that pulls the reader's cable instead of answering

CARD = dict(name="张三丰", sex="1", ethnicity="01", birth_date="19800101",
            address="山东省济南市历下区泉城路1号", id_number="",
            authority="济南市公安局历下分局", valid_from="20200101", valid_to="20400101")


def reply(sw3: int, data: bytes = b"") -> bytes:
    return protocol.frame(bytes([0, 0, sw3]) + data)


def read_reply(fields: dict) -> bytes:
    text = protocol.encode_text(**fields)
    photo = bytes(range(256)) * 4
    data = (len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo)
    return reply(protocol.OK, data)


def card(fields: dict) -> Callable[[bytes], bytes | None]:
    """The answers of a reader with this card lying on it."""
    def answer(code: bytes) -> bytes | None:
        if code == protocol.FIND_CARD:
            return reply(protocol.FOUND, b"\x00\x00\x00\x00")
        if code == protocol.SELECT_CARD:
            return reply(protocol.OK, bytes(8))
        if code == protocol.READ_TEXT_PHOTO:
            return read_reply(fields)
        return reply(0x21)
    return answer


class SimulatedReader:
    def __init__(self, answer: Callable[[bytes], bytes | None]):
        self.answer = answer
        self.commands: list[bytes] = []
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "SimulatedReader":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for fd in (self.master, self.slave):
            if fd < 0:
                continue
            try:
                os.close(fd)
            except OSError:
                pass

    def unplug(self) -> None:
        """The reader's cable pulled: the device end goes away."""
        self._stop.set()
        self._thread.join(timeout=5)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def _run(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                buffer += os.read(self.master, 4096)
            except OSError:
                return
            while True:
                start = buffer.find(protocol.PREAMBLE)
                if start < 0 or len(buffer) < start + 7:
                    break
                length = int.from_bytes(buffer[start + 5:start + 7], "big")
                end = start + 7 + length
                if len(buffer) < end:
                    break
                frame, buffer = buffer[start:end], buffer[end:]
                code = frame[7:9]
                self.commands.append(code)
                answer = self.answer(code)
                if answer is UNPLUG:
                    os.close(self.master)
                    self.master = -1
                    return
                if answer:
                    os.write(self.master, answer)
