"""What a visitor has entered so far, kept in the kiosk's memory, not in the cookie.

Flask's session cookie is signed, not encrypted: an ID number, a phone or an
address read from the card would travel in it for anyone holding the cookie
to decode. The cookie carries only a random draft id; the draft lives here
until the visitor confirms, starts again or walks away. A draft unused for
DRAFT_TTL is forgotten, and a restart forgets them all, as the idle timeout
would anyway. The kiosk is one process (waitress threads), so one store.

The store is bounded: one client (an address) keeps at most
MAX_PER_CLIENT drafts and the kiosk at most MAX_DRAFTS; past that the
oldest is forgotten, so a script that starts visit after visit without
its cookie cannot fill the kiosk's memory.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time

from flask import Flask

EXTENSION = "jiedai.visitor_drafts"
DRAFT_TTL = 15 * 60.0
MAX_PER_CLIENT = 20
MAX_DRAFTS = 2000


class DraftStore:
    def __init__(self, ttl: float = DRAFT_TTL, clock=time.monotonic, *,
                 per_client: int = MAX_PER_CLIENT, total: int = MAX_DRAFTS) -> None:
        # draft id → (last used, client, draft); insertion order is age order (put moves to the end)
        self._drafts: dict[str, tuple[float, str, dict]] = {}
        self._lock = threading.Lock()
        self._ttl, self._clock = ttl, clock
        self._per_client, self._total = per_client, total

    def new_id(self) -> str:
        return secrets.token_urlsafe(24)

    def get(self, draft_id: str | None) -> dict | None:
        """A copy of the draft (changes count only once `put`), or None."""
        with self._lock:
            self._prune()
            entry = self._drafts.get(draft_id) if isinstance(draft_id, str) else None
            return copy.deepcopy(entry[2]) if entry else None

    def put(self, draft_id: str, draft: dict, client: str = "-") -> None:
        """Keep `draft` for `client` (its address), forgetting that client's or the kiosk's
        oldest draft when either already holds as many as it may."""
        with self._lock:
            self._prune()
            self._drafts.pop(draft_id, None)
            mine = [key for key, (_at, owner, _d) in self._drafts.items() if owner == client]
            for key in mine[: max(0, len(mine) - self._per_client + 1)]:
                del self._drafts[key]
            while len(self._drafts) >= self._total:
                del self._drafts[next(iter(self._drafts))]
            self._drafts[draft_id] = (self._clock(), client, copy.deepcopy(draft))

    def discard(self, draft_id: str | None) -> None:
        with self._lock:
            self._drafts.pop(draft_id, None)

    def __len__(self) -> int:
        with self._lock:
            self._prune()
            return len(self._drafts)

    def _prune(self) -> None:
        oldest = self._clock() - self._ttl
        for draft_id in [key for key, (at, _client, _draft) in self._drafts.items() if at < oldest]:
            del self._drafts[draft_id]


def drafts(app: Flask) -> DraftStore:
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, DraftStore())
    return found
