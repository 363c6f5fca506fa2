"""The kiosks' health as they report it with each sync, for the office's kiosk list.

A kiosk sends a small summary (printer's last status, card reader, free disk,
last backup's age, app version: kiosk/maintenance/health.py). The office keeps
the last one per kiosk and names what needs a visit or a call: a printer out
of paper, a backup that stopped, a disk filling up, a reader unplugged.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import update

from .extensions import db
from .models import Kiosk

MAX_BYTES = 4096


def N_(text: str) -> str:
    """Marks a sentence for the catalog (`make extract`); it is translated where it is shown."""
    return text


# The problems a kiosk can report, as the desk shows them.
PRINTER = N_("Printer: %(reason)s")
READER = N_("Card reader not found")
DISK = N_("Disk almost full: %(mb)s MB free")
BACKUP_OLD = N_("Last backup %(hours)s hours ago")
BACKUP_NONE = N_("No backup yet")


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


def problems(kiosk: Kiosk) -> list[tuple[str, dict]]:
    """What needs attention at this kiosk: (sentence with %(name)s fields, values); none if well."""
    if not kiosk.health:
        return []
    try:
        health = json.loads(kiosk.health)
    except ValueError:
        return []
    found = []
    if _get(health, "printer", "status") == "failed":
        found.append((PRINTER, {"reason": _get(health, "printer", "error", default="?")}))
    if _get(health, "card_reader", "status") == "missing":
        found.append((READER, {}))
    if _get(health, "disk", "low"):
        found.append((DISK, {"mb": _get(health, "disk", "free_mb")}))
    if _get(health, "backup", "stale"):
        age = _get(health, "backup", "age_hours")
        found.append((BACKUP_OLD, {"hours": age}) if age is not None else (BACKUP_NONE, {}))
    return found


def sentences(kiosk: Kiosk, *, translate: bool = True) -> list[str]:
    """The problems as sentences: in the desk's language, or in English for the CLI."""
    return [gettext(text, **values) if translate else text % values
            for text, values in problems(kiosk)]


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
    issues = sentences(kiosk, translate=False)
    return "  ".join(parts) + (f"  PROBLEMS: {'; '.join(issues)}" if issues else "")


def version(kiosk: Kiosk) -> str | None:
    try:
        return json.loads(kiosk.health).get("version") if kiosk.health else None
    except (ValueError, AttributeError):
        return None
