"""Jiedai's own ESC/POS encoder: a `Receipt` in, the printer's bytes out.

We do not use python-escpos: it sends Chinese through code pages that mangle
it and rasterises QR codes into kilobytes of bitmap. Here text goes out as
GB18030 in the printer's Chinese mode (FS &), restricted to what a GBK
printer font can show, and the QR code is the printer's native `GS ( k`
symbol, so a whole ticket stays around a kilobyte (about one second at
9600 baud). `encode` is pure: no I/O, no clock, so it is tested by golden
bytes.
"""

from __future__ import annotations

import logging
import unicodedata

from printer.receipt import QR, Cut, Divider, Feed, Paper, Receipt, Text, char_width, columns_for, wrap

log = logging.getLogger(__name__)

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_MODE = FS + b"&"
# GS V 66 n: feed to the cutter plus n motion units, then a partial cut.
PARTIAL_CUT = GS + b"V" + bytes([66, 0])

ALIGN_CODES = {"left": 0, "center": 1, "right": 2}
EC_CODES = {"L": 48, "M": 49, "Q": 50, "H": 51}

# 缺字 placeholder: the office's own convention for a character that cannot
# be written, and it is in GBK (A1F5) so the printer shows it.
PLACEHOLDER = "\u25a1"  # □
TICKET_MAX_BYTES = 1200


def printable_char(ch: str) -> bool:
    """True if a GBK printer font shows this character in Chinese mode."""
    if ch in "\n":
        return True
    category = unicodedata.category(ch)
    # Control characters would be commands; private-use code points map to
    # GB18030 user-defined areas that no printer font fills.
    if category in ("Cc", "Co", "Cs"):
        return False
    try:
        encoded = ch.encode("gb18030")
    except UnicodeEncodeError:
        return False
    # One byte is ASCII; two bytes is the GBK range; four bytes (rare
    # characters, emoji) is GB18030 beyond what a GBK font holds.
    return len(encoded) in (1, 2)


def printable_text(text: str) -> str:
    """Replace what the printer cannot show by □ and log the code points.

    Only the code point is logged, never the text: it may be a petitioner's
    name, which is confidential.
    """
    out = []
    for ch in text:
        if printable_char(ch):
            out.append(ch)
        elif unicodedata.category(ch) == "Cc":
            continue  # control characters are dropped, not shown
        else:
            log.warning("character U+%04X not in the printer's GBK font; printed as %s",
                        ord(ch), PLACEHOLDER)
            out.append(PLACEHOLDER)
    return "".join(out)


def encode_text(text: str) -> bytes:
    """GB18030 bytes of text that already passed `printable_text`."""
    return text.encode("gb18030")


def qr_commands(qr: QR) -> bytes:
    """The five GS ( k functions that select, size, store and print a QR code."""
    data = qr.payload.encode("utf-8")
    store_len = len(data) + 3  # cn, fn, m precede the data
    return b"".join(
        [
            GS + b"(k" + bytes([4, 0, 49, 65, 50, 0]),  # fn 65: model 2
            GS + b"(k" + bytes([3, 0, 49, 67, qr.module_size]),  # fn 67: module size
            GS + b"(k" + bytes([3, 0, 49, 69, EC_CODES[qr.error_correction]]),  # fn 69
            GS + b"(k" + bytes([store_len & 0xFF, store_len >> 8, 49, 80, 48]) + data,  # fn 80
            GS + b"(k" + bytes([3, 0, 49, 81, 48]),  # fn 81: print
        ]
    )


class _State:
    """Printer modes after ESC @; commands are sent only when a mode changes."""

    def __init__(self) -> None:
        self.align = "left"
        self.bold = False
        self.size = (1, 1)

    def set(self, out: bytearray, *, align: str, bold: bool, size: tuple[int, int]) -> None:
        if align != self.align:
            out += ESC + b"a" + bytes([ALIGN_CODES[align]])
            self.align = align
        if bold != self.bold:
            out += ESC + b"E" + bytes([1 if bold else 0])
            self.bold = bold
        if size != self.size:
            out += GS + b"!" + bytes([((size[0] - 1) << 4) | (size[1] - 1)])
            self.size = size


def encode(receipt: Receipt, paper: Paper) -> bytes:
    """ESC/POS bytes for a receipt on the given paper."""
    out = bytearray(INIT + CHINESE_MODE)
    state = _State()
    for element in receipt.elements:
        if isinstance(element, Text):
            state.set(out, align=element.align, bold=element.bold, size=element.size)
            # Substitute before wrapping: □ may be wider than what it replaces.
            for line in wrap(printable_text(element.text), columns_for(element, paper)):
                out += encode_text(line) + LF
        elif isinstance(element, Divider):
            state.set(out, align="left", bold=False, size=(1, 1))
            char = printable_text(element.char) or "-"
            out += encode_text(char * (paper.columns // char_width(char))) + LF
        elif isinstance(element, QR):
            state.set(out, align="center", bold=state.bold, size=state.size)
            out += qr_commands(element)
        elif isinstance(element, Feed):
            out += ESC + b"d" + bytes([element.lines])
        elif isinstance(element, Cut):
            out += PARTIAL_CUT
        else:  # pragma: no cover - Receipt refuses other elements
            raise TypeError(element)
    return bytes(out)
