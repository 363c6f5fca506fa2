"""Plain-text and HTML renderings, the preview QR encoder, and the ticket layout."""

import datetime as dt
import re

import pytest
from markupsafe import Markup

from printer import qr as qrmod
from printer.receipt import PAPER_58MM, PAPER_80MM, QR, Cut, Divider, Feed, Receipt, Text, text_width
from printer.render import to_html, to_text
from printer.ticket import TicketData, build_ticket, sample_ticket_data

# Made by printer.qr and checked module for module against segno 1.6 (same
# version, level and mask; segno adds one extra 0x00 pad codeword, so the
# comparison fed it the same codewords) for versions 1-10, all levels and masks.
GOLDEN_URL_M = ['11111110011101101011001111111', '10000010101000110111101000001', '10111010001111100010101011101', '10111010001011100000001011101', '10111010110010100111001011101', '10000010000011010011001000001', '11111110101010101010101111111', '00000000000001110111100000000', '10101010000100100101100010010', '10101001001110111110101001001', '11010010000001000010001110111', '11001101101000011111010010010', '01110010101100011110111001011', '00111001010111011000111001001', '11001110100110100100110111011', '10111001101011110110110101010', '10000110011000101000011001011', '01010001000010111110111001101', '10101011010011000000111010011', '01010101110110000100100111010', '10110110000100000001111110000', '00000000100101011101100010111', '11111110000000101001101011011', '10000010010101110110100011010', '10111010111100100000111110011', '10111010001000100110010010111', '10111010100010001110000111001', '10000010011011011111101000010', '11111110101110000001100110011']


def test_text_rendering_wraps_and_aligns():
    receipt = Receipt([Text("接待", align="center"), Text("右", align="right"), Divider("="),
                       QR("CODE"), Feed(2), Cut()])
    lines = to_text(receipt, PAPER_58MM).split("\n")
    assert lines[0] == " " * 14 + "接待"
    assert lines[1] == " " * 30 + "右"
    assert lines[2] == "=" * 32
    assert "[QR] CODE" in lines[3]
    assert lines[4:6] == ["", ""]
    assert lines[6].startswith("✂")


def test_text_rendering_never_exceeds_the_paper():
    text = to_text(build_ticket(sample_ticket_data()), PAPER_58MM)
    for line in text.splitlines():
        if not line.startswith("[QR]") and "[QR]" not in line:
            assert text_width(line) <= PAPER_58MM.columns, line


def test_html_is_escaped_and_classed():
    html = to_html(Receipt([Text("<script>alert(1)</script>&", size=(3, 3), bold=True,
                                 align="center"), QR("x\"><img src=x>")]))
    assert isinstance(html, Markup)
    assert '<div class="receipt">' in html
    assert '<p class="receipt-line size-3x3 bold center">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "<img" not in html
    assert '<svg class="receipt-qr-code"' in html


def test_html_requests_nothing_from_outside():
    html = str(to_html(build_ticket(sample_ticket_data())))
    assert not re.search(r"\b(src|href)=|url\(|@import", html)


def test_qr_golden_matrix():
    matrix = qrmod.qr_matrix("https://example.invalid/q/TEST0SAMPL", "M")
    assert ["".join("1" if c else "0" for c in row) for row in matrix] == GOLDEN_URL_M


def _read_back(payload, ecl, mask):
    """Undo mask and placement, check every block's Reed-Solomon remainder."""
    data = payload.encode()
    ver = qrmod._choose_version(len(data), ecl)
    dark = qrmod.qr_matrix(payload, ecl, mask)
    frame = qrmod._Matrix(ver)
    frame.draw_function_patterns(ecl)
    bits = [dark[y][x] ^ qrmod._MASKS[mask](x, y) for x, y in frame.data_modules()]
    words = [int("".join("1" if b else "0" for b in bits[i:i + 8]), 2)
             for i in range(0, len(bits) - 7, 8)]
    return ver, words


@pytest.mark.parametrize("payload", ["A", "https://example.invalid/q/ABCDE12345", "查询" * 10,
                                     "x" * 100])
@pytest.mark.parametrize("ecl", "LMQH")
def test_qr_codewords_read_back(payload, ecl):
    ver, words = _read_back(payload, ecl, 3)
    assert words[:len(qrmod._codewords(payload.encode(), ver, ecl))] ==         qrmod._codewords(payload.encode(), ver, ecl)
    # Single-block symbols: data + ECC must divide by the generator.
    if qrmod._BLOCKS[ecl][ver] == 1:
        ecclen = qrmod._ECC_PER_BLOCK[ecl][ver]
        n_data = len(qrmod._codewords(payload.encode(), ver, ecl)) - ecclen
        assert qrmod._rs_remainder(words[:n_data], qrmod._rs_divisor(ecclen)) ==             words[n_data:n_data + ecclen]


def test_qr_too_long_for_preview_is_refused():
    with pytest.raises(ValueError):
        qrmod.qr_matrix("x" * 400, "H")


def ticket(**changes):
    base = dict(
        office_name="某某区人大常委会信访接待室", ticket_number="A023", service_label="来访登记",
        issued_at=dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.timezone.utc), waiting_ahead=4,
        query_code="K7P2Q-X9M4T", qr_payload="https://kiosk.local/q/K7P2QX9M4T",
        # The app masks before it prints (kiosk/printing); the layout prints what it is given.
        name="张*三", id_number="3701**********1234", phone="138****5678",
        keep_slip_line="请妥善保管本凭条，凭查询码查询进度",
    )
    base.update(changes)
    return TicketData(**base)


def test_ticket_layout():
    receipt = build_ticket(ticket())
    texts = [e for e in receipt.elements if isinstance(e, Text)]
    number = [t for t in texts if t.text == "A023"][0]
    assert number.size[0] >= 3 and number.size[1] >= 3
    text = to_text(receipt, PAPER_80MM)
    assert "2026-11-24 00:30" in text  # Asia/Shanghai, the next day
    assert "张*三" in text and "3701**********1234" in text and "138****5678" in text
    assert "K7P2Q-X9M4T" in text and "前面等候：4 人" in text
    assert [e for e in receipt.elements if isinstance(e, QR)][0].payload ==         "https://kiosk.local/q/K7P2QX9M4T"
    assert isinstance(receipt.elements[-1], Cut) and isinstance(receipt.elements[-2], Feed)


def test_ticket_labels_are_replaceable():
    text = to_text(build_ticket(ticket(labels={"query_code": "Query code",
                                               "waiting_ahead": "{count} ahead of you"})),
                   PAPER_80MM)
    assert "Query code：K7P2Q-X9M4T" in text and "4 ahead of you" in text


def test_ticket_without_identity_has_no_identity_lines():
    text = to_text(build_ticket(ticket(name="", id_number="", phone="")), PAPER_80MM)
    assert "姓名" not in text


def test_ticket_refuses_naive_time_and_a_missing_code():
    with pytest.raises(ValueError):
        ticket(issued_at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        ticket(query_code="")


def test_html_of_a_long_qr_payload_shows_the_payload_only():
    html = to_html(Receipt([QR("x" * 400, error_correction="H")]))
    assert "<svg" not in html and "x" * 400 in html
