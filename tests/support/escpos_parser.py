"""A test-side ESC/POS parser: walks a byte stream command by command.

It knows exactly the commands our encoder may send and fails on anything
else, so a stray byte (an unescaped control character, a wrong length field)
shows up as a parse error rather than as a garbled ticket in the hall.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ParseError(AssertionError):
    pass


@dataclass
class Parsed:
    commands: list[tuple] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    qr_payloads: list[bytes] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [c[0] for c in self.commands]


def parse(stream: bytes) -> Parsed:
    """Parse a whole job; text between commands must decode from GB18030."""
    out = Parsed()
    i, n = 0, len(stream)
    text = bytearray()

    def need(count: int) -> bytes:
        if i + count > n:
            raise ParseError(f"truncated command at {i}")
        return stream[i:i + count]

    while i < n:
        b = stream[i]
        if b == 0x0A:
            try:
                out.lines.append(text.decode("gb18030", errors="strict"))
            except UnicodeDecodeError as exc:
                raise ParseError(f"text not GB18030: {bytes(text)!r}") from exc
            out.commands.append(("LF",))
            text.clear()
            i += 1
        elif b == 0x1B:
            op = need(2)[1]
            if op == 0x40:
                out.commands.append(("ESC @",)); i += 2
            elif op in (0x61, 0x45, 0x64):
                arg = need(3)[2]
                if op == 0x61 and arg not in (0, 1, 2):
                    raise ParseError(f"bad alignment {arg}")
                out.commands.append(({0x61: "ESC a", 0x45: "ESC E", 0x64: "ESC d"}[op], arg)); i += 3
            else:
                raise ParseError(f"unknown ESC {op:#x} at {i}")
        elif b == 0x1C:
            if need(2)[1] != 0x26:
                raise ParseError(f"unknown FS command at {i}")
            out.commands.append(("FS &",)); i += 2
        elif b == 0x1D:
            op = need(2)[1]
            if op == 0x21:
                out.commands.append(("GS !", need(3)[2])); i += 3
            elif op == 0x56:
                m, arg = need(4)[2], need(4)[3]
                if m != 66:
                    raise ParseError("expected GS V 66 n partial cut")
                out.commands.append(("GS V", arg)); i += 4
            elif op == 0x28:
                head = need(5)
                if head[2] != 0x6B:
                    raise ParseError("only GS ( k is expected")
                length = head[3] | head[4] << 8
                body = need(5 + length)[5:]
                cn, fn = body[0], body[1]
                if cn != 49:
                    raise ParseError("GS ( k cn must be 49 (QR)")
                if fn == 80:
                    if body[2] != 48:
                        raise ParseError("store m must be 48")
                    out.qr_payloads.append(bytes(body[3:]))
                expected = {65: 4, 67: 3, 69: 3, 81: 3}
                if fn in expected and length != expected[fn]:
                    raise ParseError(f"GS ( k fn {fn} length {length}")
                out.commands.append(("GS ( k", fn, bytes(body[2:]))); i += 5 + length
            else:
                raise ParseError(f"unknown GS {op:#x} at {i}")
        elif b < 0x20 or b == 0x7F:
            raise ParseError(f"stray control byte {b:#x} at {i}")
        else:
            text.append(b); i += 1
    if text:
        raise ParseError("text left without a line feed")
    return out


def check_job(stream: bytes) -> Parsed:
    """The invariants every job meets: init, Chinese mode, QR lengths, ends with a cut."""
    parsed = parse(stream)
    if parsed.names[:2] != ["ESC @", "FS &"]:
        raise ParseError("a job starts with ESC @ and FS &")
    if parsed.names[-1] != "GS V":
        raise ParseError("a job ends with a cut")
    return parsed
