"""The reception window's bench figures run and have the shape bench/__main__.py expects."""

import pytest

from bench import queue as bench

pytestmark = pytest.mark.slow


def test_figures_have_values_units_and_targets():
    figures = bench.figures()
    assert set(figures) == {"call_to_display_p95_ms", "queue_page_500_ms"}
    for figure in figures.values():
        assert figure["unit"] == "ms" and figure["value"] > 0 and figure["target"].startswith("<")
