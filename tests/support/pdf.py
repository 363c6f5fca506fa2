"""Reading PDFs in tests with poppler-utils: their text, their fonts, their pages as pictures."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .apps import unavailable


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} (poppler-utils) is not installed")
    return path


def _saved(pdf: bytes, folder: Path, name: str) -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def text_of(pdf: bytes, folder: Path, name: str = "doc") -> str:
    return subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(_saved(pdf, folder, name)), "-"],
                          check=True, capture_output=True, timeout=60).stdout.decode()


def fonts_of(pdf: bytes, folder: Path, name: str = "doc") -> list[tuple[str, bool]]:
    """(font name, embedded?) of every font `pdffonts` lists."""
    lines = subprocess.run([_tool("pdffonts"), str(_saved(pdf, folder, name))], check=True,
                           capture_output=True, timeout=60).stdout.decode().splitlines()[2:]
    fonts = []
    for line in lines:
        # name type encoding emb sub uni object ID: the emb column is the fourth from the end but two
        columns = line.split()
        fonts.append((columns[0], columns[-5] == "yes"))
    return fonts


def pages_as_png(pdf: bytes, folder: Path, name: str = "doc", dpi: int = 60) -> list[Path]:
    """Each page rendered by pdftoppm, as PNG files."""
    prefix = folder / name
    subprocess.run([_tool("pdftoppm"), "-png", "-r", str(dpi), str(_saved(pdf, folder, name)), str(prefix)],
                   check=True, capture_output=True, timeout=120)
    return sorted(folder.glob(f"{name}-*.png"))


def colour_share(png: Path, rgb: tuple[int, int, int], tolerance: int = 24) -> float:
    """The share of a picture's pixels within `tolerance` of a colour (a chart's bars, say)."""
    from PIL import Image

    with Image.open(png) as image:
        pixels = list(image.convert("RGB").get_flattened_data())
    near = sum(1 for r, g, b in pixels
               if abs(r - rgb[0]) <= tolerance and abs(g - rgb[1]) <= tolerance and abs(b - rgb[2]) <= tolerance)
    return near / len(pixels)
