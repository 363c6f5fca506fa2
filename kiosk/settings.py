"""Every kiosk setting, declared once in settings.toml.

Each has its name, default, type and one line of help (appkit.settings.load).
The app factory reads the defaults, then `instance/config.py`, then `KIOSK_*`
environment variables; the README's configuration table is checked against
this list by a test, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from appkit import settings as declared
from appkit.settings import Setting, load

from .sync_agent.schedule import window_setting

SETTINGS: tuple[Setting, ...] = load(Path(__file__).with_name("settings.toml"), "KIOSK",
                                     parsers={"window": window_setting})

BY_NAME = {setting.name: setting for setting in SETTINGS}


def defaults(settings: tuple[Setting, ...] = SETTINGS) -> dict[str, Any]:
    """The default configuration, keyed as the app config uses it (KIOSK_*)."""
    return declared.defaults(settings)


def from_environ(environ, settings: tuple[Setting, ...] = SETTINGS) -> dict[str, Any]:
    """Parse every KIOSK_* variable that is set; a bad value fails loudly at start."""
    return declared.from_environ(environ, settings)
