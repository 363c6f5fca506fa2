"""The keyboard's bench figure runs and has the shape bench/__main__.py expects."""

import pytest

from bench import keyboard as bench
from bench.__main__ import MODULES

pytestmark = pytest.mark.slow


def test_keyboard_figures():
    assert "bench.keyboard" in MODULES
    figures = bench.figures()
    p95 = figures["keyboard_candidates_p95_ms"]
    assert p95["unit"] == "ms" and p95["value"] > 0 and p95["target"] == 50
