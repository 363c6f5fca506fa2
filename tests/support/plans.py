"""What the database does with the statements a piece of code runs: PostgreSQL's EXPLAIN ANALYZE
of each, or SQLite's EXPLAIN QUERY PLAN (`sqlite_plan`).

`captured(engine)` records the SELECTs run inside it; `plan_of` explains one
(ANALYZE, so the plan is the one that ran) and says which indexes it used
and which tables it read whole.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from .statements import counted


@dataclass
class Plan:
    statement: str
    indexes: set[str] = field(default_factory=set)
    scanned: set[str] = field(default_factory=set)  # tables read by a sequential scan


@contextmanager
def captured(engine):
    """The SELECTs run inside the block, with their parameters (statements.counted, queries only)."""
    with counted(engine) as statements:
        selects: list[tuple[str, object]] = []
        yield selects
    selects.extend((statement, parameters) for statement, parameters in statements
                   if statement.lstrip().upper().startswith(("SELECT", "WITH")))


def _walk(node: dict, plan: Plan) -> None:
    if "Index Name" in node:
        plan.indexes.add(node["Index Name"])
    if node.get("Node Type") == "Seq Scan":
        plan.scanned.add(node["Relation Name"])
    for child in node.get("Plans", []):
        _walk(child, plan)


def plan_of(connection, statement: str, parameters) -> Plan:
    raw = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).scalar()
    document = raw if isinstance(raw, list) else json.loads(raw)
    plan = Plan(statement)
    _walk(document[0]["Plan"], plan)
    return plan


def plans(engine, statements) -> list[Plan]:
    with engine.connect() as connection:
        return [plan_of(connection, statement, parameters) for statement, parameters in statements]


def sqlite_plan(connection, statement: str, parameters) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN of one captured statement: its lines ("SEARCH t USING INDEX ...")."""
    return [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
