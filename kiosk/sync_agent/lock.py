"""One sync at a time per kiosk, across processes: a lock file in the instance folder.

The server's own sync (nightly, or the console's 立即同步) and a `flask --app
kiosk sync` typed in a shell would otherwise push the same records at the
same time. `flock` is released by the kernel when the process ends, however
it ends, so a killed sync never leaves the kiosk locked.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "sync.lock"


class Busy(Exception):
    """Another sync of this kiosk holds the lock."""


@contextmanager
def sync_lock(instance_path: str):
    path = Path(instance_path) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(str(path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
