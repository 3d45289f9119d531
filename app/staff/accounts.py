"""Staff accounts: the owner's first account, adding and disabling staff, passwords, and
sign-in with a lock-out after wrong passwords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from app.core import audit
from app.core.context import AppContext
from app.core.errors import Conflict, FrontdeskError, NotFound, ValidationError
from app.core.permissions import ROLES, StaffSession, require
from app.core.text import text_field
from db.models import Staff

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9_.-]{2,32}$")
_hasher = PasswordHasher()


def has_staff(ctx: AppContext) -> bool:
    with ctx.uow(anyone=True) as uow:  # the first start asks before anyone can sign in
        return bool(uow.session.scalar(select(func.count()).select_from(Staff)))


def _validate(username: str, display_name: str, role: str, password: str) -> tuple[str, str]:
    user = (username or "").strip().lower()
    if not _USERNAME.match(user):
        raise ValidationError("staff.username", field="username")
    name = text_field(display_name, "name", required=True, max_len=64)
    if role not in ROLES:
        raise ValidationError("staff.role", field="role")
    _check_password(password)
    return user, name


def _check_password(password: str) -> None:
    if len(password or "") < 6 or len(password) > 128:
        raise ValidationError("staff.password", field="password")


def create_staff(
    ctx: AppContext, username: str, display_name: str, role: str, password: str
) -> StaffSession:
    """The first account (the owner, at first start) needs nobody; later ones need the
    owner. Passwords are stored only as argon2 hashes."""
    user, name = _validate(username, display_name, role, password)
    with ctx.uow(anyone=True) as uow:  # the very first account: nobody to sign in yet
        s = uow.session
        first = not s.scalar(select(func.count()).select_from(Staff))
        if first and role != "owner":
            raise ValidationError("staff.first_owner", field="role")
        if not first:
            require(ctx, "staff.manage")
        if s.scalar(select(Staff).where(Staff.username == user)) is not None:
            raise Conflict("staff.duplicate", field="username", username=user)
        row = Staff(
            username=user,
            display_name=name,
            role=role,
            password_hash=_hasher.hash(password),
            failed_attempts=0,
            active=True,
            created_at=ctx.clock.now(),
        )
        s.add(row)
        s.flush()
        audit.record(s, ctx, "staff.create", user, role)
        uow.commit()
        return StaffSession(row.id, row.username, row.display_name, row.role)


def set_active(ctx: AppContext, staff_id: int, active: bool) -> bool:
    """Disables an account (someone left) or enables it again; never deleted, so the
    audit trail keeps its names. Nobody disables themselves or the last active owner."""
    require(ctx, "staff.manage")
    with ctx.uow(write=True) as uow:
        s = uow.session
        row = s.get(Staff, staff_id)
        if row is None:
            raise NotFound("staff.not_found", staff_id=staff_id)
        if not active:
            if ctx.staff is not None and ctx.staff.id == row.id:
                raise Conflict("staff.self_disable")
            owners = s.scalar(
                select(func.count())
                .select_from(Staff)
                .where(Staff.role == "owner", Staff.active.is_(True), Staff.id != row.id)
            )
            if row.role == "owner" and not owners:
                raise Conflict("staff.last_owner")
        row.active = active
        audit.record(s, ctx, "staff.enable" if active else "staff.disable", row.username)
        uow.commit()
    return True


def reset_password(ctx: AppContext, staff_id: int, password: str) -> bool:
    """The owner sets a new password (forgotten, or after a lock-out, which it clears)."""
    require(ctx, "staff.manage")
    _check_password(password)
    with ctx.uow(write=True) as uow:
        s = uow.session
        row = s.get(Staff, staff_id)
        if row is None:
            raise NotFound("staff.not_found", staff_id=staff_id)
        row.password_hash = _hasher.hash(password)
        row.failed_attempts = 0
        row.locked_until = None
        audit.record(s, ctx, "staff.password", row.username)
        uow.commit()
    return True


def login(ctx: AppContext, username: str, password: str) -> StaffSession:
    """Checks the password; five wrong ones lock the account for 15 minutes. On success
    the context acts as this staff member from now on."""
    user = (username or "").strip().lower()
    now = ctx.clock.now()
    with ctx.uow(anyone=True, write=True) as uow:
        s = uow.session
        row = s.scalar(select(Staff).where(Staff.username == user))
        if row is None or not row.active:
            why = "unknown user" if row is None else "account disabled"
            audit.record(s, ctx, "login.failed", user, why)
            uow.commit()
            raise FrontdeskError("login.failed")
        if row.locked_until is not None and row.locked_until > now:
            uow.commit()
            raise FrontdeskError(
                "login.locked", minutes=int((row.locked_until - now).total_seconds() // 60) + 1
            )
        try:
            _hasher.verify(row.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            row.failed_attempts += 1
            if row.failed_attempts >= MAX_FAILURES:
                row.locked_until = now + LOCKOUT
                row.failed_attempts = 0
            audit.record(s, ctx, "login.failed", user, "wrong password")
            uow.commit()
            raise FrontdeskError("login.failed") from None
        row.failed_attempts = 0
        row.locked_until = None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        session = StaffSession(row.id, row.username, row.display_name, row.role)
        ctx.staff = session
        audit.record(s, ctx, "login", user)
        uow.commit()
        return session


def logout(ctx: AppContext) -> None:
    if ctx.staff is not None:
        audit.log(ctx, "logout", ctx.staff.username)
    ctx.staff = None


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    locked: bool


def team(ctx: AppContext) -> list[str]:
    """The names of everyone who can sign in (who served a guest is chosen from them)."""
    with ctx.uow() as uow:
        return list(
            uow.session.scalars(
                select(Staff.display_name).where(Staff.active.is_(True)).order_by(Staff.id)
            )
        )


def list_staff(ctx: AppContext) -> list[StaffRow]:
    require(ctx, "staff.manage")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        return [
            StaffRow(
                r.id,
                r.username,
                r.display_name,
                r.role,
                r.active,
                r.locked_until is not None and r.locked_until > now,
            )
            for r in uow.session.scalars(select(Staff).order_by(Staff.id))
        ]
