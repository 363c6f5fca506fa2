"""Each app's own SQLAlchemy: a declarative base of its own, so the two apps' tables never mix;
and `within`, the condition of a date range both apps' lists filter by."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


def own_database() -> SQLAlchemy:
    """A Flask-SQLAlchemy extension with a fresh declarative base (typed `Mapped` columns)."""

    class Base(DeclarativeBase):
        pass

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
