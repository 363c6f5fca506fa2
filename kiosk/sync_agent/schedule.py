"""When the kiosk syncs by itself: its own minute of the nightly window, every night.

`KIOSK_SYNC_WINDOW` ('01:00-05:00', Asia/Shanghai) is parsed here and only
here: the setting's check at start-up, the agent's schedule and the console's
"next nightly run" all use `parse_window`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from petition.clock import SHANGHAI

_WINDOW = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


def parse_window(window: str) -> tuple[int, int]:
    """'01:00-05:00' → (60, 300), minutes after local midnight; ValueError saying what is wrong."""
    match = _WINDOW.fullmatch(window or "")
    if not match:
        raise ValueError(f"the sync window {window!r} is not of the form HH:MM-HH:MM")
    start_h, start_m, end_h, end_m = map(int, match.groups())
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if not (start_m < 60 and end_m < 60 and 0 <= start < end <= 24 * 60):
        raise ValueError(f"the sync window {window!r} must start before it ends, within one day")
    return start, end


def window_setting(value: str) -> str:
    """The setting's parser: a valid window, as written."""
    parse_window(value)
    return value.strip()


def nightly_minute(kiosk_id: str, window: str) -> int:
    """This kiosk's own minute in the window, the same every night (from its id), so
    three hundred kiosks do not all call at 01:00."""
    start, end = parse_window(window)
    spread = int.from_bytes(hashlib.sha256(kiosk_id.encode()).digest()[:4], "big")
    return start + spread % (end - start)


def next_nightly_run(now: datetime, kiosk_id: str, window: str) -> datetime:
    minute = nightly_minute(kiosk_id, window)
    local_now = now.astimezone(SHANGHAI)
    candidate = local_now.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)
    if candidate <= local_now:
        candidate += timedelta(days=1)
    return candidate.astimezone(now.tzinfo)
