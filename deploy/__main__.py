"""`python -m deploy install|uninstall|upgrade|upgrade-office` (see deploy/__init__.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import ANSWERS, INSTANCE, Root
from .install import main_install, main_uninstall

CHECKOUT = Path(__file__).resolve().parent.parent


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m deploy", description=__doc__)
    top.add_argument("--root", type=Path, default=Path("/"),
                     help="write into this folder instead of / (and change nothing else)")
    commands = top.add_subparsers(dest="command", required=True)
    install = commands.add_parser("install", help="install (or repair) a kiosk or a display PC")
    for name, text in (("kiosk-id", "this kiosk's id, as the office registered it"),
                       ("office-name", "the office's name (screens, slips)"),
                       ("sync-url", "the central office's address"),
                       ("sync-key", "this kiosk's sync key from the office"),
                       ("printer-usb", "the printer's USB VENDOR:PRODUCT[:SERIAL]"),
                       ("card-reader-usb", "the card reader's USB VENDOR:PRODUCT[:SERIAL]"),
                       ("backup-dir", "where backups go (a second disk or a USB stick)"),
                       ("port", "the kiosk server's port"), ("ntp-server", "a time server to use"),
                       ("log-days", "days logs are kept"),
                       ("role", "kiosk (default) or display (a waiting-room TV's own PC)"),
                       ("display-url", "for a display: the kiosk's /display address")):
        install.add_argument(f"--{name}", default=None, help=text)
    commands.add_parser("uninstall", help="remove what install added; the data stays")
    upgrade = commands.add_parser("upgrade", help="upgrade this kiosk to this checkout")
    upgrade.add_argument("--timeout", type=float, default=60.0)
    office = commands.add_parser("upgrade-office", help="upgrade the office app to this checkout")
    office.add_argument("--database-url", default=os.environ.get("CENTRAL_DATABASE_URL", ""))
    office.add_argument("--port", type=int, default=8090)
    office.add_argument("--unit", default="jiedai-central.service")
    office.add_argument("--timeout", type=float, default=60.0)
    return top


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    root = Root(args.root)
    if root.real and os.geteuid() != 0:
        print("run this as root (sudo), or with --root DIR to try it out", file=sys.stderr)
        return 2
    if args.command == "install":
        given = {key: value for key, value in vars(args).items() if key not in ("root", "command")}
        return main_install(CHECKOUT, given, root)
    if args.command == "uninstall":
        return main_uninstall(root)
    from . import upgrade

    if args.command == "upgrade":
        kiosk = upgrade.Kiosk(root)
        answers = root(ANSWERS)
        port = json.loads(answers.read_text()).get("port", "8080") if answers.is_file() else "8080"
        try:
            new = upgrade.upgrade_kiosk(CHECKOUT, kiosk, upgrade.Systemd("jiedai-kiosk.service"),
                                        health_url=f"http://127.0.0.1:{port}/healthz",
                                        prepare=upgrade.make_install, timeout=args.timeout)
        except upgrade.UpgradeFailed as error:
            print("\n".join(kiosk.log), f"\nUPGRADE FAILED: {error}", file=sys.stderr)
            return 1
        print("\n".join(kiosk.log))
        print(f"serving {new.name}; data in {INSTANCE}")
        return 0
    office = upgrade.Office(root, args.database_url)
    try:
        new = upgrade.upgrade_office(CHECKOUT, office, upgrade.Systemd(args.unit),
                                     health_url=f"http://127.0.0.1:{args.port}/sync/v1/time",
                                     prepare=upgrade.make_install, timeout=args.timeout)
    except upgrade.UpgradeFailed as error:
        print("\n".join(office.log), f"\nUPGRADE FAILED: {error}", file=sys.stderr)
        return 1
    print(f"the office serves {new.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
