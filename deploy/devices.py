"""The printer and the card reader: found on USB, named for good by a udev rule.

A USB serial device gets /dev/ttyUSB0 or /dev/ttyACM1 in the order it was
plugged in; the rule gives it /dev/jiedai-printer or /dev/jiedai-cardreader by
its vendor and product id (and serial number, when two devices share them),
so the settings never change when someone uses another port.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PRINTER_LINK = "jiedai-printer"
READER_LINK = "jiedai-cardreader"
HEX4 = re.compile(r"^[0-9a-f]{4}$")
SERIAL = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class UsbId:
    vendor: str
    product: str
    serial: str = ""

    @classmethod
    def parse(cls, text: str) -> UsbId:
        """VENDOR:PRODUCT[:SERIAL], as lsusb prints them (e.g. 0483:5740)."""
        parts = text.strip().split(":")
        if len(parts) not in (2, 3) or not HEX4.match(parts[0].lower()) \
                or not HEX4.match(parts[1].lower()) or (len(parts) == 3 and not SERIAL.match(parts[2])):
            raise ValueError(f"{text!r} is not VENDOR:PRODUCT[:SERIAL] (four hex digits each)")
        return cls(parts[0].lower(), parts[1].lower(), parts[2] if len(parts) == 3 else "")

    def __str__(self) -> str:
        return f"{self.vendor}:{self.product}" + (f":{self.serial}" if self.serial else "")


def rule(usb: UsbId, link: str) -> str:
    matches = [f'SUBSYSTEM=="tty"', f'ATTRS{{idVendor}}=="{usb.vendor}"',
               f'ATTRS{{idProduct}}=="{usb.product}"']
    if usb.serial:
        matches.append(f'ATTRS{{serial}}=="{usb.serial}"')
    return ", ".join(matches + [f'SYMLINK+="{link}"', 'GROUP="dialout"', 'MODE="0660"'])


def rules(printer: UsbId | None, reader: UsbId | None) -> str:
    lines = []
    for usb, link, what in ((printer, PRINTER_LINK, "ticket printer"),
                            (reader, READER_LINK, "ID card reader")):
        if usb is None:
            lines.append(f"# no {what} was named at install (KIOSK settings say so)")
        else:
            lines.append(f"# {what}")
            lines.append(rule(usb, link))
    return "\n".join(lines)


@dataclass(frozen=True)
class Found:
    """A USB serial device plugged in now, as /sys describes it."""

    tty: str
    usb: UsbId
    name: str


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def plugged_in(sys_root: Path = Path("/sys")) -> list[Found]:
    """USB serial devices (ttyUSB*, ttyACM*) with their ids, for the clerk to choose from."""
    found = []
    for tty in sorted((sys_root / "class" / "tty").glob("tty[UA][SC][BM]*")):
        device = (tty / "device").resolve()
        for parent in (device, *device.parents):
            vendor = _read(parent / "idVendor")
            if vendor:
                name = " ".join(filter(None, (_read(parent / "manufacturer"), _read(parent / "product"))))
                serial = _read(parent / "serial")
                usb = UsbId(vendor, _read(parent / "idProduct"),
                            serial if SERIAL.match(serial or "-") and serial else "")
                found.append(Found(tty.name, usb, name or "USB serial device"))
                break
    return found
