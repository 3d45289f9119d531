"""Staff: accounts, sign-in and lock-out. The roles and the permission check live in the
kernel (app.core.permissions); they are named here too, as the staff's public surface."""

from app.core.errors import Forbidden
from app.core.permissions import PERMISSIONS, ROLES, StaffSession, require
from app.staff.accounts import (
    LOCKOUT,
    MAX_FAILURES,
    StaffRow,
    create_staff,
    has_staff,
    list_staff,
    login,
    logout,
    reset_password,
    set_active,
    team,
)

__all__ = [
    "LOCKOUT",
    "MAX_FAILURES",
    "PERMISSIONS",
    "ROLES",
    "Forbidden",
    "StaffRow",
    "StaffSession",
    "create_staff",
    "has_staff",
    "list_staff",
    "login",
    "logout",
    "require",
    "reset_password",
    "set_active",
    "team",
]
