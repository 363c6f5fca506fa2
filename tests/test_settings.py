"""The README's configuration table and the declared settings are the same list."""

import re
from pathlib import Path

import pytest

from appkit.settings import load, markdown_table
from kiosk import create_app, settings

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_table(prefix: str) -> str:
    """The README's table of `prefix`_* settings, header to last row."""
    rows = re.search(r"^\| variable \| default \| meaning \|\n\|---\|---\|---\|\n"
                     rf"(?:\| `{prefix}_.*\n)+", README.read_text(), re.M)
    assert rows, f"the README has no table of {prefix}_* settings"
    return rows.group(0).rstrip("\n")


def test_the_readme_table_is_every_kiosk_setting_with_its_default_and_help():
    # Row by row: a default respelled (30.0 as 30 makes SYNC_TIMEOUT an integer setting) or a
    # setting added shows here until the README says the same.
    assert _readme_table("KIOSK") == markdown_table(settings.SETTINGS)


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("KIOSK_ID", "hall-3")
    monkeypatch.setenv("KIOSK_IDLE_SECONDS", "90")
    monkeypatch.setenv("KIOSK_PRINTER_RTSCTS", "yes")
    app = create_app()
    assert app.config["KIOSK_ID"] == "hall-3"
    assert app.config["KIOSK_IDLE_SECONDS"] == 90
    assert app.config["KIOSK_PRINTER_RTSCTS"] is True
    secret = tmp_path / "secret_key"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"] == secret.read_text()


def test_a_bad_value_stops_the_start_with_the_setting_named(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("KIOSK_IDLE_SECONDS", "soon")
    with pytest.raises(RuntimeError, match="KIOSK_IDLE_SECONDS"):
        create_app()


@pytest.mark.parametrize(("declaration", "refusal"), [
    ('[BAUD]\ndefault = 9600\n', r"\[BAUD\] needs to be a table with `default` and `help`"),
    ('BAUD = 9600\n', r"\[BAUD\] needs to be a table"),
    ('[BAUD]\ndefault = 9600\nhelp = "Baud."\nhelpp = "typo"\n', r"\[BAUD\] has keys no setting has: helpp"),
    ('[WINDOW]\ndefault = "01:00-05:00"\nhelp = "Window."\nparse = "windw"\n',
     r"\[WINDOW\] names a parser there is not: 'windw'"),
    ('[SPEEDS]\ndefault = [9600, 19200]\nhelp = "Speeds."\n', r"\[SPEEDS\] has a default that is not text"),
])
def test_a_wrong_declaration_is_refused_naming_the_setting(tmp_path, declaration, refusal):
    declared = tmp_path / "settings.toml"
    declared.write_text(declaration + '\n[PAPER_MM]\ndefault = 80\nhelp = "Paper width."\n')
    with pytest.raises(ValueError, match=refusal):
        load(declared, "KIOSK", parsers={"window": str})


def test_a_setting_takes_its_type_from_its_default(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("KIOSK_PRINTER_WRITE_TIMEOUT", "3.5")
    monkeypatch.setenv("KIOSK_SYNC_WINDOW", "02:00-04:30")
    config = create_app().config
    assert config["KIOSK_PRINTER_WRITE_TIMEOUT"] == 3.5
    assert config["KIOSK_SYNC_WINDOW"] == "02:00-04:30"
    monkeypatch.setenv("KIOSK_SYNC_WINDOW", "26:00-04:30")
    with pytest.raises(RuntimeError, match="KIOSK_SYNC_WINDOW"):
        create_app()


def test_the_readme_table_is_every_central_setting_with_its_default_and_help():
    from central import settings as central_settings

    assert _readme_table("CENTRAL") == markdown_table(central_settings.SETTINGS)
