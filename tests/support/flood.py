"""A sign-in flood against a served kiosk, with the touch screen's welcome page timed meanwhile.

`connections` threads each take the sign-in page once (its session cookie and
CSRF token), then post made-up names with wrong passwords as fast as the
server answers, for `seconds`; meanwhile `GET /` is asked for every
`probe_every` seconds and each answer timed. The attackers run in a process
of their own (`python -m tests.support.flood`), so the probe's timing is the
server's, not the wait for this process's GIL behind sixteen busy threads. Used by the hardening test
(which checks what is answered, not how fast) and by `make bench`
(bench/hardening.py, which reports the p95).
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class FloodResult:
    welcome_ms: list[float] = field(default_factory=list)
    welcome_statuses: list[int] = field(default_factory=list)
    flood_statuses: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.welcome_ms)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _sign_in_form(connection: http.client.HTTPConnection) -> tuple[str, str]:
    connection.request("GET", "/staff/sign-in")
    answer = connection.getresponse()
    page = answer.read().decode()
    cookie = answer.getheader("Set-Cookie", "").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return cookie, token


def attack(host: str, port: int, connections: int, seconds: float) -> FloodResult:
    """The attackers: `connections` threads posting made-up names for `seconds`."""
    result = FloodResult()
    lock = threading.Lock()
    stop = threading.Event()

    def attacker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            cookie, token = _sign_in_form(connection)
            while not stop.is_set():
                body = urllib.parse.urlencode({"csrf_token": token, "username": secrets.token_hex(6),
                                               "password": "not the password"})
                connection.request("POST", "/staff/sign-in", body=body, headers={
                    "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
                answer = connection.getresponse()
                answer.read()
                with lock:
                    result.flood_statuses.append(answer.status)
        except (OSError, http.client.HTTPException) as error:
            with lock:
                result.errors.append(f"attacker: {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attacker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(30)
    return result


def flood(host: str, port: int, *, connections: int = 16, seconds: float = 3.0,
          probe_every: float = 0.02) -> FloodResult:
    command = [sys.executable, "-m", "tests.support.flood", host, str(port), str(connections),
               str(seconds)]
    attackers = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    result = FloodResult()
    time.sleep(min(1.0, seconds / 4))  # let the flood start before timing
    probe = http.client.HTTPConnection(host, port, timeout=30)
    try:
        while attackers.poll() is None:
            started = time.perf_counter()
            probe.request("GET", "/")
            answer = probe.getresponse()
            answer.read()
            result.welcome_ms.append((time.perf_counter() - started) * 1000)
            result.welcome_statuses.append(answer.status)
            time.sleep(probe_every)
    finally:
        probe.close()
        output, _ = attackers.communicate(timeout=60)
    report = json.loads(output.strip().splitlines()[-1])
    result.flood_statuses = [int(status) for status, count in report["statuses"].items()
                             for _ in range(count)]
    result.errors = report["errors"]
    return result


if __name__ == "__main__":
    found = attack(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    # Counts, not every status: the parent reads this only once the attackers end, so it must
    # fit the pipe's buffer (64 KB) however many sign-ins a fast machine makes.
    print(json.dumps({"statuses": Counter(found.flood_statuses), "errors": found.errors[:50]}))
