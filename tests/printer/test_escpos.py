"""Golden bytes for the ESC/POS encoder and stream invariants for every job."""

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printer.escpos import PLACEHOLDER, TICKET_MAX_BYTES, encode, printable_text, qr_commands
from printer.receipt import PAPER_58MM, PAPER_80MM, QR, Cut, Divider, Feed, Receipt, Text
from printer.ticket import build_ticket, sample_ticket_data
from tests.support.escpos_parser import ParseError, check_job, parse

HEAD = b"\x1b@\x1c&"
CUT = b"\x1dVB\x00"


def test_plain_line_golden():
    assert encode(Receipt([Text("A"), Cut()]), PAPER_58MM) == HEAD + b"A\n" + CUT


def test_chinese_bold_center_double_golden():
    got = encode(Receipt([Text("接待", size=(2, 2), bold=True, align="center"), Cut()]), PAPER_58MM)
    # 接 = BD D3, 待 = B4 FD in GB18030/GBK; GS ! 0x11 is double width and height.
    assert got == HEAD + b"\x1ba\x01\x1bE\x01\x1d!\x11" + b"\xbd\xd3\xb4\xfd\n" + CUT


def test_modes_are_sent_only_when_they_change():
    got = encode(Receipt([Text("a", bold=True), Text("b", bold=True), Text("c")]), PAPER_58MM)
    assert got == HEAD + b"\x1bE\x01a\nb\n\x1bE\x00c\n"


def test_size_byte_golden():
    got = encode(Receipt([Text("1", size=(3, 3)), Text("2", size=(8, 1))]), PAPER_80MM)
    assert got == HEAD + b"\x1d!\x22" + b"1\n" + b"\x1d!\x70" + b"2\n"


def test_divider_feed_golden():
    got = encode(Receipt([Divider("="), Feed(3), Cut()]), PAPER_58MM)
    assert got == HEAD + b"=" * 32 + b"\n" + b"\x1bd\x03" + CUT


def test_wide_divider_fills_half_the_characters():
    got = encode(Receipt([Divider("─")]), PAPER_58MM)
    assert got == HEAD + "─".encode("gb18030") * 16 + b"\n"


def test_qr_golden():
    got = qr_commands(QR("AB12", module_size=5, error_correction="Q"))
    assert got == (
        b"\x1d(k\x04\x00\x31\x41\x32\x00"
        b"\x1d(k\x03\x00\x31\x43\x05"
        b"\x1d(k\x03\x00\x31\x45\x32"
        b"\x1d(k\x07\x00\x31\x50\x30AB12"
        b"\x1d(k\x03\x00\x31\x51\x30"
    )


def test_qr_store_length_uses_both_bytes():
    payload = "x" * 300
    parsed = parse(qr_commands(QR(payload)))
    store = [c for c in parsed.commands if c[1] == 80][0]
    assert store[2][1:] == payload.encode()
    raw = qr_commands(QR(payload))
    at = raw.index(b"\x31\x50\x30") - 2
    assert raw[at] | raw[at + 1] << 8 == 303


def test_wrapping_golden_58mm():
    text = "一二三四五六七八九十" * 2  # 40 columns on a 32-column roll
    got = encode(Receipt([Text(text)]), PAPER_58MM)
    assert got == HEAD + ("一二三四五六七八九十" + "一二三四五六").encode("gb18030") + b"\n" + \
        "七八九十".encode("gb18030") + b"\n"


def test_character_outside_gbk_becomes_placeholder_and_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="printer.escpos"):
        got = encode(Receipt([Text("王𠈌明😀")]), PAPER_58MM)
    assert got == HEAD + ("王" + PLACEHOLDER + "明" + PLACEHOLDER).encode("gb18030") + b"\n"
    assert "U+2020C" in caplog.text and "王" not in caplog.text
    assert PLACEHOLDER.encode("gbk")  # the placeholder itself is printable


def test_control_characters_cannot_inject_commands():
    got = encode(Receipt([Text("a\x1b@b\x1dV\x00c")]), PAPER_58MM)
    assert got == HEAD + b"a@bVc\n"


def test_newline_in_text_is_a_line_break():
    assert encode(Receipt([Text("a\nb")]), PAPER_58MM) == HEAD + b"a\nb\n"


@pytest.mark.parametrize("paper", [PAPER_58MM, PAPER_80MM])
def test_ticket_is_small_and_well_formed(paper):
    data = encode(build_ticket(sample_ticket_data()), paper)
    assert len(data) <= TICKET_MAX_BYTES
    parsed = check_job(data)
    assert parsed.qr_payloads == [b"https://example.invalid/q/TEST0SAMPL"]
    assert "A000" in parsed.lines
    assert any("TEST0-SAMPL" in line for line in parsed.lines)


@settings(max_examples=100, deadline=None)
@given(office=st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=30),
       keep=st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=40),
       code=st.text("ABCDEFGHJKMNPQRSTVWXYZ23456789", min_size=10, max_size=10),
       paper=st.sampled_from([PAPER_58MM, PAPER_80MM]))
def test_ticket_stays_within_1200_bytes_for_realistic_fields(office, keep, code, paper):
    from dataclasses import replace
    data = replace(sample_ticket_data(), office_name=office, keep_slip_line=keep, query_code=f"{code[:5]}-{code[5:]}",
                   qr_payload="https://xinfang.example.gov.cn/q/" + code)
    stream = encode(build_ticket(data), paper)
    check_job(stream)
    assert len(stream) <= TICKET_MAX_BYTES


def test_parser_rejects_a_bad_qr_length():
    bad = HEAD + b"\x1d(k\x05\x001Q0" + CUT  # print fn with a wrong length
    with pytest.raises(ParseError):
        check_job(bad)


elements = st.one_of(
    st.builds(Text, st.text(max_size=80),
              size=st.tuples(st.integers(1, 8), st.integers(1, 8)),
              bold=st.booleans(), align=st.sampled_from(["left", "center", "right"])),
    st.builds(Divider, st.sampled_from(["-", "=", "─", "*"])),
    st.builds(QR, st.text(min_size=1, max_size=60), module_size=st.integers(1, 16),
              error_correction=st.sampled_from("LMQH")),
    st.builds(Feed, st.integers(0, 255)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(elements, max_size=12), st.sampled_from([PAPER_58MM, PAPER_80MM]))
def test_every_stream_parses_decodes_and_ends_with_a_cut(items, paper):
    receipt = Receipt(items + [Cut()])
    parsed = check_job(encode(receipt, paper))
    for line in parsed.lines:
        assert all(ch == printable_text(ch) for ch in line)
    # On paper a GBK byte is one half-width cell: no printed line may overflow.
    width, lines = 1, iter(parsed.lines)
    for command in parsed.commands:
        if command[0] == "GS !":
            width = (command[1] >> 4) + 1
        elif command[0] == "LF":
            assert len(next(lines).encode("gb18030")) * width <= paper.columns
    assert parsed.qr_payloads == [q.payload.encode() for q in items if isinstance(q, QR)]
