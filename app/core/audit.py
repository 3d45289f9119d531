"""The audit trail: append-only, each entry chained to the previous by a SHA-256 hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.permissions import require
from db.engine import AUDIT_CHAIN_LOCK, serialize
from db.models import AuditEntry

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    staff: str
    action: str
    target: str
    detail: str
    hash: str = ""


def _digest(prev: str, at: datetime, staff: str, action: str, target: str, detail: str) -> str:
    body = json.dumps([prev, at.isoformat(), staff, action, target, detail], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(s: Session, ctx: AppContext, action: str, target: str = "", detail: str = "") -> None:
    """Adds an entry in the caller's transaction: it exists only if the action does. It is
    the signed-in person's (or "system")."""
    append(s, ctx.clock.now(), ctx.actor_username, action, target, detail)


def append(s: Session, at: datetime, staff: str, action: str, target: str, detail: str) -> None:
    """An entry as it was made elsewhere (carried over after a restore), chained anew.
    One counter at a time appends (the chain must not fork)."""
    serialize(s, AUDIT_CHAIN_LOCK)
    last = s.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev = last or GENESIS
    s.add(
        AuditEntry(
            at=at,
            staff=staff,
            action=action,
            target=target[:64],
            detail=detail,
            prev_hash=prev,
            hash=_digest(prev, at, staff, action, target[:64], detail),
        )
    )
    s.flush()


def log(ctx: AppContext, action: str, target: str = "", detail: str = "") -> None:
    """An entry on its own (a login, a view of a full phone number)."""
    # (a sign-in's own entries come before the session)
    with ctx.uow(anyone=True, write=True) as uow:
        record(uow.session, ctx, action, target, detail)
        uow.commit()


def verify(ctx: AppContext) -> int | None:
    """The id of the first entry that does not match the chain, or None if intact."""
    require(ctx, "audit.view")
    prev = GENESIS
    with ctx.uow() as uow:
        for e in uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            if e.prev_hash != prev or e.hash != _digest(
                prev, e.at, e.staff, e.action, e.target, e.detail
            ):
                return e.id
            prev = e.hash
    return None


def entries(
    ctx: AppContext, action: str | None = None, staff: str | None = None, limit: int = 500
) -> list[AuditLine]:
    """Newest first, optionally filtered (the owner's audit viewer)."""
    require(ctx, "audit.view")
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if staff:
        stmt = stmt.where(AuditEntry.staff == staff)
    with ctx.uow() as uow:
        return [
            AuditLine(e.id, e.at, e.staff, e.action, e.target, e.detail)
            for e in uow.session.scalars(stmt)
        ]
