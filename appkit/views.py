"""Small pieces every view of either app uses."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

T = TypeVar("T")


def found_or_404(value: T | None) -> T:
    """The record a URL names, or the "not found" page when there is none."""
    if value is None:
        abort(404)
    return value
