"""Each app's own SQLAlchemy: a declarative base of its own, so the two apps' tables never mix."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


def own_database() -> SQLAlchemy:
    """A Flask-SQLAlchemy extension with a fresh declarative base (typed `Mapped` columns)."""

    class Base(DeclarativeBase):
        pass

    return SQLAlchemy(model_class=Base)
