"""Staff passwords, for the kiosk's console and the central office's desk alike.

argon2id hashes (argon2-cffi's defaults). `check` takes the stored hash or
None for an unknown name and spends the same time either way, so a wrong
name cannot be told from a wrong password by the clock.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check(stored_hash: str | None, password: str | None) -> bool:
    """True when `password` matches `stored_hash` (None: no such account, always False)."""
    try:
        _hasher.verify(stored_hash or _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """The hash was made with weaker parameters than today's; hash the password again."""
    return _hasher.check_needs_rehash(stored_hash)
