"""The receipt model: a receipt is data, not bytes.

A `Receipt` is an ordered tuple of frozen elements (`Text`, `Divider`, `QR`,
`Feed`, `Cut`). The ESC/POS encoder, the plain-text preview and the HTML
preview all read this one model, so what the staff console shows is what the
printer prints. Line wrapping lives here because every renderer must break
lines at the same places: by display width, where a CJK or fullwidth
character takes two half-width columns, never inside a character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal, Union

Align = Literal["left", "center", "right"]
ErrorCorrection = Literal["L", "M", "Q", "H"]

ALIGNMENTS = ("left", "center", "right")
ERROR_CORRECTIONS = ("L", "M", "Q", "H")
# GS ( k fn 80 carries the length in two bytes and counts 3 header bytes;
# the QR symbol itself cannot hold more than 7089 characters anyway.
QR_MAX_PAYLOAD_BYTES = 7089


@dataclass(frozen=True)
class Paper:
    """A roll width: printable dots and half-width columns of the 12x24 font."""

    name: str
    dots: int
    columns: int


PAPER_58MM = Paper("58mm", 384, 32)
PAPER_80MM = Paper("80mm", 576, 48)


@dataclass(frozen=True)
class Text:
    """A paragraph printed at a character size (width, height), each 1..8."""

    text: str
    size: tuple[int, int] = (1, 1)
    bold: bool = False
    align: Align = "left"

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError("Text.text must be a str")
        width, height = self.size
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise ValueError(f"text size must be 1..8 in each direction, got {self.size!r}")
        if self.align not in ALIGNMENTS:
            raise ValueError(f"align must be one of {ALIGNMENTS}, got {self.align!r}")


@dataclass(frozen=True)
class Divider:
    """A full-width rule made of one repeated character."""

    char: str = "-"

    def __post_init__(self) -> None:
        if len(self.char) != 1 or char_width(self.char) == 0:
            raise ValueError("a divider is one visible character")


@dataclass(frozen=True)
class QR:
    """A QR code printed by the printer itself (model 2), not a raster image."""

    payload: str
    module_size: int = 6
    error_correction: ErrorCorrection = "M"

    def __post_init__(self) -> None:
        if not 1 <= self.module_size <= 16:
            raise ValueError("QR module size must be 1..16 dots")
        if self.error_correction not in ERROR_CORRECTIONS:
            raise ValueError(f"error correction must be one of {ERROR_CORRECTIONS}")
        if not self.payload:
            raise ValueError("QR payload must not be empty")
        if len(self.payload.encode("utf-8")) > QR_MAX_PAYLOAD_BYTES:
            raise ValueError("QR payload too long")


@dataclass(frozen=True)
class Feed:
    """Blank paper of `lines` text lines."""

    lines: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.lines <= 255:
            raise ValueError("feed must be 0..255 lines")


@dataclass(frozen=True)
class Cut:
    """A partial cut after feeding the last line past the cutter."""


Element = Union[Text, Divider, QR, Feed, Cut]


@dataclass(frozen=True)
class Receipt:
    """An ordered sequence of elements; lists are frozen into a tuple."""

    elements: tuple[Element, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        elements = tuple(self.elements)
        for element in elements:
            if not isinstance(element, (Text, Divider, QR, Feed, Cut)):
                raise TypeError(f"not a receipt element: {element!r}")
        object.__setattr__(self, "elements", elements)


def _gbk_double_byte(ch: str) -> bool:
    try:
        return len(ch.encode("gb18030")) == 2
    except UnicodeEncodeError:
        return False


def char_width(ch: str) -> int:
    """Half-width columns one character takes on paper and in the preview.

    Wide and fullwidth characters take two. So does every other character
    the printer's GBK font holds as a double-byte code (…, —, “, ①, é, ǹ),
    because a Chinese printer prints those in the 24x24 cell whatever their
    Unicode width. Combining marks and control characters take none.
    """
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cc", "Cf", "Mn", "Me"):
        return 0
    eaw = unicodedata.east_asian_width(ch)
    if eaw in ("W", "F"):
        return 2
    if _gbk_double_byte(ch):
        return 2
    return 1


def text_width(text: str) -> int:
    """Display width of a string in half-width columns."""
    return sum(char_width(ch) for ch in text)


def clean_text(text: str) -> str:
    """Drop control characters except newline: they would be printer commands."""
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")


def wrap_line(line: str, columns: int) -> list[str]:
    """Break one paragraph (no newline) into lines of at most `columns`.

    Greedy by width; when a line would overflow and it holds a space, the
    break goes after that space so Latin words stay whole. Every character,
    spaces included, is kept, so joining the lines gives the paragraph back.
    A zero-width character stays with the character before it.
    """
    if columns < 2:
        raise ValueError("need at least 2 columns to place a wide character")
    if line == "":
        return [""]
    lines: list[str] = []
    current: list[str] = []
    width = 0
    for ch in line:
        w = char_width(ch)
        if width + w > columns and current:
            break_at = len(current)
            for i in range(len(current) - 1, 0, -1):
                # Never leave a combining mark at the head of the next line.
                if current[i] == " " and (i + 1 == len(current) or char_width(current[i + 1]) > 0):
                    break_at = i + 1
                    break
            lines.append("".join(current[:break_at]))
            current = current[break_at:]
            width = text_width("".join(current))
            # A carried-over word can still be too long together with ch.
            if width + w > columns and current:
                lines.append("".join(current))
                current, width = [], 0
        current.append(ch)
        width += w
    lines.append("".join(current))
    return lines


def wrap(text: str, columns: int) -> list[str]:
    """Wrap text with hard newlines into lines of at most `columns`."""
    lines: list[str] = []
    for paragraph in clean_text(text).split("\n"):
        lines.extend(wrap_line(paragraph, columns))
    return lines


def columns_for(text: Text, paper: Paper) -> int:
    """Columns available to a text at its width multiplier."""
    return paper.columns // text.size[0]
