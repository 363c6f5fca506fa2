"""Benchmark figure of the on-screen keyboard, for `make bench` (bench/__main__.py).

- keyboard_candidates_p95_ms: time from a key to its candidate list, as the
  keyboard asks: an HTTP GET of /ime/candidates to the app served by
  waitress on this machine, once per letter while typing pinyin of words a
  visitor writes (names, places, matters), each new prefix looked up for the
  first time in the process. The dictionary's one-time load is made first
  by a warm-up request and reported as keyboard_dictionary_load_ms. Target
  for the p95: 50 ms.
"""

from __future__ import annotations

import secrets
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

# Pinyin of what visitors type on the identity and matter screens.
TYPED = ("zhangsan", "lixiaohong", "wangjianguo", "shandongsheng", "jinanshi", "lixiaqu",
         "quanchenglu", "tudizhengshou", "buchang", "gongzi", "tuoqian", "zhufang", "chaiqian",
         "yiliao", "baoxian", "jiaoyu", "xuexiao", "huanjing", "wuran", "zaoyin", "wuye",
         "guanli", "qingqiu", "yifa", "chuli", "fanying", "wenti", "jiejue", "xiwang", "zhengfu")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        return response.read()


def figures() -> dict:
    from appkit.serving import ThreadedServer
    from kiosk import create_app

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = create_app({"TESTING": False, "INSTANCE_PATH": str(instance),
                          "SECRET_KEY": secrets.token_hex(16),
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kiosk.sqlite3'}"})
        server = ThreadedServer(app, threads=4).start()
        base = f"{server.url}/ime/candidates?q="
        try:
            started = time.perf_counter()
            _get(base + "a")
            load_ms = (time.perf_counter() - started) * 1000
            timings = []
            for word in TYPED:
                for end in range(1, len(word) + 1):
                    started = time.perf_counter()
                    body = _get(base + word[:end])
                    timings.append((time.perf_counter() - started) * 1000)
                    assert body.startswith(b"{")
        finally:
            server.stop()
    return {
        "keyboard_candidates_p95_ms": {"value": round(_percentile(timings, 0.95), 1), "unit": "ms",
                                       "target": 50},
        "keyboard_dictionary_load_ms": {"value": round(load_ms), "unit": "ms", "target": ""},
        "keyboard_candidates_median_ms": {"value": round(statistics.median(timings), 1),
                                          "unit": "ms", "target": ""},
    }
