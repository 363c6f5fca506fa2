"""Print the README's configuration table from the declared settings.

    .venv/bin/python scripts/settings_table.py            the kiosk's KIOSK_* table
    .venv/bin/python scripts/settings_table.py central    the central app's CENTRAL_* table

A test checks the README's tables against the declarations, row by row, so after adding
or changing a setting paste this output over its table.
"""

import sys

from appkit.settings import markdown_table
from kiosk.settings import SETTINGS


def main() -> None:
    settings = SETTINGS
    if sys.argv[1:] == ["central"]:
        from central.settings import SETTINGS as settings
    print(markdown_table(settings))


if __name__ == "__main__":
    main()
