"""Candidates for what a visitor typed in pinyin, ranked by frequency, in pages.

The dictionary (`data/pinyin.tsv`, see `build`) is read once per process:
a dict from toneless key to its words, highest frequency first (parsed when
first asked for), and the sorted keys for prefix search. For typed letters
`q` the candidates are, in order: words whose key is exactly `q`; words
whose key starts with `q` (北京 while typing "beij"), by frequency; then,
when `q` runs on past any one word, the words of its longest leading key, so
"woxiang" offers 我想 and then 我. Each candidate says how many typed
letters it uses up.
"""

from __future__ import annotations

import bisect
import heapq
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .build import OUTPUT

PAGE_SIZE = 8
MAX_CANDIDATES = 160
MAX_QUERY = 30
LETTERS = re.compile(r"^[a-z]+$")


class DictionaryMissing(RuntimeError):
    """The install step did not build the dictionary."""


@dataclass(frozen=True)
class Candidate:
    text: str
    consumed: int


class Dictionary:
    def __init__(self, path: Path):
        # Each key's words stay the file's text until a lookup needs them (`words`): loading
        # is one pass over the lines, a fraction of parsing every word, so the server that
        # loads it in the background barely slows the requests it serves meanwhile; and a
        # dict of strings gives the garbage collector nothing to walk.
        self._entries: dict[str, str] = {}
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                key, _, rest = line.rstrip("\n").partition("\t")
                self._entries[key] = rest
        self.keys = sorted(self._entries)
        self.words = lru_cache(maxsize=None)(self._words)  # at most every key, as parsed
        self._cache = lru_cache(maxsize=4096)(self._candidates)

    def _words(self, key: str) -> tuple[tuple[str, int], ...]:
        """The words of `key` with their frequencies, most frequent first; () if none."""
        rest = self._entries.get(key)
        if rest is None:
            return ()
        return tuple((word, int(freq)) for word, _, freq in
                     (item.rpartition(":") for item in rest.split(" ")))

    def _prefixed(self, q: str, limit: int) -> list[str]:
        """The most frequent words of keys that start with q and are longer than q."""
        start = bisect.bisect_right(self.keys, q)
        end = bisect.bisect_left(self.keys, q + "{")  # '{' sorts after 'z'
        ranked = heapq.nlargest(limit, (
            (freq, word) for key in self.keys[start:end] for word, freq in self.words(key)[:limit]))
        return [word for _, word in ranked]

    def _candidates(self, q: str) -> tuple[Candidate, ...]:
        found: list[Candidate] = []
        seen: set[str] = set()

        def add(words, consumed):
            for word in words:
                if word not in seen and len(found) < MAX_CANDIDATES:
                    seen.add(word)
                    found.append(Candidate(word, consumed))

        add((w for w, _ in self.words(q)), len(q))
        add(self._prefixed(q, MAX_CANDIDATES), len(q))
        for length in range(len(q) - 1, 0, -1):
            if q[:length] in self._entries:
                add((w for w, _ in self.words(q[:length])), length)
                if len(found) >= PAGE_SIZE * 2:
                    break
        return tuple(found)

    def candidates(self, q: str) -> tuple[Candidate, ...]:
        return self._cache(q)


_LOADED: dict[Path, Dictionary] = {}
_LOAD_LOCK = threading.Lock()


def dictionary(path: Path = OUTPUT) -> Dictionary:
    with _LOAD_LOCK:
        if path not in _LOADED:
            if not path.exists():
                raise DictionaryMissing(
                    f"{path} is missing: `make install` builds it (python -m kiosk.ime.build)")
            _LOADED[path] = Dictionary(path)
        return _LOADED[path]


def clean_query(raw: str | None) -> str | None:
    q = (raw or "").strip().lower().replace("ü", "v")
    return q if 0 < len(q) <= MAX_QUERY and LETTERS.match(q) else None


def page(q: str | None, number: int, path: Path = OUTPUT) -> dict:
    """One page of candidates as the keyboard shows it."""
    candidates = dictionary(path).candidates(q) if q else ()
    number = max(0, min(number, max(0, (len(candidates) - 1) // PAGE_SIZE)))
    chunk = candidates[number * PAGE_SIZE:(number + 1) * PAGE_SIZE]
    return {"q": q or "", "page": number,
            "candidates": [{"text": c.text, "consumed": c.consumed} for c in chunk],
            "more": len(candidates) > (number + 1) * PAGE_SIZE}


def preload(logger) -> None:
    """Load the dictionary before the first key (at server start), so no visitor waits for it."""
    try:
        dictionary()
    except DictionaryMissing as error:
        logger.error("%s", error)
