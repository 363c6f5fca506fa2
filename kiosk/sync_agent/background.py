"""Syncing beside the kiosk's requests: the console's 立即同步 and the nightly window.

A sync can take minutes on a poor network, so neither the button nor the
schedule runs it in a request thread. One lock per app keeps the two from
syncing at the same time, and the agent's lock file keeps any other process
(`flask --app kiosk sync` in a shell) from syncing beside them. The thread
starts with the server (run.py), never in the app factory.

The nightly loop is supervised: whatever one night's sync raises (a bug, a
full disk), it is logged with its traceback and the loop goes on to the next
night; it never ends while the server runs.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from flask import Flask

from petition.clock import utcnow

from . import agent
from .schedule import next_nightly_run

log = logging.getLogger(__name__)
EXTENSION = "jiedai.background_sync"
NOW_ATTEMPTS = 3
NIGHTLY_ATTEMPTS = 12
# After an unexpected failure of the loop itself, wait this long before going on.
RECOVER_S = 60.0


class BackgroundSync:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._now: threading.Thread | None = None
        self._nightly: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._lock.locked()

    def configured(self) -> bool:
        return agent.configured(self.app.config)

    def sync_now(self) -> bool:
        """Start a sync in the background; False when one is running already."""
        if self.running or (self._now is not None and self._now.is_alive()):
            return False
        self._now = threading.Thread(target=self._sync, args=(NOW_ATTEMPTS,), name="sync-now",
                                     daemon=True)
        self._now.start()
        return True

    def start_nightly(self, sleep: Callable[[float], None] = time.sleep) -> bool:
        """Sync every night in KIOSK_SYNC_WINDOW, at this kiosk's own minute."""
        if not self.configured() or (self._nightly is not None and self._nightly.is_alive()):
            return False
        self._nightly = threading.Thread(target=self.nightly_loop, args=(sleep,), name="sync-nightly",
                                         daemon=True)
        self._nightly.start()
        return True

    def _sync(self, attempts: int) -> None:
        with self._lock:
            try:
                agent.run(self.app, attempts=attempts)
            except agent.SyncError as error:  # already recorded for the console and /healthz
                log.warning("sync gave up: %s", error.message)

    def nightly_loop(self, sleep: Callable[[float], None] = time.sleep, *,
                     nights: int | None = None) -> None:
        """Sleep until this kiosk's nightly minute, sync with retries, repeat: forever, or for
        `nights` rounds (tests). A round that fails unexpectedly is logged, never the end."""
        config = self.app.config
        while nights is None or nights > 0:
            try:
                wake = next_nightly_run(utcnow(), config["KIOSK_ID"], config["KIOSK_SYNC_WINDOW"])
                sleep(max(0.0, (wake - utcnow()).total_seconds()))
                self._sync(NIGHTLY_ATTEMPTS)
            except Exception:  # supervised: logged loudly, and the schedule goes on
                log.exception("the nightly sync failed unexpectedly; it runs again")
                sleep(RECOVER_S)
            if nights is not None:
                nights -= 1


def background(app: Flask) -> BackgroundSync:
    """This app's background sync (made on first use)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, BackgroundSync(app))
    return found
