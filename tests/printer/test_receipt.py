"""The receipt model and its width-aware wrapping."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printer.receipt import (
    PAPER_58MM,
    QR,
    Divider,
    Feed,
    Receipt,
    Text,
    char_width,
    text_width,
    wrap,
    wrap_line,
)

# Mixed scripts: ASCII, CJK, fullwidth forms, combining marks, spaces.
paragraphs = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abc xyz 123-")),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.sampled_from(["\u0301", "…", "—", "“", "é", "①"]),
        st.characters(blacklist_categories=("Cc", "Cs")),
    ),
    max_size=120,
)


@settings(max_examples=300)
@given(paragraphs, st.integers(2, 48))
def test_wrapped_lines_never_exceed_the_columns(text, columns):
    for line in wrap_line(text, columns):
        assert text_width(line) <= columns


@settings(max_examples=300)
@given(paragraphs, st.integers(2, 48))
def test_wrapping_round_trips_the_text(text, columns):
    assert "".join(wrap_line(text, columns)) == text


@settings(max_examples=300)
@given(paragraphs, st.integers(2, 48))
def test_a_line_never_starts_with_a_combining_mark_after_the_first(text, columns):
    lines = wrap_line(text, columns)
    for line in lines[1:]:
        assert line == "" or char_width(line[0]) > 0


@given(st.lists(paragraphs, min_size=1, max_size=4), st.integers(2, 48))
def test_newlines_are_hard_breaks(parts, columns):
    text = "\n".join(parts)
    assert len(wrap(text, columns)) >= len(parts)


def test_cjk_is_two_columns():
    assert text_width("接待A") == 5
    assert wrap_line("接待接待接", 4) == ["接待", "接待", "接"]


def test_words_break_at_spaces():
    assert wrap_line("hello big world", 10) == ["hello big ", "world"]


def test_elements_validate():
    with pytest.raises(ValueError):
        Text("x", size=(9, 1))
    with pytest.raises(ValueError):
        Text("x", align="justify")
    with pytest.raises(ValueError):
        QR("x", error_correction="X")
    with pytest.raises(ValueError):
        Feed(256)
    with pytest.raises(ValueError):
        Divider("--")
    with pytest.raises(TypeError):
        Receipt(["not an element"])


def test_receipt_is_frozen_and_keeps_a_tuple():
    receipt = Receipt([Text("a")])
    assert isinstance(receipt.elements, tuple)
    with pytest.raises(AttributeError):
        receipt.elements = ()
    assert PAPER_58MM.columns == 32
