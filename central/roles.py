"""Who at the office may do what on the desk: three roles, each a set of permissions.

- viewer (查看): the figures and the case lists, where personal data is masked;
- handler (经办): that, and cases in full with the office's steps, and supervision (督办);
- admin (管理员): the figures and lists, and the desk's accounts and the kiosks'
  credentials; not cases in full: who manages accounts does not read petitions.

Every desk view names the permission it needs (central/desk/access.py); a view that
names none needs `CASES`, so a new page is closed until someone opens it.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    VIEWER = "viewer"
    HANDLER = "handler"
    ADMIN = "admin"


ROLE_LABELS = {Role.VIEWER: _l("Viewer: figures and lists"),
               Role.HANDLER: _l("Handler: cases and supervision"),
               Role.ADMIN: _l("Administrator: accounts and kiosks")}


class Permission(StrEnum):
    FIGURES = "figures"          # the figures, their charts, reports and exports
    LISTS = "lists"              # case and supervision lists, masked
    SYNC_STATUS = "sync_status"  # each kiosk's last sync and last error
    CASES = "cases"              # a case in full, and the office's steps on it
    SUPERVISION = "supervision"  # 督办: bodies, reminders, answers, the 督办单
    ACCOUNTS = "accounts"        # desk users and their roles
    KIOSKS = "kiosks"            # registering and revoking kiosks' credentials


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.FIGURES, Permission.LISTS}),
    Role.HANDLER: frozenset({Permission.FIGURES, Permission.LISTS, Permission.SYNC_STATUS,
                             Permission.CASES, Permission.SUPERVISION}),
    Role.ADMIN: frozenset({Permission.FIGURES, Permission.LISTS, Permission.SYNC_STATUS,
                           Permission.ACCOUNTS, Permission.KIOSKS}),
}


def can(user, permission: Permission) -> bool:
    """Whether a signed-in desk user's role grants `permission` (an unknown role grants nothing)."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        role = Role(user.role)
    except ValueError:
        return False
    return permission in GRANTS[role]
