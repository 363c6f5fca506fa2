"""Write static/audio/chime.wav: the two-tone chime the waiting-room display plays before a call.

    .venv/bin/python scripts/make_chime.py

Generated here (standard library only) rather than downloaded, so the kiosk
ships nothing it cannot rebuild. 16 kHz, 16-bit mono, about 0.9 s.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 16000
TONES = ((659.25, 0.42), (523.25, 0.5))  # E5 then C5: the familiar "ding-dong"
TARGET = Path(__file__).resolve().parent.parent / "static" / "audio" / "chime.wav"


def samples():
    for frequency, seconds in TONES:
        count = int(RATE * seconds)
        for index in range(count):
            t = index / RATE
            envelope = min(1.0, index / (0.01 * RATE)) * math.exp(-4.0 * t)  # soft attack, bell decay
            value = 0.6 * envelope * (math.sin(2 * math.pi * frequency * t)
                                      + 0.25 * math.sin(4 * math.pi * frequency * t))
            yield int(max(-1.0, min(1.0, value)) * 32767)


def main() -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(TARGET), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", sample) for sample in samples()))
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
