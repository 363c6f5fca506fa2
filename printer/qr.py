"""A small QR code encoder (byte mode, versions 1-10) for the HTML preview.

The printer draws its own QR code from the `GS ( k` command; this module
exists only so the staff console can show the same code as an inline SVG
without any new dependency and without fetching anything. It follows ISO/IEC
18004 as laid out in Project Nayuki's reference encoder: data and
Reed-Solomon blocks, function patterns, the eight masks scored by the
standard penalty rules. Versions above 10 (over ~270 bytes at level L) are
refused: ticket payloads are short URLs and codes.
"""

from __future__ import annotations

from markupsafe import Markup

MAX_VERSION = 10
# Index 0 unused; per version 1..10. From ISO/IEC 18004 table 9.
_ECC_PER_BLOCK = {
    "L": (0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18),
    "M": (0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26),
    "Q": (0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24),
    "H": (0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28),
}
_BLOCKS = {
    "L": (0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4),
    "M": (0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5),
    "Q": (0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8),
    "H": (0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8),
}
_FORMAT_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}


def _raw_data_modules(ver: int) -> int:
    result = (16 * ver + 128) * ver + 64
    if ver >= 2:
        numalign = ver // 7 + 2
        result -= (25 * numalign - 10) * numalign - 55
        if ver >= 7:
            result -= 36
    return result


def _data_codewords(ver: int, ecl: str) -> int:
    return _raw_data_modules(ver) // 8 - _ECC_PER_BLOCK[ecl][ver] * _BLOCKS[ecl][ver]


def _gf_mul(x: int, y: int) -> int:
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def _rs_divisor(degree: int) -> list[int]:
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _gf_mul(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _gf_mul(root, 0x02)
    return result


def _rs_remainder(data: list[int], divisor: list[int]) -> list[int]:
    result = [0] * len(divisor)
    for b in data:
        factor = b ^ result.pop(0)
        result.append(0)
        for i, coef in enumerate(divisor):
            result[i] ^= _gf_mul(coef, factor)
    return result


def _choose_version(length: int, ecl: str) -> int:
    for ver in range(1, MAX_VERSION + 1):
        count_bits = 8 if ver <= 9 else 16
        if 4 + count_bits + 8 * length <= _data_codewords(ver, ecl) * 8:
            return ver
    raise ValueError("QR payload too long for the preview encoder (versions 1-10)")


def _codewords(data: bytes, ver: int, ecl: str) -> list[int]:
    count_bits = 8 if ver <= 9 else 16
    capacity = _data_codewords(ver, ecl) * 8
    bits: list[int] = [0, 1, 0, 0]  # byte mode
    bits += [(len(data) >> i) & 1 for i in reversed(range(count_bits))]
    for byte in data:
        bits += [(byte >> i) & 1 for i in reversed(range(8))]
    bits += [0] * min(4, capacity - len(bits))
    bits += [0] * (-len(bits) % 8)
    words = [int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8)]
    pad = 0xEC
    while len(words) < capacity // 8:
        words.append(pad)
        pad ^= 0xEC ^ 0x11
    # Split into blocks, add error correction, interleave.
    numblocks = _BLOCKS[ecl][ver]
    ecclen = _ECC_PER_BLOCK[ecl][ver]
    raw = _raw_data_modules(ver) // 8
    numshort = numblocks - raw % numblocks
    shortlen = raw // numblocks
    divisor = _rs_divisor(ecclen)
    blocks, k = [], 0
    for i in range(numblocks):
        dat = words[k:k + shortlen - ecclen + (0 if i < numshort else 1)]
        k += len(dat)
        ecc = _rs_remainder(dat, divisor)
        if i < numshort:
            dat = dat + [0]
        blocks.append(dat + ecc)
    result = []
    for i in range(len(blocks[0])):
        for j, block in enumerate(blocks):
            if i != shortlen - ecclen or j >= numshort:
                result.append(block[i])
    return result


class _Matrix:
    def __init__(self, ver: int) -> None:
        self.ver = ver
        self.size = ver * 4 + 17
        self.dark = [[False] * self.size for _ in range(self.size)]
        self.function = [[False] * self.size for _ in range(self.size)]

    def set_function(self, x: int, y: int, dark: bool) -> None:
        self.dark[y][x] = dark
        self.function[y][x] = True

    def alignment_positions(self) -> list[int]:
        if self.ver == 1:
            return []
        numalign = self.ver // 7 + 2
        step = (self.ver * 8 + numalign * 3 + 5) // (numalign * 4 - 4) * 2
        result = [self.size - 7 - i * step for i in range(numalign - 1)] + [6]
        return list(reversed(result))

    def draw_function_patterns(self, ecl: str) -> None:
        size = self.size
        for i in range(size):
            self.set_function(6, i, i % 2 == 0)
            self.set_function(i, 6, i % 2 == 0)
        for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    x, y = cx + dx, cy + dy
                    if 0 <= x < size and 0 <= y < size:
                        self.set_function(x, y, max(abs(dx), abs(dy)) not in (2, 4))
        positions = self.alignment_positions()
        last = len(positions) - 1
        for i, ax in enumerate(positions):
            for j, ay in enumerate(positions):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        self.set_function(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
        self.draw_format_bits(ecl, 0)
        if self.ver >= 7:
            rem = self.ver
            for _ in range(12):
                rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
            bits = self.ver << 12 | rem
            for i in range(18):
                bit = bool((bits >> i) & 1)
                a, b = size - 11 + i % 3, i // 3
                self.set_function(a, b, bit)
                self.set_function(b, a, bit)

    def draw_format_bits(self, ecl: str, mask: int) -> None:
        data = _FORMAT_BITS[ecl] << 3 | mask
        rem = data
        for _ in range(10):
            rem = (rem << 1) ^ ((rem >> 9) * 0x537)
        bits = (data << 10 | rem) ^ 0x5412

        def bit(i: int) -> bool:
            return bool((bits >> i) & 1)

        size = self.size
        for i in range(6):
            self.set_function(8, i, bit(i))
        self.set_function(8, 7, bit(6))
        self.set_function(8, 8, bit(7))
        self.set_function(7, 8, bit(8))
        for i in range(9, 15):
            self.set_function(14 - i, 8, bit(i))
        for i in range(8):
            self.set_function(size - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self.set_function(8, size - 15 + i, bit(i))
        self.set_function(8, size - 8, True)

    def data_modules(self):
        """The (x, y) of each module that carries data, in placement order: two columns at a
        time from the right, up then down, skipping the timing column and the function patterns."""
        size = self.size
        right = size - 1
        while right >= 1:
            if right == 6:
                right = 5
            upward = ((right + 1) & 2) == 0
            for vert in range(size):
                y = size - 1 - vert if upward else vert
                for x in (right, right - 1):
                    if not self.function[y][x]:
                        yield x, y
            right -= 2

    def draw_codewords(self, words: list[int]) -> None:
        for i, (x, y) in zip(range(len(words) * 8), self.data_modules()):
            self.dark[y][x] = bool((words[i >> 3] >> (7 - (i & 7))) & 1)

    def apply_mask(self, mask: int) -> None:
        rule = _MASKS[mask]
        for y in range(self.size):
            for x in range(self.size):
                if not self.function[y][x] and rule(x, y):
                    self.dark[y][x] = not self.dark[y][x]

    def penalty(self) -> int:
        size, dark = self.size, self.dark
        score = 0
        lines = [row for row in dark] + [[dark[y][x] for y in range(size)] for x in range(size)]
        finder_like = ([True, False, True, True, True, False, True, False, False, False, False],
                       [False, False, False, False, True, False, True, True, True, False, True])
        for line in lines:
            run, prev = 0, None
            for cell in line:
                if cell == prev:
                    run += 1
                else:
                    if run >= 5:
                        score += run - 2
                    run, prev = 1, cell
            if run >= 5:
                score += run - 2
            for start in range(size - 10):
                if line[start:start + 11] in finder_like:
                    score += 40
        for y in range(size - 1):
            for x in range(size - 1):
                if dark[y][x] == dark[y][x + 1] == dark[y + 1][x] == dark[y + 1][x + 1]:
                    score += 3
        total = sum(map(sum, dark))
        score += (abs(total * 20 - size * size * 10) // (size * size)) * 10
        return score


_MASKS = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


def qr_matrix(payload: str, error_correction: str = "M", mask: int | None = None) -> list[list[bool]]:
    """The module matrix (True = dark) of the smallest QR code for the payload."""
    data = payload.encode("utf-8")
    ver = _choose_version(len(data), error_correction)
    matrix = _Matrix(ver)
    matrix.draw_function_patterns(error_correction)
    matrix.draw_codewords(_codewords(data, ver, error_correction))
    if mask is None:
        best = None
        for candidate in range(8):
            matrix.apply_mask(candidate)
            matrix.draw_format_bits(error_correction, candidate)
            score = matrix.penalty()
            if best is None or score < best[0]:
                best = (score, candidate)
            matrix.apply_mask(candidate)  # XOR again undoes it
        mask = best[1]
    matrix.apply_mask(mask)
    matrix.draw_format_bits(error_correction, mask)
    return matrix.dark


def qr_svg(payload: str, error_correction: str = "M") -> Markup:
    """An inline SVG of the QR code with a 4-module quiet zone; one path, no fetches."""
    matrix = qr_matrix(payload, error_correction)
    size = len(matrix) + 8
    path = "".join(
        f"M{x + 4} {y + 4}h1v1h-1z"
        for y, row in enumerate(matrix) for x, cell in enumerate(row) if cell
    )
    return Markup(
        '<svg class="receipt-qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" '
        'role="img" aria-label="QR"><rect width="{s}" height="{s}" fill="#fff"/>'
        '<path fill="#000" d="{p}"/></svg>'
    ).format(s=size, p=path)
