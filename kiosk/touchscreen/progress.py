"""查询办理进度 at the kiosk: what a query code shows, and slowing down repeated wrong codes.

Query codes cannot be guessed (see `querycode`), and wrong tries slow down
on top of that: after `FREE_TRIES` wrong codes in one kiosk session or from
one address, the next try must wait, twice as long after each further wrong
code, up to `MAX_WAIT`; a right code in between does not reset the count,
which lapses only after `FORGET_AFTER` without a wrong code. The screen answers "please wait N seconds" at once
instead of sleeping, so no server thread is held. Unknown and malformed
codes get the same answer, so a try teaches nothing about the codes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from petition import lifecycle, querycode
from petition.clock import local_date

from ..models import Visit
from ..visits import operations

FREE_TRIES = 3
FIRST_WAIT = 5          # seconds, after the third wrong code
MAX_WAIT = 300
FORGET_AFTER = timedelta(minutes=15)


def wait_after(failures: int) -> int:
    """Seconds the next try must wait after this many wrong codes in a row."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_WAIT, FIRST_WAIT * 2 ** (failures - FREE_TRIES))


@dataclass
class Tries:
    failures: int = 0
    last: datetime | None = None

    def remaining_wait(self, now: datetime) -> int:
        if self.last is None:
            return 0
        if now - self.last > FORGET_AFTER:
            return 0
        left = self.last + timedelta(seconds=wait_after(self.failures)) - now
        return max(0, int(left.total_seconds() + 0.999))

    def failed(self, now: datetime) -> None:
        if self.last is not None and now - self.last > FORGET_AFTER:
            self.failures = 0
        self.failures += 1
        self.last = now


class AddressTries:
    """Wrong tries per client address, kept in this process (one kiosk, one process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_address: dict[str, Tries] = {}

    def get(self, address: str) -> Tries:
        with self._lock:
            return self._by_address.setdefault(address, Tries())

    def forget(self, address: str) -> None:
        with self._lock:
            self._by_address.pop(address, None)

    def prune(self, now: datetime) -> None:
        with self._lock:
            for address in [a for a, t in self._by_address.items()
                            if t.last is not None and now - t.last > FORGET_AFTER]:
                del self._by_address[address]


@dataclass(frozen=True)
class Progress:
    """What the visitor is shown: the status and dates of the kiosk's record, nothing personal."""

    visit: Visit
    milestones: list[tuple[object, date]]
    due_on: date | None
    updated_on: date


@dataclass(frozen=True)
class Outcome:
    progress: Progress | None = None
    wait_seconds: int = 0

    @property
    def unknown(self) -> bool:
        return self.progress is None and not self.wait_seconds


def look_up(entered: str, *, session_tries: Tries, address_tries: Tries, now: datetime) -> Outcome:
    wait = max(session_tries.remaining_wait(now), address_tries.remaining_wait(now))
    if wait:
        return Outcome(wait_seconds=wait)
    code = querycode.from_scan(entered)
    visit = operations.find_by_query_code(code) if code else None
    if visit is None:
        session_tries.failed(now)
        address_tries.failed(now)
        return Outcome()
    # A code that is found does not reset the count of wrong ones: slipping a known code in
    # between guesses would otherwise lift the slow-down. The count lapses after FORGET_AFTER.
    case = visit.case
    if case is None:  # a ticket taken but not registered at the window
        return Outcome(progress=Progress(visit=visit, milestones=[], due_on=None,
                                         updated_on=local_date(visit.updated_at)))
    updated = max(filter(None, (case.updated_at, case.office_updated_at)))
    return Outcome(progress=Progress(visit=visit, milestones=lifecycle.milestones(case),
                                     due_on=case.due_on, updated_on=local_date(updated)))
