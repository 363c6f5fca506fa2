"""The waiting-room display's spoken call, from clips, whatever voices the TV's browser has.

A bare Debian's Chromium has no Chinese voice, so the display does not rely on
speech synthesis: the kiosk joins short WAV clips (请, the ticket's letter and
digits, 号, 到, the window's number, 号, 窗口) into one sentence and the display
plays it. The clips are generated once with Debian's `espeak-ng` Mandarin voice
(`flask --app kiosk speech build`, run by `make run` and by the install, or on
first need), into KIOSK_SPEECH_DIR. Recorded clips the office drops into that
folder under the same names replace the generated ones and are never
overwritten. Generated audio is not committed: it can be made again.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import struct
import subprocess
import threading
import wave
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

DIGITS = "零一二三四五六七八九"
# Clip name -> what espeak-ng says to make it.
WORDS = {"qing": "请", "hao": "号", "dao": "到", "chuangkou": "窗口", "shi": "十",
         **{str(number): DIGITS[number] for number in range(10)},
         **{letter: letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}
TICKET = re.compile(r"^[A-Z][0-9]{1,4}$")
RATE = 22050
GAP_S = 0.05
_BUILD_LOCK = threading.Lock()


class SpeechUnavailable(Exception):
    """No clips, and none can be made (espeak-ng is not installed)."""


def clips_folder(app: Flask | None = None) -> Path:
    app = app or current_app
    configured = app.config["KIOSK_SPEECH_DIR"]
    return Path(configured) if configured else Path(app.instance_path) / "speech"


def tokens(ticket: str, window: int) -> list[str]:
    """The clips of 请{ticket}号到{window}号窗口; the ticket's digits one by one (零二三)."""
    if not TICKET.match(ticket) or not 1 <= window <= 99:
        raise ValueError(f"cannot say ticket {ticket!r} at window {window!r}")
    if window < 10:
        number = [str(window)]
    else:
        tens, units = divmod(window, 10)
        number = ([str(tens)] if tens > 1 else []) + ["shi"] + ([str(units)] if units else [])
    return ["qing", *ticket, "hao", "dao", *number, "hao", "chuangkou"]


def build(folder: Path, *, overwrite: bool = False) -> list[str]:
    """Generate the missing clips with espeak-ng (cmn); return the names made."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SpeechUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    with _BUILD_LOCK:
        for name, text in WORDS.items():
            target = folder / f"{name}.wav"
            if target.exists() and not overwrite:
                continue  # generated before, or recorded by the office: keep it
            partial = folder / f".{name}.partial.wav"
            subprocess.run([espeak, "-v", "cmn", "-s", "150", "-w", str(partial), text],
                           check=True, capture_output=True, timeout=30)
            partial.replace(target)
            made.append(name)
    return made


def _samples(path: Path) -> tuple[int, ...]:
    """A clip as mono 16-bit samples at RATE, silence trimmed at both ends (read once)."""
    return _read_clip(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _read_clip(path: str, _mtime_ns: int) -> tuple[int, ...]:
    with wave.open(path, "rb") as clip:
        channels, width, rate = clip.getnchannels(), clip.getsampwidth(), clip.getframerate()
        raw = clip.readframes(clip.getnframes())
    if width != 2:
        raise SpeechUnavailable(f"{Path(path).name}: only 16-bit PCM clips can be used")
    values = struct.unpack(f"<{len(raw) // 2}h", raw)[::channels]
    if rate != RATE:  # a recorded clip at another rate: linear resampling is enough for speech
        step = rate / RATE
        values = [values[min(len(values) - 1, int(index * step))]
                  for index in range(int(len(values) / step))]
    loud = [index for index, value in enumerate(values) if abs(value) > 600]
    if not loud:
        return ()
    return tuple(values[max(0, loud[0] - 200):loud[-1] + 200])


def render(folder: Path, names: list[str]) -> bytes:
    """The clips joined, with a short pause between them, as one WAV file."""
    missing = [name for name in names if not (folder / f"{name}.wav").exists()]
    if missing:
        build(folder)
    gap = [0] * int(RATE * GAP_S)
    samples: list[int] = []
    for name in names:
        samples += [*_samples(folder / f"{name}.wav"), *gap]
    out = io.BytesIO()
    with wave.open(out, "wb") as sentence:
        sentence.setnchannels(1)
        sentence.setsampwidth(2)
        sentence.setframerate(RATE)
        sentence.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return out.getvalue()


speech_group = AppGroup("speech", help="The waiting-room display's spoken clips.")


@speech_group.command("build")
@click.option("--overwrite", is_flag=True, help="Make every clip again (recorded ones too).")
def speech_build(overwrite: bool):
    """Generate the clips for 请, 号, 到, 窗口, digits and letters with espeak-ng."""
    folder = clips_folder()
    try:
        made = build(folder, overwrite=overwrite)
    except SpeechUnavailable as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{len(made)} clips made, {len(WORDS) - len(made)} kept, in {folder}")
