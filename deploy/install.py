"""Install and uninstall a kiosk PC (or a waiting-room display PC) from the checkout.

The answers (kiosk id, office name, central URL and key; the printer and card
reader) come from the command line, else from the settings file a previous
install wrote, else from a question; everything else has a default. Then the
files are written (each only when it differs), and, on a real root, the system
steps run: Debian packages, the users, the virtualenv, the database, the
speech clips, udev and systemd. Both halves are idempotent.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, fields
from importlib import resources
from pathlib import Path

from . import (ANSWERS, APP_HOME, BACKUPS, INSTANCE, MANIFEST, SCREEN_USER, SETTINGS, USER,
               Root, devices, files)

UNITS = ("jiedai-kiosk.service", "jiedai-touchscreen.service", "jiedai-display.service",
         "jiedai-backup.service", "jiedai-backup.timer")
DEBS = ("make", "python3-venv", "cage", "chromium", "espeak-ng", "sox", "fonts-wqy-zenhei",
        "fonts-noto-cjk", "systemd-timesyncd")
CHROMIUM_FLAGS = (
    "--kiosk --noerrdialogs --disable-infobars --no-first-run --no-default-browser-check "
    "--disable-translate --disable-features=Translate,TranslateUI,TouchpadOverscrollHistoryNavigation "
    "--overscroll-history-navigation=0 --disable-pinch --disable-session-crashed-bubble "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--password-store=basic --check-for-update-interval=31536000 --ozone-platform=wayland")
FORBIDDEN = set('"\\$`\n')


class InstallError(Exception):
    """Something the person installing must fix; the message says what."""


@dataclass
class Answers:
    """What the install needs to know; the first four have no default and are asked for."""

    kiosk_id: str = ""
    office_name: str = ""
    sync_url: str = ""
    sync_key: str = ""
    printer_usb: str = ""
    card_reader_usb: str = ""
    backup_dir: str = str(BACKUPS)
    port: str = "8080"
    ntp_server: str = ""
    log_days: str = "90"
    role: str = "kiosk"
    display_url: str = ""

    ASKED = ("kiosk_id", "office_name", "sync_url", "sync_key")
    QUESTIONS = {
        "kiosk_id": "Kiosk id, as the office registered it (e.g. lixia-1)",
        "office_name": "Office name, shown on the screen and printed on slips",
        "sync_url": "Central office address (https://…; empty: this kiosk does not sync)",
        "sync_key": "Sync key the office printed for this kiosk (empty when not syncing)",
    }
    ENV = {"kiosk_id": "KIOSK_ID", "office_name": "KIOSK_OFFICE_NAME", "sync_url": "KIOSK_SYNC_URL",
           "sync_key": "KIOSK_SYNC_KEY", "backup_dir": "KIOSK_BACKUP_DIR", "log_days": "KIOSK_LOG_DAYS"}

    def validate(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if FORBIDDEN & set(value):
                raise InstallError(f"{item.name}: quotes, backslashes, $ and ` cannot be used")
        if self.role not in ("kiosk", "display"):
            raise InstallError("role must be kiosk or display")
        if self.role == "kiosk" and not (self.kiosk_id and self.office_name):
            raise InstallError("a kiosk needs its id and the office's name")
        if bool(self.sync_url) != bool(self.sync_key):
            raise InstallError("give both the central office's address and the sync key, or neither")
        if self.role == "display" and not self.display_url.startswith(("http://", "https://")):
            raise InstallError("a display needs the kiosk's address, e.g. http://192.0.2.10:8080")
        for usb in (self.printer_usb, self.card_reader_usb):
            if usb:
                try:
                    devices.UsbId.parse(usb)
                except ValueError as error:
                    raise InstallError(str(error)) from error
        if not self.port.isdigit() or not self.log_days.isdigit():
            raise InstallError("port and log days are numbers")


def read_settings(path: Path) -> dict[str, str]:
    """KEY="value" lines of a settings file (what a previous install wrote)."""
    values = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip('"')
    return values


def gather(given: dict[str, str | None], root: Root, *, ask=input, interactive: bool = True) -> Answers:
    """Flags first, then the previous install's answers, then questions; defaults for the rest."""
    previous = read_settings(root(SETTINGS))
    try:
        remembered = json.loads(root(ANSWERS).read_text()) if root(ANSWERS).is_file() else {}
    except ValueError:
        remembered = {}
    answers = Answers()

    def known(name: str) -> str | None:
        value = given.get(name)
        if value is None and name in Answers.ENV:
            value = previous.get(Answers.ENV[name])
        return remembered.get(name) if value is None else value

    answers.role = known("role") or answers.role
    for item in fields(answers):
        value = known(item.name)
        if value is None and item.name in Answers.ASKED and answers.role == "kiosk":
            if not interactive:
                raise InstallError(f"--{item.name.replace('_', '-')} is needed (no terminal to ask)")
            value = ask(f"{Answers.QUESTIONS[item.name]}: ").strip()
        if value is not None:
            setattr(answers, item.name, str(value))
    answers.validate()
    return answers


def answers_text(answers: Answers) -> str:
    """The answers a later install or upgrade reads back (the key stays in the settings file)."""
    kept = {key: value for key, value in asdict(answers).items() if key != "sync_key"}
    return json.dumps(kept, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def template(name: str) -> str:
    return resources.files("deploy").joinpath("templates", name).read_text()


def settings_text(answers: Answers) -> str:
    values = {
        "KIOSK_ID": answers.kiosk_id, "KIOSK_OFFICE_NAME": answers.office_name,
        "KIOSK_INSTANCE_PATH": str(INSTANCE), "KIOSK_SYNC_URL": answers.sync_url,
        "KIOSK_SYNC_KEY": answers.sync_key,
        "KIOSK_PRINTER_URL": f"/dev/{devices.PRINTER_LINK}" if answers.printer_usb else "preview",
        "KIOSK_CARD_READER_URL": f"/dev/{devices.READER_LINK}" if answers.card_reader_usb else "",
        "KIOSK_BACKUP_DIR": answers.backup_dir, "KIOSK_LOG_DAYS": answers.log_days,
        "KIOSK_SETTINGS_FILE": str(SETTINGS),
    }
    return template("kiosk.env").format(lines="\n".join(f'{key}="{value}"' for key, value in values.items()))


def planned_files(answers: Answers) -> dict[Path, tuple[str, int]]:
    """Every file the install writes (absolute path -> content, mode), apart from the code."""
    app_dir = APP_HOME / "current"
    local = f"http://127.0.0.1:{answers.port}"
    values = {
        "user": USER, "screen_user": SCREEN_USER, "app_dir": app_dir,
        "python": app_dir / ".venv" / "bin" / "python", "instance_dir": INSTANCE,
        "backup_dir": answers.backup_dir, "settings_file": SETTINGS, "listen_host": "0.0.0.0",
        "port": answers.port, "chromium_flags": CHROMIUM_FLAGS, "touch_url": f"{local}/",
        "display_url": answers.display_url or f"{local}/display",
    }
    printer = devices.UsbId.parse(answers.printer_usb) if answers.printer_usb else None
    reader = devices.UsbId.parse(answers.card_reader_usb) if answers.card_reader_usb else None
    allowed = answers.display_url.split("/display")[0] if answers.role == "display" else local
    planned = {
        ANSWERS: (answers_text(answers), 0o640),
        Path("/etc/systemd/system/jiedai-display.service"): (template("jiedai-display.service").format(**values), 0o644),
        Path("/etc/pam.d/jiedai-screen"): (template("pam-jiedai-screen"), 0o644),
        Path("/etc/systemd/timesyncd.conf.d/jiedai.conf"): (template("timesyncd.conf").format(
            ntp_line=f"NTP={answers.ntp_server}" if answers.ntp_server else "#NTP= (Debian's servers)"), 0o644),
        Path("/etc/chromium/policies/managed/jiedai.json"): (
            template("chromium-policy.json").replace("{allowed}", json.dumps(allowed)), 0o644),
    }
    if answers.role == "kiosk":
        for unit in ("jiedai-kiosk.service", "jiedai-touchscreen.service", "jiedai-backup.service",
                     "jiedai-backup.timer"):
            planned[Path("/etc/systemd/system") / unit] = (template(unit).format(**values), 0o644)
        planned.update({
            SETTINGS: (settings_text(answers), 0o640),
            Path("/etc/udev/rules.d/70-jiedai.rules"): (
                template("70-jiedai.rules").format(rules=devices.rules(printer, reader)), 0o644),
            Path("/etc/systemd/journald.conf.d/jiedai.conf"): (
                template("journald.conf").format(log_days=answers.log_days), 0o644),
            Path("/usr/local/bin/jiedai"): (template("jiedai").format(**values), 0o755),
        })
    return planned


def install(checkout: Path, answers: Answers, root: Root, *, run=subprocess.run) -> files.Changes:
    changes = files.Changes()
    written: list[Path] = []
    for path, (content, mode) in sorted(planned_files(answers).items()):
        files.write(root(path), content, mode, changes)
        written.append(path)
    if answers.role == "kiosk":
        release = files.release(checkout, root, changes)
        files.symlink(root.current(), str(Path("releases") / release.name), changes)
        written.append(APP_HOME)
    manifest = "".join(f"{path}\n" for path in sorted({*written, MANIFEST}))
    files.write(root(MANIFEST), manifest, 0o644, changes)
    if root.real:
        system_steps(checkout, answers, changes, run=run)
    else:
        changes.steps.append(f"skipped (--root {root.path}): packages, users, virtualenv, "
                             f"database, speech clips, udev and systemd")
    return changes


def _sh(command: str, run, changes: files.Changes, *, check: bool = True) -> None:
    changes.steps.append(command)
    run(shlex.split(command) if not command.startswith("sh -c") else ["sh", "-c", command[6:]],
        check=check)


def system_steps(checkout: Path, answers: Answers, changes: files.Changes, *, run) -> None:
    """Packages, users, folders, virtualenv, database, clips, udev, systemd (all idempotent)."""
    _sh(f"sh {checkout / 'scripts' / 'ensure-debs.sh'} {' '.join(DEBS)}", run, changes)
    groups = ",".join(g for g in ("video", "render", "input") if _group_exists(g))
    _sh(f"sh -c 'id -u {SCREEN_USER} >/dev/null 2>&1 || useradd --system --create-home "
        f"--home-dir /var/lib/{SCREEN_USER} --shell /usr/sbin/nologin --groups {groups} {SCREEN_USER}'",
        run, changes)
    if answers.role == "display":
        _enable(run, changes, ["jiedai-display.service"], now=False)
        return
    _sh(f"sh -c 'id -u {USER} >/dev/null 2>&1 || useradd --system --home-dir {INSTANCE} "
        f"--shell /usr/sbin/nologin --groups dialout {USER}'", run, changes)
    _sh(f"install -d -o {USER} -g {USER} -m 0750 {INSTANCE} {answers.backup_dir}", run, changes)
    _sh(f"chown root:{USER} {SETTINGS}", run, changes)
    _sh(f"make -C {APP_HOME / 'current'} install PYTHON=python3", run, changes)
    _sh("jiedai migrate", run, changes)
    _sh("jiedai speech build", run, changes)
    if shutil.which("udevadm"):
        _sh("udevadm control --reload-rules", run, changes)
        _sh("udevadm trigger --subsystem-match=tty", run, changes)
    _sh("systemctl daemon-reload", run, changes)
    _sh("systemctl restart systemd-journald", run, changes)
    _sh("timedatectl set-ntp true", run, changes, check=False)  # no NTP service: said, not fatal
    _sh("systemctl set-default graphical.target", run, changes)
    _enable(run, changes, ["jiedai-kiosk.service", "jiedai-backup.timer", "jiedai-touchscreen.service"])


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _enable(run, changes: files.Changes, units: list[str], *, now: bool = True) -> None:
    _sh("systemctl daemon-reload", run, changes)
    _sh(f"systemctl enable {'--now ' if now else ''}{' '.join(units)}", run, changes)


def uninstall(root: Root, *, run=subprocess.run) -> list[Path]:
    """Remove what the install wrote (its manifest); the data and the backups stay."""
    manifest = root(MANIFEST)
    if not manifest.exists():
        raise InstallError(f"nothing to uninstall: {MANIFEST} is not there")
    listed = [Path(line) for line in manifest.read_text().splitlines() if line.strip()]
    if root.real:
        run(["systemctl", "disable", "--now", *UNITS], check=False)
    removed = []
    for path in sorted(listed, reverse=True):
        target = root(path)
        if target.exists() or target.is_symlink():
            files.remove(target)
            removed.append(path)
    for folder in (root("/etc/jiedai"),):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if root.real:
        run(["systemctl", "daemon-reload"], check=False)
        run(["userdel", SCREEN_USER], check=False)
    return removed


def describe(answers: Answers) -> dict:
    shown = asdict(answers)
    if shown["sync_key"]:
        shown["sync_key"] = "…" + shown["sync_key"][-4:]
    return shown


def main_install(checkout: Path, given: dict, root: Root) -> int:
    try:
        answers = gather(given, root, interactive=sys.stdin.isatty())
        if answers.role == "kiosk" and root.real and not answers.printer_usb:
            print("USB serial devices plugged in now:", *(f"  {d.tty}: {d.usb}  {d.name}"
                                                         for d in devices.plugged_in()) or ["  none"],
                  sep="\n")
        changes = install(checkout, answers, root)
    except InstallError as error:
        print(f"install: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(changes.written)} files, {len(changes.unchanged)} already right")
    for step in changes.steps:
        print(f"  {step}")
    return 0


def main_uninstall(root: Root) -> int:
    try:
        removed = uninstall(root)
    except InstallError as error:
        print(f"uninstall: {error}", file=sys.stderr)
        return 2
    print(f"removed {len(removed)} installed paths; kept the data in {INSTANCE} and the backups")
    if root.real:
        print(f"the user {USER} stays: it owns the data")
    return 0
