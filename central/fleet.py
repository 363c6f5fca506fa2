"""The kiosks' health as they report it with each sync, for the office's kiosk list.

A kiosk sends a small summary (printer's last status, card reader, free disk,
last backup's age, app version: kiosk/maintenance/health.py). The office keeps
the last one per kiosk and names what needs a visit or a call: a printer out
of paper, a backup that stopped, a disk filling up, a reader unplugged.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from .extensions import db
from .models import Kiosk

MAX_BYTES = 4096


def note_health(kiosk_id: str, summary, *, now: datetime) -> None:
    """Store a kiosk's summary (a JSON object of at most 4 KB); ValueError otherwise."""
    if not isinstance(summary, dict):
        raise ValueError("the health summary must be a JSON object")
    text = json.dumps(summary, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"the health summary is larger than {MAX_BYTES} bytes")
    db.session.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(health=text, health_at=now))
    db.session.commit()


def _get(data: dict, *path, default=None):
    for key in path:
        if not isinstance(data, dict):
            return default
        data = data.get(key)
    return default if data is None else data


def problems(kiosk: Kiosk) -> list[str]:
    """What needs attention at this kiosk, as short sentences (none: all is well)."""
    if not kiosk.health:
        return []
    try:
        health = json.loads(kiosk.health)
    except ValueError:
        return []
    found = []
    if _get(health, "printer", "status") == "failed":
        found.append(str(_l("Printer: %(reason)s", reason=_get(health, "printer", "error", default="?"))))
    if _get(health, "card_reader", "status") == "missing":
        found.append(str(_l("Card reader not found")))
    if _get(health, "disk", "low"):
        found.append(str(_l("Disk almost full: %(mb)s MB free", mb=_get(health, "disk", "free_mb"))))
    if _get(health, "backup", "stale"):
        age = _get(health, "backup", "age_hours")
        found.append(str(_l("Last backup %(hours)s hours ago", hours=age)) if age is not None
                     else str(_l("No backup yet")))
    return found


def line(kiosk: Kiosk) -> str:
    """The summary on one line, for `flask --app central kiosk list`."""
    if not kiosk.health:
        return "health -"
    try:
        health = json.loads(kiosk.health)
    except ValueError:
        return "health ?"
    parts = [f"v{_get(health, 'version', default='?')}",
             f"printer {_get(health, 'printer', 'status', default='?')}",
             f"reader {_get(health, 'card_reader', 'status', default='?')}",
             f"disk {_get(health, 'disk', 'free_mb', default='?')} MB free",
             f"backup {_get(health, 'backup', 'age_hours', default='-')} h ago"]
    issues = problems(kiosk)
    return "  ".join(parts) + (f"  PROBLEMS: {'; '.join(issues)}" if issues else "")


def version(kiosk: Kiosk) -> str | None:
    try:
        return json.loads(kiosk.health).get("version") if kiosk.health else None
    except (ValueError, AttributeError):
        return None
