"""Defect 7: a sign-in flood of made-up names slowed the touch screen (one 64 MiB hash each).

Sixteen connections post made-up names at the console's sign-in over real
HTTP while the touch screen's welcome page is asked for again and again. The
latency is measured and printed (make bench reports its p95 against 50 ms);
what is checked is what a user would see: every welcome page answered, no
sign-in answered with a server error, the hashing stopped at the
per-address limit and never more than two hashes at once.
"""

from __future__ import annotations

import threading

import pytest

from appkit import passwords
from appkit.serving import ThreadedServer
from tests.support.apps import free_port
from tests.support.flood import flood


class ObservedHasher:
    """Counts the hashes and the most that ran at once."""

    def __init__(self, real):
        self.real, self.lock = real, threading.Lock()
        self.running = self.most = self.verified = 0

    def verify(self, *args):
        with self.lock:
            self.running += 1
            self.verified += 1
            self.most = max(self.most, self.running)
        try:
            return self.real.verify(*args)
        finally:
            with self.lock:
                self.running -= 1

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.slow
def test_a_sixteen_connection_sign_in_flood_leaves_the_touch_screen_answering(app, monkeypatch):
    observed = ObservedHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", observed)
    server = ThreadedServer(app, free_port(), threads=8).start()
    try:
        result = flood("127.0.0.1", server.port, connections=16, seconds=3.0)
    finally:
        server.stop()
    print(f"\nGET / during the flood: p50 {result.percentile(0.5):.1f} ms, "
          f"p95 {result.percentile(0.95):.1f} ms over {len(result.welcome_ms)} requests; "
          f"{len(result.flood_statuses)} sign-ins, {observed.verified} hashed")
    assert result.errors == []
    assert result.welcome_statuses and set(result.welcome_statuses) == {200}
    assert len(result.flood_statuses) > app.config["KIOSK_SIGN_IN_ADDRESS_ATTEMPTS"]
    assert set(result.flood_statuses) <= {200, 429}  # refused or told to wait, never a 5xx
    assert result.flood_statuses.count(429) > len(result.flood_statuses) // 2  # the limit held
    assert observed.verified <= app.config["KIOSK_SIGN_IN_ADDRESS_ATTEMPTS"]
    assert observed.most <= passwords.MAX_CONCURRENT
