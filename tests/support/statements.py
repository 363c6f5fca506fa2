"""The SQL statements a piece of code runs, counted and explained (SQLite's EXPLAIN QUERY PLAN).

`recorded(engine)` collects every statement run inside it (SQLAlchemy's
`before_cursor_execute`), with its parameters; `scans(connection, statement,
parameters)` says which history tables SQLite's plan for one SELECT reads
whole, without an index.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event

#: Tables that grow with every day of the hall: a plan may read them only through an index.
HISTORY_TABLES = ("visit", "case", "person", "audit_log", "call", "print_job", "material")


@dataclass
class Statement:
    sql: str
    parameters: object

    @property
    def is_select(self) -> bool:
        return self.sql.lstrip().upper().startswith(("SELECT", "WITH"))


@contextmanager
def recorded(engine):
    statements: list[Statement] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append(Statement(statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan(connection, statement: Statement) -> list[str]:
    """The lines of SQLite's query plan for one statement."""
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement.sql}",
                                      statement.parameters).fetchall()
    return [row[-1] for row in rows]


_SCAN = re.compile(r"^SCAN (\w+)")


def whole_scans(lines: list[str]) -> set[str]:
    """History tables a plan reads row by row with no index (SCAN without USING … INDEX)."""
    found = set()
    for line in lines:
        match = _SCAN.match(line)
        if match and match.group(1) in HISTORY_TABLES and "INDEX" not in line:
            found.add(match.group(1))
    return found
