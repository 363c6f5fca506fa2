"""Query codes (查询码): the code on the slip that shows a case's progress.

Ten characters of Crockford base32 from `secrets` (50 bits), so codes cannot
be guessed or enumerated. Shown as XXXXX-XXXXX; entry ignores case, spaces and
dashes and reads O as 0 and I or L as 1, as Crockford intends for codes that
people copy by hand.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate() -> str:
    """A new code: 50 random bits, five to a character."""
    bits = secrets.randbits(5 * LENGTH)
    return "".join(ALPHABET[(bits >> (5 * place)) & 31] for place in range(LENGTH))


def display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalize(entered: str) -> str | None:
    """The canonical code for what a visitor typed, or None if it cannot be one."""
    if not isinstance(entered, str) or len(entered) > 64:
        return None
    cleaned = "".join(entered.split()).replace("-", "").upper().translate(_READ_AS)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def from_scan(entered: str) -> str | None:
    """The code in what a QR scanner typed: the code itself, or an address ending in it.

    The slip's QR may hold the central lookup address with the code as its last
    path segment or its `code=` value; anything else is read as typed.
    """
    if not isinstance(entered, str) or len(entered) > 256:
        return None
    text = entered.strip()
    if "/" in text or "=" in text:
        text = text.split("#", 1)[0].rstrip("/&?")
        text = text.rsplit("/", 1)[-1].rsplit("=", 1)[-1]
    return normalize(text)
