"""What runs as root on a kiosk PC or the office server, from the checkout.

    sudo make install-kiosk            python -m deploy install       (asks what has no default)
    sudo make uninstall-kiosk          python -m deploy uninstall     (the data stays)
    sudo make upgrade-kiosk            python -m deploy upgrade       (backup, stop, migrate, start, check)
    sudo make upgrade-office           python -m deploy upgrade-office (pg_dump first)

`--root DIR` writes into a throwaway root instead of `/` and skips what would
change the running system (users, packages, systemctl), so the files can be
checked. Installing twice writes identical files and changes nothing the
second time. This package imports no app: it runs `flask --app kiosk …` as a
subprocess of the installed code, as the kiosk's own user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

USER = "jiedai"
SCREEN_USER = "jiedai-screen"
APP_HOME = Path("/opt/jiedai")
INSTANCE = Path("/var/lib/jiedai")
BACKUPS = Path("/var/backups/jiedai")
OFFICE_BACKUPS = Path("/var/backups/jiedai-central")
SETTINGS = Path("/etc/jiedai/kiosk.env")
MANIFEST = Path("/etc/jiedai/installed.txt")
ANSWERS = Path("/etc/jiedai/install.json")


@dataclass(frozen=True)
class Root:
    """Paths under the root the install writes into (`/` on a real kiosk)."""

    path: Path = Path("/")

    @property
    def real(self) -> bool:
        return self.path.resolve() == Path("/")

    def __call__(self, absolute: Path | str) -> Path:
        return self.path / str(absolute).lstrip("/")

    def current(self) -> Path:
        """The code being served: /opt/jiedai/current, a symlink to one release."""
        return self(APP_HOME / "current")
