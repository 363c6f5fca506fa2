"""Settings declared once: name, default, type and one line of help.

Each app declares its own settings as data (kiosk/settings.toml,
central/settings.toml), which `load` turns into `Setting`s; its factory reads
the defaults, then `config.py` in its instance folder, then the environment.
The README's configuration tables are checked against those lists by a test,
so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    prefix: str = "KIOSK"

    @property
    def env_name(self) -> str:
        return f"{self.prefix}_{self.name}"


#: How a value from the environment is read, by the type of the setting's default.
_PARSE_BY_TYPE: dict[type, Callable[[str], Any]] = {str: str, int: int, float: float, bool: parse_bool}


def load(path: os.PathLike, prefix: str,
         parsers: Mapping[str, Callable[[str], Any]] | None = None) -> tuple[Setting, ...]:
    """The settings a TOML file declares, in its order.

    Each is a table named as the setting, with its `default` (whose TOML type is the
    setting's: text, integer, float or boolean) and `help`, and optionally `parse`, the
    name of one of `parsers` for a value its type alone does not check.
    """
    with open(path, "rb") as handle:
        tables = tomllib.load(handle)
    settings = []
    for name, table in tables.items():
        where = f"{path}: [{name}]"
        if not isinstance(table, dict) or not {"default", "help"} <= set(table):
            raise ValueError(f"{where} needs to be a table with `default` and `help`")
        if unknown := set(table) - {"default", "help", "parse"}:
            raise ValueError(f"{where} has keys no setting has: {', '.join(sorted(unknown))}")
        if "parse" in table:
            if table["parse"] not in (parsers or {}):
                raise ValueError(f"{where} names a parser there is not: {table['parse']!r}")
            parse = parsers[table["parse"]]
        elif type(table["default"]) in _PARSE_BY_TYPE:
            parse = _PARSE_BY_TYPE[type(table["default"])]
        else:
            raise ValueError(f"{where} has a default that is not text, an integer, a float or a "
                             f"boolean: {table['default']!r}")
        settings.append(Setting(name, table["default"], parse, table["help"], prefix))
    return tuple(settings)


def markdown_table(settings: tuple[Setting, ...]) -> str:
    """The README's configuration table of `settings`: variable, default and help, in order."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for setting in settings:
        default = setting.default if setting.default != "" else "(empty)"
        rows.append(f"| `{setting.env_name}` | `{default}` | {setting.help} |")
    return "\n".join(rows)


def defaults(settings: tuple[Setting, ...]) -> dict[str, Any]:
    """The default configuration, keyed as the app config uses it (KIOSK_*, CENTRAL_*)."""
    return {setting.env_name: setting.default for setting in settings}


def from_environ(environ: Mapping[str, str], settings: tuple[Setting, ...]) -> dict[str, Any]:
    """Parse every variable of `settings` that is set; a bad value fails loudly at start."""
    values = {}
    for setting in settings:
        raw = environ.get(setting.env_name)
        if raw is None:
            continue
        try:
            values[setting.env_name] = setting.parse(raw)
        except ValueError as error:
            raise RuntimeError(f"{setting.env_name}={raw!r} is not valid: {error}") from error
    return values


def instance_secret(path: os.PathLike) -> str:
    """A random secret made once and kept in the instance folder, readable by the owner only.

    Several worker processes may start at once: the secret is written to a file of its
    own and linked into place, which only one of them can do, and all read the winner's.
    """
    try:
        with open(path) as handle:
            return handle.read().strip()
    except FileNotFoundError:
        pass
    import secrets

    draft = f"{os.fspath(path)}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the secret
    finally:
        os.unlink(draft)
    with open(path) as handle:
        return handle.read().strip()
