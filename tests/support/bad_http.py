"""A server on 127.0.0.1 that answers every connection with raw bytes of a test's choosing.

For the sync agent's tests: truncated answers, status lines that are not
HTTP, connections closed without a word, bodies that are not JSON. Each
connection takes the next planned answer (the last one repeats); `served`
counts the connections.
"""

from __future__ import annotations

import socket
import threading


def http_answer(body: bytes, *, status: str = "200 OK", length: int | None = None,
                content_type: str = "application/json") -> bytes:
    """A raw HTTP/1.1 answer; `length` other than len(body) makes it truncated."""
    declared = len(body) if length is None else length
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\n"
            f"Connection: close\r\n\r\n").encode() + body


class BadServer:
    def __init__(self, *answers: bytes):
        self.answers = list(answers) or [b""]
        self.served = 0
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(1 << 20)  # the request (the agent sends it whole, small)
                    answer = self.answers[min(self.served, len(self.answers) - 1)]
                    self.served += 1
                    conn.sendall(answer)
                except OSError:
                    continue

    def close(self) -> None:
        self._listener.close()
