"""Every user-facing string has its Simplified Chinese translation."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("config, catalog", [
    ("babel.cfg", "kiosk/translations"),
    ("central/babel.cfg", "central/translations"),
], ids=["kiosk", "central"])
def test_every_extracted_string_is_translated_to_chinese(tmp_path, config, catalog):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", config,
                    "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        wanted = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in read_po(handle) if message.id}
    po = ROOT / catalog / "zh_Hans_CN/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    translated = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in catalog
                  if message.id and not message.fuzzy
                  and (message.string if isinstance(message.string, str) else all(message.string))}
    assert sorted(wanted - translated) == []
