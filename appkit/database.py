"""Each app's own SQLAlchemy: a declarative base of its own, so the two apps' tables never mix;
`within`, the condition of a date range both apps' lists filter by; and `RowInsert`, an insert
through the DB-API for a path too hot for SQLAlchemy's statement machinery."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date, DateTime, Table, Text, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, registry as orm_registry
from sqlalchemy.types import TypeEngine


def own_database(datetime_type: type[TypeEngine] | TypeEngine = DateTime) -> SQLAlchemy:
    """A Flask-SQLAlchemy extension with a fresh declarative base (typed `Mapped` columns).

    A column declared by its annotation alone takes its type from it: `str` is TEXT (a
    column with a length says `String(n)`), `date` DATE, `datetime` the app's `datetime_type`;
    `X | None` is nullable, `X` NOT NULL.
    """

    class Base(DeclarativeBase):
        registry = orm_registry(type_annotation_map={str: Text, date: Date, datetime: datetime_type})

    return SQLAlchemy(model_class=Base)


def within(column: Any, first: Any, last: Any) -> list:
    """The conditions that keep `column` from `first` to `last`, both included; an end that is
    None is open."""
    where = []
    if first is not None:
        where.append(column >= first)
    if last is not None:
        where.append(column <= last)
    return where



class RowInsert:
    """The INSERT of one row of `table` as (SQL, parameters) for the DB-API cursor itself.

    For a hot path where SQLAlchemy's execution (statement cache lookup, execution context,
    result set-up) costs more than the database's own work. The row is stored exactly as a
    Core insert would store it:
    - the SQL is compiled by the dialect, once per set of columns;
    - every value goes through its column type's bind processor (dates, datetimes, type
      decorators);
    - a column the row leaves out gets its Python-side default (a scalar, or a callable
      that takes no arguments), or else is left to the database.
    """

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table, self.dialect = table, dialect
        self._prepared: dict[tuple[str, ...], tuple[str, list]] = {}

    def __call__(self, row: dict[str, Any]) -> tuple[str, Any]:
        keys = tuple(row)
        prepared = self._prepared.get(keys)
        if prepared is None:
            prepared = self._prepared[keys] = self._prepare(keys)
        sql, fields = prepared
        values = []
        for name, key, default, process in fields:
            value = row[key] if default is None else default()
            values.append((name, value if process is None else process(value)))
        if self.dialect.positional:
            return sql, tuple(value for _, value in values)
        return sql, dict(values)

    def _prepare(self, keys: tuple[str, ...]) -> tuple[str, list]:
        """The SQL and, in its parameters' order, each one's (name, column key, default or
        None when the row gives it, bind processor or None)."""
        columns = self.table.columns
        defaults = {column.key: _default(column.default) for column in columns
                    if column.key not in keys and column.default is not None}
        compiled = insert(self.table).compile(dialect=self.dialect,
                                              column_keys=[*keys, *defaults])
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        fields = []
        for name in names:
            key = compiled.binds[name].key
            process = columns[key].type.dialect_impl(self.dialect).bind_processor(self.dialect)
            fields.append((name, key, defaults.get(key), process))
        return str(compiled), fields


def _default(default: Any):
    if default.is_sequence or default.is_clause_element:
        raise ValueError(f"RowInsert cannot evaluate the SQL default of {default.column}: give it a value")
    if default.is_callable:
        return lambda: default.arg(None)
    return lambda: default.arg
