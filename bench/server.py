"""The real kiosk server in a subprocess: `flask db upgrade`, then `python run.py`.

Used by the durability test (which SIGKILLs it) and by the benchmarks (cold
start, registration latency), so both measure what `make run` starts.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(instance: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIOSK_")}
    env.update(KIOSK_INSTANCE_PATH=str(instance), KIOSK_ID="kiosk-bench",
               KIOSK_PRINTER_URL="preview", PYTHONDONTWRITEBYTECODE="1")
    return env


def upgrade(instance: Path) -> None:
    """Create the database as a new kiosk does: the Alembic migrations."""
    instance.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "flask", "--app", "kiosk", "db", "upgrade"],
                   cwd=ROOT, env=environment(instance), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


class Server:
    """`python run.py --port P` with its own instance folder."""

    def __init__(self, instance: Path, port: int | None = None, threads: int = 8):
        self.instance = instance
        self.port = port or free_port()
        self.threads = threads
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> float:
        """Start and wait for the first 200 of /healthz; return the seconds that took."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "run.py", "--port", str(self.port), "--threads", str(self.threads)],
            cwd=ROOT, env=environment(self.instance),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not healthy(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"run.py exited with {self.process.returncode}")
            if time.perf_counter() - started > timeout:
                self.kill()
                raise RuntimeError("run.py did not answer /healthz")
            time.sleep(0.01)
        return time.perf_counter() - started

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a power cut or a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process:
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.kill()
