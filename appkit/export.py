"""Tables for spreadsheets, CSV and XLSX, safe to open: no cell a spreadsheet would run.

A cell that starts with = + - @ (or a tab or carriage return) would be taken for
a formula by Excel or LibreOffice (CSV injection, which the UK's e-petitions
learned the hard way): `safe_cell` prefixes it with an apostrophe. In XLSX every
text is also written as a string cell, never as a formula; numbers stay numbers.
Both apps export through here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ would make it a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Sequence[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # A BOM so Excel opens the Chinese text as UTF-8.
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Sequence]]]) -> bytes:
    """A workbook with one sheet per (name, rows); the first row of each is its header, in bold."""
    import xlsxwriter

    buffer = io.BytesIO()
    # No guessing: a string is never turned into a formula, a number or a link.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    for name, rows in sheets:
        sheet = book.add_worksheet(safe_cell(name)[:31].replace("'", "") or "Sheet")
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    sheet.write_number(r, c, cell, bold if r == 0 else None)
                else:
                    sheet.write_string(r, c, safe_cell(cell), bold if r == 0 else None)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, max(len(row) for row in rows) if rows else 1, 14)
    book.close()
    return buffer.getvalue()
