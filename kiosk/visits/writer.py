"""Group commit of registrations: the taps that arrive while one commits share the next commit.

SQLite has one writer, and with synchronous=FULL every commit waits for the
disk (a few milliseconds of fsync). Sixteen taps at once committed one by
one wait sixteen fsyncs for the last of them. Here a tap that finds no
registration being written writes its own and every tap that queued behind
it in one transaction (BEGIN IMMEDIATE, so the write lock is taken before
anything is read), with one fsync; each tap is answered only after that
commit returned, so nothing is acknowledged before it is durable.

A batch that fails as a whole (a query code drawn twice, the disk) is rolled
back, numbers included, and its taps are written again one by one, so one
tap's fault is never another's. The writer of a batch is the first waiting
tap's own request thread; nothing runs in the background. One `Writer` per
app (each app has its own database).

The print worker's status updates take the same lock (`exclusive`): a tap
that comes while one is being written waits on this lock, which wakes it the
moment the write ends, instead of in SQLite's busy handler, which polls with
sleeps of up to 100 ms.

Taps come first. A status update waits until no tap is queued or being
written, and the print worker starts a job only once no tap has been written
for `QUIET_SECONDS` (`after_taps`); either waits `YIELD_SECONDS` at the most.
So a burst of taps is not held up by the tickets of the taps before it,
their fsyncs and their rendering, which costs more CPU than a tap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask

EXTENSION = "jiedai.registration_writer"
LOCK = "jiedai.write_lock"
YIELD_SECONDS = 2.0  # the longest another write waits for the taps
QUIET_SECONDS = 0.03  # no tap written for this long: the burst is over


@dataclass
class Pending:
    """One tap's rows, waiting to be written; `result` or `error` once its batch ended."""

    work: object
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    result: object = None
    error: BaseException | None = None


class Writer:
    def __init__(self, write_batch: Callable[[list], list],
                 database: threading.Lock | None = None) -> None:
        # write_batch(works) writes and commits them all in one transaction, or raises having
        # rolled back; it returns one result per work.
        self.write_batch = write_batch
        self._lock = threading.Lock()
        self._queue: list[Pending] = []
        self._writing = False
        self.idle = threading.Event()  # set while no tap is queued or being written
        self.idle.set()
        self.last_written = 0.0  # time.monotonic() when the last batch ended
        self.database = database or threading.Lock()  # held while writing (see `exclusive`)

    def write(self, work):
        pending = Pending(work)
        with self._lock:
            self._queue.append(pending)
            if not self._writing:
                self._writing = pending.lead = True
                self.idle.clear()
        while True:
            if pending.lead:
                self._write_queued()
            pending.done.wait()
            if pending.lead and pending.result is None and pending.error is None:
                pending.done.clear()  # made the writer of the next batch: write it
                continue
            break
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _write_queued(self) -> None:
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            self._write(batch)
        finally:
            with self._lock:
                if self._queue:  # the next batch is written by its first tap's thread
                    following = self._queue[0]
                    following.lead = True
                    following.done.set()
                else:
                    self._writing = False
                    self.last_written = time.monotonic()
                    self.idle.set()

    def wait_for_quiet(self, quiet: float, longest: float) -> None:
        """Return once no tap is queued or being written and none was for `quiet` seconds,
        or after `longest` seconds."""
        deadline = time.monotonic() + longest
        while (left := deadline - time.monotonic()) > 0 and self.idle.wait(left):
            since = time.monotonic() - self.last_written
            if since >= quiet:
                return
            time.sleep(min(quiet - since, left))

    def _write(self, batch: list[Pending]) -> None:
        try:
            with self.database:
                results = self.write_batch([p.work for p in batch])
        except BaseException as error:  # noqa: BLE001 - each tap gets its own outcome below
            if not isinstance(error, Exception):  # the process is stopping: nobody waits forever
                for pending in batch:
                    pending.error = error
                    pending.done.set()
                raise
            if len(batch) == 1:
                batch[0].error = error
                batch[0].done.set()
                return
            for pending in batch:  # one tap's fault is not the others': one by one
                self._write([pending])
            return
        for pending, result in zip(batch, results):
            pending.result = result
            pending.done.set()


def writer(app: Flask, write_batch: Callable[[list], list]) -> Writer:
    """This app's registration writer (made on first use)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, Writer(write_batch, _lock(app)))
    return found


def _lock(app: Flask) -> threading.Lock:
    found = app.extensions.get(LOCK)
    return found if found is not None else app.extensions.setdefault(LOCK, threading.Lock())


def after_taps(app: Flask) -> None:
    """Wait for a burst of taps to be written (see the module's docstring): for work that can
    wait a moment, such as printing the tickets of the taps before."""
    taps = app.extensions.get(EXTENSION)
    if taps is not None:
        taps.wait_for_quiet(QUIET_SECONDS, YIELD_SECONDS)


@contextmanager
def exclusive(app: Flask) -> Iterator[None]:
    """Hold this app's write lock: for another short write of this process (a print job's
    status), so registrations queue for it here rather than in SQLite's busy handler. It is
    taken once no tap is queued or being written, or after `YIELD_SECONDS` at the most."""
    taps = app.extensions.get(EXTENSION)
    if taps is not None:
        taps.idle.wait(YIELD_SECONDS)
    with _lock(app):
        yield
