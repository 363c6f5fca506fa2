"""Print the README's configuration table from the declared settings.

    .venv/bin/python scripts/settings_table.py

A test checks the README against the declarations, so after adding a setting
paste this output over the table.
"""

from kiosk.settings import SETTINGS


def main() -> None:
    print("| variable | default | meaning |")
    print("|---|---|---|")
    for setting in SETTINGS:
        default = setting.default if setting.default != "" else "(empty)"
        print(f"| `{setting.env_name}` | `{default}` | {setting.help} |")


if __name__ == "__main__":
    main()
