"""A fault-injecting TCP proxy on 127.0.0.1 between the sync agent and the central app.

Each new connection takes the next planned fault (or "pass"):

- "pass"        forward the request and the answer untouched
- "cut_request" forward the head and half the body, then cut both connections
- "drop_reply"  forward the whole request, let the central app answer (it has
                committed), and cut the agent's connection without the answer
- "duplicate"   deliver the request to the central app twice; the agent gets
                the first answer
- "refuse"      close the agent's connection at once, without a byte
- "hold_before" wait for `release` before forwarding (e.g. to restart the central app)
- "hold_after"  forward, let the central app commit, then wait for `release`
                before answering (e.g. to SIGKILL the agent while it waits)

`held` is set when a connection is being held.

`down()` closes the listening socket so connecting is refused outright; `up()`
listens again on the same port. The agent sends `Connection: close`, so one
connection carries one request.
"""

from __future__ import annotations

import socket
import threading
from collections import deque


def _read_request(sock: socket.socket) -> bytes:
    """The whole HTTP request: head up to the blank line, then Content-Length bytes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _exchange(port: int, request: bytes) -> bytes:
    """Send one request to the upstream and read its answer until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as upstream:
        upstream.sendall(request)
        answer = b""
        while True:
            chunk = upstream.recv(65536)
            if not chunk:
                return answer
            answer += chunk


class FaultProxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.faults: deque[str] = deque()
        self.log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.held, self.release = threading.Event(), threading.Event()
        self._listener: socket.socket | None = None
        self.port = 0
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def plan(self, *faults: str) -> None:
        with self._lock:
            self.faults.extend(faults)

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    close = down

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                fault = self.faults.popleft() if self.faults else "pass"
            threading.Thread(target=self._serve, args=(conn, fault), daemon=True).start()

    def _serve(self, conn: socket.socket, fault: str) -> None:
        with conn:
            conn.settimeout(30)
            if fault == "refuse":
                self.log.append((fault, ""))
                return
            request = _read_request(conn)
            self.log.append((fault, request.split(b"\r\n", 1)[0].decode("latin-1")))
            try:
                if fault == "cut_request":
                    head, _, body = request.partition(b"\r\n\r\n")
                    with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
                        upstream.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
                    return
                if fault == "hold_before":
                    self.held.set()
                    self.release.wait(30)
                answer = _exchange(self.upstream_port, request)
                if fault == "hold_after":
                    self.held.set()
                    self.release.wait(30)
                if fault == "drop_reply":
                    return
                if fault == "duplicate":
                    _exchange(self.upstream_port, request)
                conn.sendall(answer)
            except OSError:
                return  # the upstream is down: the agent sees its connection closed
