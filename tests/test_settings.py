"""The README's configuration table and the declared settings are the same list."""

import re
from pathlib import Path

import pytest

from kiosk import create_app, settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_kiosk_setting_is_in_the_readme_table_and_nothing_else():
    documented = set(re.findall(r"^\|\s*`(KIOSK_[A-Z0-9_]+)`", README.read_text(), re.M))
    declared = {setting.env_name for setting in settings.SETTINGS}
    assert documented == declared


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


def test_a_declaration_without_its_help_or_with_an_unknown_key_is_refused_by_name(tmp_path):
    from appkit.settings import load

    declared = tmp_path / "settings.toml"
    declared.write_text('[PAPER_MM]\ndefault = 80\nhelp = "Paper width."\n\n[BAUD]\ndefault = 9600\n')
    with pytest.raises(ValueError, match=r"\[BAUD\] needs `default` and `help`"):
        load(declared, "KIOSK")
    declared.write_text('[PAPER_MM]\ndefault = 80\nhelp = "Paper width."\nhelpp = "typo"\n')
    with pytest.raises(ValueError, match=r"\[PAPER_MM\].*helpp"):
        load(declared, "KIOSK")


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


def test_every_central_setting_is_in_the_readme_table_and_nothing_else():
    from central import settings as central_settings

    documented = set(re.findall(r"^\|\s*`(CENTRAL_[A-Z0-9_]+)`", README.read_text(), re.M))
    assert documented == {setting.env_name for setting in central_settings.SETTINGS}
