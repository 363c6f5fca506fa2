"""Virtual ESC/POS printers for tests: a pty and a TCP socket (socket://).

Each records the bytes it receives and answers the real-time status request
`DLE EOT n` (n = 1, 2, 4) as the chosen `Scenario` dictates, so transports
and print jobs are tested end to end through pyserial without hardware.
`SILENT` never answers; `STALLED` answers the first status requests, then
stops reading, the way a jammed printer's buffer fills, so writes time out.
"""

from __future__ import annotations

import enum
import os
import select
import socket
import threading
import time


class Scenario(enum.Enum):
    ONLINE = "online"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    SILENT = "silent"
    STALLED = "stalled"


# Answers per request n; 0x12 are the bits a real answer always has.
ANSWERS = {
    Scenario.ONLINE: {1: 0x12, 2: 0x12, 4: 0x12},
    Scenario.STALLED: {1: 0x12, 2: 0x12, 4: 0x12},
    Scenario.PAPER_NEAR_END: {1: 0x12, 2: 0x12, 4: 0x12 | 0x0C},
    Scenario.PAPER_OUT: {1: 0x12 | 0x08, 2: 0x12 | 0x20, 4: 0x12 | 0x60},
    Scenario.COVER_OPEN: {1: 0x12 | 0x08, 2: 0x12 | 0x04, 4: 0x12},
}
# A stalled printer keeps reading until this many bytes, then stops.
STALL_AFTER = 64


class VirtualPrinter:
    """Base: subclasses move bytes; this class records and answers."""

    url: str

    def __init__(self, scenario: Scenario = Scenario.ONLINE) -> None:
        self.scenario = scenario
        self.received = bytearray()
        self.status_requests: list[int] = []
        self._pending = bytearray()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _feed(self, data: bytes) -> bytes:
        """Record data; return the status answers to send back."""
        with self._lock:
            self.received += data
            self._pending += data
            answers = bytearray()
            while True:
                at = self._pending.find(b"\x10\x04")
                if at < 0 or at + 2 >= len(self._pending):
                    break
                n = self._pending[at + 2]
                self.status_requests.append(n)
                del self._pending[:at + 3]
                table = ANSWERS.get(self.scenario)
                if table is not None and n in table:
                    answers.append(table[n])
            # Keep only what could be the start of a request split across reads.
            for keep in (b"\x10\x04", b"\x10"):
                if self._pending.endswith(keep):
                    self._pending = bytearray(keep)
                    break
            else:
                self._pending.clear()
            return bytes(answers)

    def _may_read(self) -> bool:
        return self.scenario is not Scenario.STALLED or len(self.received) < STALL_AFTER

    def start(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _run(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _close(self) -> None:
        pass


class PtyPrinter(VirtualPrinter):
    """A printer on the far side of a pseudo-terminal; `url` is the slave path."""

    def __init__(self, scenario: Scenario = Scenario.ONLINE) -> None:
        super().__init__(scenario)
        self.master, self.slave = os.openpty()
        self.url = os.ttyname(self.slave)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._may_read():
                time.sleep(0.01)
                continue
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096 if self.scenario is not Scenario.STALLED else 16)
            except OSError:
                break
            answer = self._feed(data)
            if answer:
                os.write(self.master, answer)

    def _close(self) -> None:
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class TcpPrinter(VirtualPrinter):
    """A network printer on 127.0.0.1; `url` is socket://127.0.0.1:<port>."""

    def __init__(self, scenario: Scenario = Scenario.ONLINE) -> None:
        super().__init__(scenario)
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer makes a stalled printer push back quickly.
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.url = "socket://127.0.0.1:%d" % self.server.getsockname()[1]
        self.connections: list[socket.socket] = []

    def _run(self) -> None:
        sockets = [self.server]
        while not self._stop.is_set():
            readable = sockets if self._may_read() else [self.server]
            ready, _, _ = select.select(readable, [], [], 0.02)
            for sock in ready:
                if sock is self.server:
                    conn, _ = self.server.accept()
                    self.connections.append(conn)
                    sockets.append(conn)
                    continue
                try:
                    data = sock.recv(4096 if self.scenario is not Scenario.STALLED else 16)
                except OSError:
                    data = b""
                if not data:
                    sockets.remove(sock)
                    sock.close()
                    continue
                answer = self._feed(data)
                if answer:
                    sock.sendall(answer)

    def unplug(self) -> None:
        """Drop every connection, as when the cable is pulled."""
        for conn in self.connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _close(self) -> None:
        for conn in self.connections:
            conn.close()
        self.server.close()
