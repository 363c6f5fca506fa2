"""The bodies a matter can concern (涉及单位), as the admin keeps them (`flask --app kiosk bodies`)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Body


def active_names(keep: str | None = None) -> list[str]:
    """The active bodies in the admin's order, plus `keep` (a hidden body an earlier entry chose)."""
    names = list(db.session.scalars(select(Body.name).where(Body.active)
                                    .order_by(Body.sort_order, Body.name)))
    if keep and keep not in names:
        names.append(keep)
    return names
