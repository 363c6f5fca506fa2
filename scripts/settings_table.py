"""Print the README's configuration table from the declared settings.

    .venv/bin/python scripts/settings_table.py            the kiosk's KIOSK_* table
    .venv/bin/python scripts/settings_table.py central    the central app's CENTRAL_* table

A test checks the README against the declarations, so after adding a setting
paste this output over the table.
"""

import sys

from kiosk.settings import SETTINGS


def main() -> None:
    settings = SETTINGS
    if sys.argv[1:] == ["central"]:
        from central.settings import SETTINGS as settings
    print("| variable | default | meaning |")
    print("|---|---|---|")
    for setting in settings:
        default = setting.default if setting.default != "" else "(empty)"
        print(f"| `{setting.env_name}` | `{default}` | {setting.help} |")


if __name__ == "__main__":
    main()
