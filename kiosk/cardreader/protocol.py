"""Frames of the second-generation ID card reader protocol, and the card's text block.

A frame is the preamble AA AA AA 96 69, a two-byte big-endian length of what
follows it, then the body and one XOR checksum byte over the length and the
body. A command's body is command and parameter bytes plus data (find card
20 01, select card 20 02, read text and photo 30 01); a reply's body is three
status bytes SW1 SW2 SW3 plus data. The read reply's data is the text length
and photo length (two bytes each), the 256-byte text block in UCS-2
little-endian with fixed-width fields, and the 1024-byte photo, which is
neither decoded nor kept. Everything here is pure bytes in, values out, so
it is tested with golden frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from flask_babel import lazy_gettext as _l

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
FIND_CARD = b"\x20\x01"
SELECT_CARD = b"\x20\x02"
READ_TEXT_PHOTO = b"\x30\x01"

# SW3 of a reply.
OK = 0x90
FOUND = 0x9F
NO_CARD = 0x80
SELECT_FAILED = 0x81
READ_FAILED = 0x41
BAD_CHECKSUM_RECEIVED = 0x10

TEXT_SIZE = 256
PHOTO_SIZE = 1024
# (field, bytes) of the text block, in order.
TEXT_FIELDS = (("name", 30), ("sex", 2), ("ethnicity", 4), ("birth_date", 16),
               ("address", 70), ("id_number", 36), ("authority", 30),
               ("valid_from", 16), ("valid_to", 16), ("reserved", 36))
assert sum(size for _, size in TEXT_FIELDS) == TEXT_SIZE

SEX = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# GB 3304-91 codes of the 56 ethnic groups (民族), as printed on the card.
ETHNICITY = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺",
}
assert len(ETHNICITY) == 56


class CardReaderError(Exception):
    """Something kept the card from being read; `reason` is what the visitor is told."""

    reason = _l("The card could not be read. Please try again, or type your ID card number.")

    def __init__(self, detail: str):
        super().__init__(detail)


class ReaderUnavailable(CardReaderError):
    reason = _l("The card reader is not working at the moment. Please type your ID card number.")


class ReaderSilent(CardReaderError):
    reason = _l("The card reader did not answer. Please try again, or type your ID card number.")


class BadFrame(CardReaderError):
    reason = _l("The card was not read cleanly. Please leave it on the reader and try again.")


class NoCard(CardReaderError):
    reason = _l("No card was found. Please lay your ID card flat on the reader and try again.")


class CardMoved(CardReaderError):
    reason = _l("The card was moved before it was read. Please leave it on the reader and try again.")


def checksum(data: bytes) -> int:
    return reduce(lambda acc, byte: acc ^ byte, data, 0)


def frame(body: bytes) -> bytes:
    """A whole frame around `body` (command+parameter+data, or status+data)."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def command(code: bytes, data: bytes = b"") -> bytes:
    return frame(code + data)


@dataclass(frozen=True)
class Reply:
    sw1: int
    sw2: int
    sw3: int
    data: bytes


def parse_reply(raw: bytes) -> Reply:
    """A reply frame's status and data; `BadFrame` for anything that is not a whole, clean frame."""
    if not raw.startswith(PREAMBLE):
        raise BadFrame("reply does not start with the preamble")
    if len(raw) < len(PREAMBLE) + 2:
        raise BadFrame("reply ends inside its length")
    length = int.from_bytes(raw[5:7], "big")
    if len(raw) != 7 + length:
        raise BadFrame(f"reply has {len(raw) - 7} bytes after the length, expected {length}")
    if length < 4:
        raise BadFrame("reply too short for its status bytes")
    if checksum(raw[5:-1]) != raw[-1]:
        raise BadFrame("reply checksum does not match")
    return Reply(raw[7], raw[8], raw[9], raw[10:-1])


@dataclass(frozen=True)
class CardText:
    """What the card's text block says, decoded; the photo is not part of it."""

    name: str
    sex: str
    ethnicity: str
    birth_date: str
    address: str
    id_number: str
    authority: str
    valid_from: str
    valid_to: str

    def as_dict(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in (
            "name", "sex", "ethnicity", "birth_date", "address", "id_number", "authority",
            "valid_from", "valid_to")}


def _date(raw: str) -> str:
    """YYYYMMDD as YYYY-MM-DD; anything else (长期 on a card valid for life) as it is."""
    if len(raw) == 8 and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw


def parse_text(block: bytes) -> CardText:
    if len(block) != TEXT_SIZE:
        raise BadFrame(f"text block has {len(block)} bytes, expected {TEXT_SIZE}")
    values, offset = {}, 0
    for field, size in TEXT_FIELDS:
        try:
            text = block[offset:offset + size].decode("utf-16-le")
        except UnicodeDecodeError:
            raise BadFrame(f"text field {field} is not UCS-2") from None
        values[field] = text.replace("\x00", "").strip()
        offset += size
    return CardText(
        name=values["name"], sex=SEX.get(values["sex"], values["sex"]),
        ethnicity=ETHNICITY.get(values["ethnicity"], values["ethnicity"]),
        birth_date=_date(values["birth_date"]), address=values["address"],
        id_number=values["id_number"].upper(), authority=values["authority"],
        valid_from=_date(values["valid_from"]), valid_to=_date(values["valid_to"]))


def parse_read_data(data: bytes) -> CardText:
    """The read-text-and-photo reply's data: lengths, text block, photo (skipped)."""
    if len(data) < 4:
        raise BadFrame("read reply lacks the text and photo lengths")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len != TEXT_SIZE or len(data) != 4 + text_len + photo_len:
        raise BadFrame("read reply's lengths do not add up")
    return parse_text(data[4:4 + text_len])


def encode_text(*, name: str, sex: str, ethnicity: str, birth_date: str, address: str,
                id_number: str, authority: str, valid_from: str, valid_to: str) -> bytes:
    """A text block as a card holds it (codes, YYYYMMDD): for tests and simulated readers."""
    values = dict(name=name, sex=sex, ethnicity=ethnicity, birth_date=birth_date,
                  address=address, id_number=id_number, authority=authority,
                  valid_from=valid_from, valid_to=valid_to, reserved="")
    block = b""
    for field, size in TEXT_FIELDS:
        raw = values[field].encode("utf-16-le")[:size]
        block += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    return block
