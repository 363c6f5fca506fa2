"""The install into a throwaway root: identical files twice, units systemd accepts, udev rules
that parse, and an uninstall that removes what it wrote and leaves the data."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import Root, devices
from deploy.install import InstallError, gather, install, uninstall
from tests.support.apps import unavailable

CHECKOUT = Path(__file__).resolve().parent.parent.parent
GIVEN = {"kiosk_id": "lixia-1", "office_name": "历下区人大常委会信访接待室",
         "sync_url": "https://office.example.cn", "sync_key": "k3y", "printer_usb": "0483:5740",
         "card_reader_usb": "10c4:ea60:0001"}


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file and symlink under root: content digest (or link target) and mode."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = ("-> " + str(path.readlink()), 0)
        elif path.is_file():
            found[key] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode & 0o7777)
    return found


def installed(root: Path, **given) -> Root:
    target = Root(root)
    install(CHECKOUT, gather({**GIVEN, **given}, target, interactive=False), target)
    return target


def test_installing_twice_writes_identical_files_and_uninstall_removes_them(tmp_path):
    root = tmp_path / "root"
    first = install(CHECKOUT, gather(GIVEN, Root(root), interactive=False), Root(root))
    assert first.written and not first.unchanged
    before = tree(root)
    # The second time nothing is asked (the first install's answers are read back) or written.
    second = install(CHECKOUT, gather({}, Root(root), interactive=False), Root(root))
    assert second.written == [] and len(second.unchanged) == len(first.written)
    assert tree(root) == before
    assert (root / "etc/jiedai/kiosk.env").stat().st_mode & 0o777 == 0o640
    assert 'KIOSK_PRINTER_URL="/dev/jiedai-printer"' in (root / "etc/jiedai/kiosk.env").read_text()
    assert (root / "opt/jiedai/current/kiosk/__init__.py").is_file()

    data = root / "var/lib/jiedai"
    data.mkdir(parents=True)
    (data / "kiosk.sqlite3").write_bytes(b"records")
    uninstall(Root(root))
    left = tree(root)
    assert left == {"var/lib/jiedai/kiosk.sqlite3": (hashlib.sha256(b"records").hexdigest(),
                                                      left["var/lib/jiedai/kiosk.sqlite3"][1])}


def test_a_changed_answer_rewrites_only_what_depends_on_it(tmp_path):
    root = installed(tmp_path)
    again = install(CHECKOUT, gather({"port": "8081"}, root, interactive=False), root)
    changed = {str(path.relative_to(tmp_path)) for path in again.written}
    assert "etc/systemd/system/jiedai-kiosk.service" in changed
    assert "etc/udev/rules.d/70-jiedai.rules" not in changed
    assert "--port 8081" in (tmp_path / "etc/systemd/system/jiedai-kiosk.service").read_text()


def test_without_a_terminal_the_missing_answers_are_named(tmp_path):
    with pytest.raises(InstallError, match="--kiosk-id"):
        gather({}, Root(tmp_path), interactive=False)
    asked = iter(["hall-9", "某区信访接待室", "", ""])
    answers = gather({}, Root(tmp_path), ask=lambda _q: next(asked))
    assert (answers.kiosk_id, answers.sync_url) == ("hall-9", "")
    with pytest.raises(InstallError, match="both"):
        gather({**GIVEN, "sync_key": ""}, Root(tmp_path), interactive=False)
    with pytest.raises(InstallError, match="quotes"):
        gather({**GIVEN, "office_name": 'x"; rm -rf /'}, Root(tmp_path), interactive=False)


def units(root: Path) -> list[Path]:
    return sorted((root / "etc/systemd/system").glob("jiedai-*"))


def test_systemd_analyze_verify_accepts_every_unit(tmp_path):
    if shutil.which("systemd-analyze") is None:
        unavailable("systemd-analyze is not installed")
    root = tmp_path / "root"
    installed(root)
    # What the skipped system steps would have put there: systemd's own units, the
    # virtualenv's interpreter, and the Debian programs the units start.
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    needed = {"opt/jiedai/current/.venv/bin/python": sys.executable}
    for unit in units(root):
        for command in re.findall(r"^Exec\w+=(\S+)", unit.read_text(), re.M):
            if not command.startswith("/opt/"):
                needed[command.lstrip("/")] = command
    for inside, outside in needed.items():
        if shutil.which(outside) is None:
            unavailable(f"{outside} is not installed (make test installs it)")
        (root / inside).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(outside).resolve(), root / inside)
    done = subprocess.run(["systemd-analyze", f"--root={root}", "verify", *map(str, units(root))],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr
    assert len(units(root)) == 5


def test_the_units_keep_the_kiosk_running_and_the_screen_locked_down(tmp_path):
    installed(tmp_path)
    system = tmp_path / "etc/systemd/system"
    server = (system / "jiedai-kiosk.service").read_text()
    assert "Restart=on-failure" in server and "RequiresMountsFor=/var/lib/jiedai" in server
    assert "SupplementaryGroups=dialout" in server
    screen = (system / "jiedai-touchscreen.service").read_text()
    assert "Restart=always" in screen and "ExecStart=/usr/bin/cage" in screen
    for flag in ("--kiosk", "--no-first-run", "--disable-pinch", "--overscroll-history-navigation=0",
                 "--disable-translate", "--noerrdialogs"):
        assert flag in screen
    assert "TranslateEnabled" in (tmp_path / "etc/chromium/policies/managed/jiedai.json").read_text()
    timer = (system / "jiedai-backup.timer").read_text()
    assert "OnCalendar=*-*-* 00:30:00 Asia/Shanghai" in timer and "Persistent=true" in timer
    assert "--autoplay-policy=no-user-gesture-required" in (system / "jiedai-display.service").read_text()


RULE = re.compile(r'^(?P<key>[A-Z]+(?:\{[A-Za-z_]+\})?)(?P<op>==|!=|\+=|=)"(?P<value>[^"]*)"$')
MATCH_KEYS = {"SUBSYSTEM", "ATTRS{idVendor}", "ATTRS{idProduct}", "ATTRS{serial}"}
ASSIGN_KEYS = {"SYMLINK", "GROUP", "MODE"}


def parse_rules(text: str) -> list[dict[str, tuple[str, str]]]:
    """udev's rule syntax, strictly: comma-separated KEY OP "VALUE" with known keys."""
    parsed = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = {}
        for part in line.split(", "):
            match = RULE.match(part.strip())
            assert match, f"not a udev key: {part!r}"
            key, op = match["key"], match["op"]
            assert (key in MATCH_KEYS and op == "==") or (key in ASSIGN_KEYS and op in ("=", "+=")), part
            fields[key] = (op, match["value"])
        parsed.append(fields)
    return parsed


def test_the_udev_rules_name_the_printer_and_the_reader_by_usb_id(tmp_path):
    installed(tmp_path)
    rules = parse_rules((tmp_path / "etc/udev/rules.d/70-jiedai.rules").read_text())
    by_link = {rule["SYMLINK"][1]: rule for rule in rules}
    assert set(by_link) == {"jiedai-printer", "jiedai-cardreader"}
    printer, reader = by_link["jiedai-printer"], by_link["jiedai-cardreader"]
    assert printer["SUBSYSTEM"] == ("==", "tty") and printer["ATTRS{idVendor}"] == ("==", "0483")
    assert reader["ATTRS{serial}"] == ("==", "0001") and reader["MODE"] == ("=", "0660")
    settings = (tmp_path / "etc/jiedai/kiosk.env").read_text()
    assert 'KIOSK_CARD_READER_URL="/dev/jiedai-cardreader"' in settings
    if shutil.which("udevadm") and "verify" in subprocess.run(
            ["udevadm", "--help"], capture_output=True, text=True).stdout:
        subprocess.run(["udevadm", "verify", str(tmp_path / "etc/udev/rules.d/70-jiedai.rules")],
                       check=True)


def test_usb_ids_are_checked_and_plugged_in_devices_found(tmp_path):
    with pytest.raises(ValueError):
        devices.UsbId.parse("printer")
    assert str(devices.UsbId.parse("0483:5740:ABC-1")) == "0483:5740:ABC-1"
    usb = tmp_path / "sys/devices/pci0000:00/usb1/1-2"
    (usb / "1-2:1.0/ttyUSB0").mkdir(parents=True)
    for name, value in (("idVendor", "0483"), ("idProduct", "5740"), ("serial", "P1"),
                        ("manufacturer", "Xprinter"), ("product", "XP-58")):
        (usb / name).write_text(value + "\n")
    (tmp_path / "sys/class/tty/ttyUSB0").mkdir(parents=True)
    (tmp_path / "sys/class/tty/ttyUSB0/device").symlink_to(usb / "1-2:1.0")
    found = devices.plugged_in(tmp_path / "sys")
    assert found == [devices.Found("ttyUSB0", devices.UsbId("0483", "5740", "P1"), "Xprinter XP-58")]


def test_a_display_pc_gets_the_display_unit_only(tmp_path):
    root = Root(tmp_path)
    install(CHECKOUT, gather({"role": "display", "display_url": "http://192.0.2.10:8080/display"},
                             root, interactive=False), root)
    assert not (tmp_path / "etc/systemd/system/jiedai-kiosk.service").exists()
    assert "http://192.0.2.10:8080/display" in (
        tmp_path / "etc/systemd/system/jiedai-display.service").read_text()
    assert not (tmp_path / "opt/jiedai").exists()
