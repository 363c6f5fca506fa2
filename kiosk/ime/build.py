"""Build the keyboard's dictionary: `python -m kiosk.ime.build` (run by `make install`).

Every common character (CJK Unified Ideographs) with each of its readings,
and jieba's most frequent words of two to four characters with pypinyin's
reading of the whole word (so 银行 is yinhang, not yinxing), each with
jieba's frequency. The output is one line per toneless pinyin key, `key TAB
word:freq word:freq …`, highest frequency first: about 2 MB, so it is
generated into the package (gitignored) rather than committed.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "data" / "pinyin.tsv"
MAX_WORDS = 120_000
HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def toneless(reading: str) -> str:
    """'lǜ' -> 'lv', 'zhōng' -> 'zhong': what is typed on a keyboard without tones."""
    reading = reading.replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v").replace("ǚ", "v").replace("ǜ", "v")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", reading)
                       if not unicodedata.combining(ch))
    return stripped.replace("u\u0308", "v").lower()


def jieba_frequencies() -> dict[str, int]:
    # Only jieba's data file is wanted: find it without importing (and so initialising) jieba.
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise SystemExit("jieba is not installed: pip install -e . installs it")
    path = Path(spec.origin).parent / "dict.txt"
    frequencies = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and HAN.match(parts[0]):
                frequencies[parts[0]] = int(parts[1])
    return frequencies


def build_entries() -> dict[str, dict[str, int]]:
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    frequencies = jieba_frequencies()
    entries: dict[str, dict[str, int]] = defaultdict(dict)
    for code, readings in pinyin_dict.items():
        char = chr(code)
        if not HAN.match(char):
            continue
        for rank, reading in enumerate(readings.split(",")):
            key = toneless(reading)
            # pypinyin lists the common reading first; a rare one (能 as xióng) must not
            # rank the character high under that key on the strength of its common use.
            frequency = frequencies.get(char, 0) // (1 if rank == 0 else 100)
            if key.isalpha():
                entries[key][char] = max(entries[key].get(char, 0), frequency)
    words = sorted((w for w in frequencies if 2 <= len(w) <= 4), key=lambda w: -frequencies[w])
    for word in words[:MAX_WORDS]:
        key = "".join(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False))
        if key.isalpha():
            entries[key.lower()][word] = frequencies[word]
    return entries


def write(entries: dict[str, dict[str, int]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for key in sorted(entries):
            ranked = sorted(entries[key].items(), key=lambda item: (-item[1], item[0]))
            handle.write(key + "\t" + " ".join(f"{w}:{f}" for w, f in ranked) + "\n")
    tmp.replace(path)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else OUTPUT
    write(build_entries(), path)
    print(f"keyboard dictionary written to {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
