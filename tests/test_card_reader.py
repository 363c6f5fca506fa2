"""The ID card reader: frames by golden bytes, and whole reads from a simulated reader on a pty.

The simulated reader answers with frames these tests build, including bad
checksums, short frames, a card lifted off mid-read, silence and an unplugged
cable; each must end as the calm error the visitor is shown.
"""

from __future__ import annotations

import json

import pytest

from kiosk.cardreader import protocol
from kiosk.cardreader import reader as reader_module
from kiosk.cardreader.reader import ReaderConfig, read_card
from tests.support.card_reader import CARD, UNPLUG, SimulatedReader, card, read_reply, reply
from tests.support.touchscreen import valid_id_number

ID_NUMBER = valid_id_number(seq=777)
FIELDS = dict(CARD, id_number=ID_NUMBER)


def config(path: str) -> ReaderConfig:
    return ReaderConfig(url=path, timeout=0.3)


def test_command_frames_match_the_published_bytes():
    assert protocol.command(protocol.FIND_CARD).hex(" ") == "aa aa aa 96 69 00 03 20 01 22"
    assert protocol.command(protocol.SELECT_CARD).hex(" ") == "aa aa aa 96 69 00 03 20 02 21"
    assert protocol.command(protocol.READ_TEXT_PHOTO).hex(" ") == "aa aa aa 96 69 00 03 30 01 32"


def test_a_reply_is_parsed_and_a_damaged_one_refused():
    raw = reply(protocol.FOUND, b"\x00\x00\x00\x00")
    parsed = protocol.parse_reply(raw)
    assert (parsed.sw1, parsed.sw2, parsed.sw3, parsed.data) == (0, 0, 0x9F, b"\0\0\0\0")
    damaged = raw[:-1] + bytes([raw[-1] ^ 0x01])
    with pytest.raises(protocol.BadFrame):
        protocol.parse_reply(damaged)
    with pytest.raises(protocol.BadFrame):
        protocol.parse_reply(raw[:-2])


def test_the_text_block_decodes_with_sex_and_ethnicity_names():
    text = protocol.parse_text(protocol.encode_text(**dict(FIELDS, sex="2", ethnicity="11",
                                                           valid_to="长期")))
    assert text.as_dict() == {
        "name": "张三丰", "sex": "女", "ethnicity": "满", "birth_date": "1980-01-01",
        "address": "山东省济南市历下区泉城路1号", "id_number": ID_NUMBER,
        "authority": "济南市公安局历下分局", "valid_from": "2020-01-01", "valid_to": "长期"}


def test_a_card_is_read_from_the_reader():
    with SimulatedReader(card(FIELDS)) as sim:
        text = read_card(config(sim.path), wait=1)
    assert text.name == "张三丰" and text.sex == "男" and text.ethnicity == "汉"
    assert text.id_number == ID_NUMBER and text.address == "山东省济南市历下区泉城路1号"
    assert sim.commands == [protocol.FIND_CARD, protocol.SELECT_CARD, protocol.READ_TEXT_PHOTO]


def test_noise_before_a_reply_is_skipped():
    answers = card(FIELDS)
    with SimulatedReader(lambda code: b"\x00\xff\x13" + answers(code)) as sim:
        assert read_card(config(sim.path), wait=1).name == "张三丰"


def test_the_reader_asks_again_until_a_card_is_laid_on_it():
    tries = []
    answers = card(FIELDS)

    def answer(code):
        if code == protocol.FIND_CARD and len(tries) < 2:
            tries.append(code)
            return reply(protocol.NO_CARD)
        return answers(code)

    with SimulatedReader(answer) as sim:
        assert read_card(config(sim.path), wait=5).name == "张三丰"
    assert sim.commands.count(protocol.FIND_CARD) == 3


def test_no_card_within_the_wait():
    with SimulatedReader(lambda code: reply(protocol.NO_CARD)) as sim:
        with pytest.raises(protocol.NoCard):
            read_card(config(sim.path), wait=0.3)


def _failing(code_to_break, broken):
    answers = card(FIELDS)
    return lambda code: broken(answers(code)) if code == code_to_break else answers(code)


def test_a_bad_checksum_is_a_bad_frame():
    flip = lambda raw: raw[:-1] + bytes([raw[-1] ^ 0xFF])  # noqa: E731
    with SimulatedReader(_failing(protocol.FIND_CARD, flip)) as sim:
        with pytest.raises(protocol.BadFrame) as caught:
            read_card(config(sim.path), wait=1)
    assert "checksum" in str(caught.value)


def test_a_short_frame_is_a_bad_frame():
    with SimulatedReader(_failing(protocol.FIND_CARD, lambda raw: raw[:8])) as sim:
        with pytest.raises(protocol.BadFrame):
            read_card(config(sim.path), wait=1)


@pytest.mark.parametrize("broken", [
    lambda raw: raw[:300],                                  # the reply stops part way
    lambda raw: reply(protocol.READ_FAILED),                # the reader says the read failed
    lambda raw: None,                                       # nothing comes back
], ids=["truncated", "read-failed", "silent"])
def test_a_card_lifted_off_mid_read(broken):
    with SimulatedReader(_failing(protocol.READ_TEXT_PHOTO, broken)) as sim:
        with pytest.raises(protocol.CardMoved):
            read_card(config(sim.path), wait=1)


def test_silence_is_a_silent_reader():
    with SimulatedReader(lambda code: None) as sim:
        with pytest.raises(protocol.ReaderSilent):
            read_card(config(sim.path), wait=1)


def test_an_unplugged_reader():
    with pytest.raises(protocol.ReaderUnavailable):
        read_card(config("/dev/does-not-exist-ttyUSB9"), wait=1)
    with pytest.raises(protocol.ReaderUnavailable):
        read_card(config(""), wait=1)


def test_a_reader_unplugged_before_it_is_opened():
    with SimulatedReader(card(FIELDS)) as sim:
        sim.unplug()  # the device node is gone
        with pytest.raises(protocol.ReaderUnavailable):
            read_card(config(sim.path), wait=1)


def test_a_reader_unplugged_while_in_use():
    answers = card(FIELDS)
    # The cable is pulled after the card was found, before it is selected.
    answer = lambda code: UNPLUG if code == protocol.SELECT_CARD else answers(code)  # noqa: E731
    with SimulatedReader(answer) as sim:
        with pytest.raises(protocol.ReaderUnavailable) as caught:
            read_card(config(sim.path), wait=1)
    assert "stopped answering" in str(caught.value)


def test_every_reader_error_has_a_calm_translated_reason(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        from flask_babel import force_locale
        with force_locale("zh_Hans_CN"):
            reasons = {str(cls.reason) for cls in (
                protocol.ReaderUnavailable, protocol.ReaderSilent, protocol.BadFrame,
                protocol.NoCard, protocol.CardMoved)}
    assert len(reasons) == 5
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for reason in reasons)


@pytest.fixture
def sim_card():
    with SimulatedReader(card(FIELDS)) as sim:
        yield sim


def test_cli_prints_the_card_as_json(instance, sim_card):
    from kiosk import create_app
    from tests.support.apps import make_config
    app = create_app(make_config(instance, KIOSK_CARD_READER_URL=sim_card.path,
                                 KIOSK_CARD_READER_TIMEOUT=0.3))
    result = app.test_cli_runner().invoke(args=["card-reader", "read"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert list(printed) == ["name", "sex", "ethnicity", "birth_date", "address", "id_number",
                             "authority", "valid_from", "valid_to"]
    assert printed["id_number"] == ID_NUMBER and printed["sex"] == "男"


def test_cli_without_a_reader_exits_non_zero_with_the_reason(runner):
    result = runner.invoke(args=["card-reader", "read"])
    assert result.exit_code != 0
    assert "KIOSK_CARD_READER_URL is empty" in result.output


def test_read_reply_builder_is_what_the_parser_expects():
    raw = read_reply(FIELDS)
    assert protocol.parse_read_data(protocol.parse_reply(raw).data).id_number == ID_NUMBER


def test_a_port_whose_device_vanished_is_an_unavailable_reader(monkeypatch):
    termios = pytest.importorskip("termios")

    class GonePort:
        """What pyserial's POSIX port does once a USB reader is pulled: tcflush fails."""

        def reset_input_buffer(self):
            raise termios.error(5, "Input/output error")

        def close(self):
            raise termios.error(5, "Input/output error")

    monkeypatch.setattr(reader_module.serial, "serial_for_url", lambda *a, **k: GonePort())
    with pytest.raises(protocol.ReaderUnavailable):
        read_card(config("/dev/ttyUSB0"), wait=1)
