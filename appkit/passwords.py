"""Staff passwords, for the kiosk's console and the central office's desk alike.

argon2id hashes of 64 MiB and three passes (argon2-cffi's defaults) in one
lane (parallelism 1, not its default 4): a hash then keeps one core busy for
about 0.2 s and leaves the kiosk's other core to the touch screen. A stored
hash of other parameters is made again at the next sign-in. `check` takes the stored hash or None for an unknown name and
spends the same time either way, so a wrong name cannot be told from a wrong
password by the clock.

At most `MAX_CONCURRENT` hashes run at once in a process (one): a flood of sign-ins then costs
one hash's CPU and 64 MiB at most, never all of the server's threads, memory
and CPU, so the touch screen and the progress page keep their speed. A
sign-in that finds no free slot within `CHECK_WAIT_S` is told to try again
(`Busy`) instead of holding a server thread in a queue.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MAX_CONCURRENT = 1
CHECK_WAIT_S = 0.05
HASH_WAIT_S = 30.0

_hasher = PasswordHasher(parallelism=1)
_slots = threading.BoundedSemaphore(MAX_CONCURRENT)
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class Busy(Exception):
    """Every hashing slot stayed taken: the sign-in should be tried again in a moment."""


@contextmanager
def _slot(wait: float):
    if not _slots.acquire(timeout=wait):
        raise Busy
    try:
        yield
    finally:
        _slots.release()


def hash_password(password: str) -> str:
    with _slot(HASH_WAIT_S):
        return _hasher.hash(password)


def check(stored_hash: str | None, password: str | None) -> bool:
    """True when `password` matches `stored_hash` (None: no such account, always False);
    Busy when no hashing slot frees up in time."""
    with _slot(CHECK_WAIT_S):
        try:
            _hasher.verify(stored_hash or _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """The hash was made with weaker parameters than today's; hash the password again."""
    return _hasher.check_needs_rehash(stored_hash)
