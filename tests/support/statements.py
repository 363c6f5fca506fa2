"""What SQLite does for a request: the statements it runs, and EXPLAIN QUERY PLAN of each.

`counted(engine)` records every statement run inside it (with its parameters);
`scans(engine, statements, tables)` explains each SELECT and returns the plan
lines that read one of `tables` whole ("SCAN visit"), so a test fails a page
that reads history it does not show. A covering-index scan (SCAN … USING
COVERING INDEX) still reads every row, so it counts as a scan too.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

HISTORY_TABLES = ("visit", "call", "print_job", "case", "person", "audit_log")


@contextmanager
def counted(engine):
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def query_plan(connection, statement: str, parameters) -> list[str]:
    """The detail column of EXPLAIN QUERY PLAN, one line per step."""
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return [row[-1] for row in rows]


def scans(engine, statements, tables=HISTORY_TABLES) -> list[str]:
    """Each plan step that reads a whole table of `tables`, with its statement's start."""
    pattern = re.compile(r"^SCAN (\w+)")
    found = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            for step in query_plan(connection, statement, parameters):
                match = pattern.match(step)
                # SQLAlchemy's aliases (person_1) name the same table.
                if match and re.sub(r"_\d+$", "", match.group(1).strip('"')) in tables:
                    found.append(f"{step}  ←  {' '.join(statement.split())[:160]}")
    return found
