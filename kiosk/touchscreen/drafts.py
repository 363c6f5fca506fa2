"""What a visitor has entered so far, kept in the kiosk's memory, not in the cookie.

Flask's session cookie is signed, not encrypted: an ID number, a phone or an
address read from the card would travel in it for anyone holding the cookie
to decode. The cookie carries only a random draft id; the draft lives here
until the visitor confirms, starts again or walks away. A draft unused for
DRAFT_TTL is forgotten, and a restart forgets them all, as the idle timeout
would anyway. The kiosk is one process (waitress threads), so one store.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time

from flask import Flask

EXTENSION = "jiedai.visitor_drafts"
DRAFT_TTL = 15 * 60.0


class DraftStore:
    def __init__(self, ttl: float = DRAFT_TTL, clock=time.monotonic) -> None:
        self._drafts: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()
        self._ttl, self._clock = ttl, clock

    def new_id(self) -> str:
        return secrets.token_urlsafe(24)

    def get(self, draft_id: str | None) -> dict | None:
        """A copy of the draft (changes count only once `put`), or None."""
        with self._lock:
            self._prune()
            entry = self._drafts.get(draft_id) if isinstance(draft_id, str) else None
            return copy.deepcopy(entry[1]) if entry else None

    def put(self, draft_id: str, draft: dict) -> None:
        with self._lock:
            self._prune()
            self._drafts[draft_id] = (self._clock(), copy.deepcopy(draft))

    def discard(self, draft_id: str | None) -> None:
        with self._lock:
            self._drafts.pop(draft_id, None)

    def __len__(self) -> int:
        with self._lock:
            self._prune()
            return len(self._drafts)

    def _prune(self) -> None:
        oldest = self._clock() - self._ttl
        for draft_id in [key for key, (at, _) in self._drafts.items() if at < oldest]:
            del self._drafts[draft_id]


def drafts(app: Flask) -> DraftStore:
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, DraftStore())
    return found
