"""Every central office setting, declared once in settings.toml (CENTRAL_* environment variables).

The same declaration as the kiosk's (appkit.settings.load), with its own prefix; the
README's central configuration table is checked against this list by a test.
"""

from __future__ import annotations

from pathlib import Path

from appkit.settings import Setting, load

SETTINGS: tuple[Setting, ...] = load(Path(__file__).with_name("settings.toml"), "CENTRAL")

BY_NAME = {setting.name: setting for setting in SETTINGS}
