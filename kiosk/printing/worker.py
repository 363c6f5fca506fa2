"""The one thread that owns the printer port.

Serial ports do not share: two threads writing at once interleave two
tickets. Every job therefore goes through one queue and one worker thread
per process. The worker starts with the first job (or explicitly when the
server starts, to pick up jobs a crash left unfinished), so creating the app
starts nothing.
"""

from __future__ import annotations

import logging
import queue
import threading

from flask import Flask

from ..extensions import db
from ..visits.writer import after_taps
from . import operations

log = logging.getLogger(__name__)
EXTENSION = "jiedai.print_worker"


class PrintWorker:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the thread (once) and queue every job a restart left unfinished."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            with self.app.app_context():
                leftovers = operations.unfinished_job_ids()
                db.session.remove()
            for job_id in leftovers:
                self.jobs.put(job_id)
            self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
            self._thread.start()

    def submit(self, job_id: str) -> None:
        self.start()
        self.jobs.put(job_id)

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self.jobs.put(None)
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            job_id = self.jobs.get()
            if job_id is None:
                return
            after_taps(self.app)  # the taps of a burst first: its tickets print just after
            with self.app.app_context():
                try:
                    operations.run_job(job_id)
                except Exception:  # noqa: BLE001 - the thread boundary: log loudly, keep serving
                    log.exception("print job %s crashed the worker; it stays unfinished", job_id)
                finally:
                    db.session.remove()


def worker(app: Flask) -> PrintWorker:
    """This app's print worker (made on first use)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, PrintWorker(app))
    return found
