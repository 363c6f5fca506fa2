"""The display's spoken call is made from clips, so it speaks on a bare Debian too."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kiosk.speech import WORDS, build, clips_folder, render, tokens
from tests.support.apps import unavailable


def sox_stat(path) -> dict[str, float]:
    done = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, check=True)
    stats = {}
    for line in done.stderr.splitlines():
        match = re.match(r"^([A-Za-z ()]+?):\s+(-?[0-9.]+)", line)
        if match:
            stats[match.group(1).strip()] = float(match.group(2))
    return stats


@pytest.fixture
def clips(app):
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        unavailable("espeak-ng and sox are needed (make test installs them)")
    with app.app_context():
        folder = clips_folder()
    build(folder)
    return folder


def test_the_call_is_read_digit_by_digit_with_the_window_in_chinese():
    assert tokens("A023", 3) == ["qing", "A", "0", "2", "3", "hao", "dao", "3", "hao", "chuangkou"]
    assert tokens("C105", 12)[-4:] == ["shi", "2", "hao", "chuangkou"]
    assert tokens("B001", 20)[-4:] == ["2", "shi", "hao", "chuangkou"]
    with pytest.raises(ValueError):
        tokens("../etc", 3)


def test_a_rendered_call_is_neither_empty_nor_silent(clips, tmp_path):
    assert sorted(path.stem for path in clips.glob("*.wav")) == sorted(WORDS)
    sentence = tmp_path / "call.wav"
    sentence.write_bytes(render(clips, tokens("A023", 3)))  # 请A023号到3号窗口
    stats = sox_stat(sentence)
    assert stats["Length (seconds)"] > 2.0
    assert stats["RMS     amplitude"] > 0.02
    assert stats["Maximum amplitude"] > 0.2


def test_the_display_fetches_the_call_as_audio(client, clips):
    answer = client.get("/display/say/A023/3.wav")
    assert answer.status_code == 200 and answer.mimetype == "audio/wav"
    assert answer.data[:4] == b"RIFF" and len(answer.data) > 40_000
    assert client.get("/display/say/A023/99.wav").status_code == 404  # no such window
    assert client.get("/display/say/a023/3.wav").status_code == 404
    page = client.get("/display").get_data(as_text=True)
    assert 'data-say-url="/display/say/{ticket}/{window}.wav"' in page


def test_a_recorded_clip_dropped_in_replaces_the_generated_one(clips):
    recorded = (clips / "qing.wav").read_bytes()
    (clips / "qing.wav").write_bytes(recorded)  # "recorded" by the office
    before = (clips / "qing.wav").stat().st_mtime_ns
    assert "qing" not in build(clips)
    assert (clips / "qing.wav").stat().st_mtime_ns == before
