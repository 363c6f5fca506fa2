"""The bench returns its figures in the agreed shape and within targets."""

from bench.printer import run


def test_bench_figures():
    figures = run(renders=5)
    assert set(figures) == {"ticket_bytes", "ticket_render_ms", "register_pdf_500_s"}
    for figure in figures.values():
        assert set(figure) == {"value", "unit", "target"}
    # Size is deterministic; times are reported, not asserted, so CI load cannot fail it.
    assert figures["ticket_bytes"]["value"] <= figures["ticket_bytes"]["target"]
