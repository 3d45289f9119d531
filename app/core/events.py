"""In-transaction events: what happened, told to whoever must react in the same
transaction (a visit updates the member's tier and the dashboard's day book).

Who reacts to what is one table, app.bootstrap.EVENT_HANDLERS, wired once at start-up by
app.bootstrap.wire(); a capability publishes its events without knowing who listens (the
members package does not import reporting). Publishing before the table is wired is a
programming error, raised at once rather than silently losing a day-book entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class VisitRecorded:
    """A visit was added (in `session`, not yet committed). `member` and `visit` are the
    rows: handlers run inside the transaction and may use them."""

    session: Session
    member: Any
    visit: Any
    now: datetime


@dataclass(frozen=True)
class MemberCreated:
    session: Session
    member_id: int
    created_at: datetime


@dataclass(frozen=True)
class StoreZoneChanged:
    """The store's time zone changed: day-based figures must be counted again."""

    session: Session


Event = VisitRecorded | MemberCreated | StoreZoneChanged
Handler = Callable[[Any], None]

_handlers: dict[type, list[Handler]] = {}
_wired = False


def wire(table: dict[type, list[Handler]]) -> None:
    """Installs who reacts to what (app.bootstrap calls this; idempotent)."""
    global _wired
    _handlers.clear()
    for event_type, handlers in table.items():
        _handlers[event_type] = list(handlers)
    _wired = True


def publish(event: Event) -> None:
    """Tells every handler of this event, in the table's order, inside the transaction."""
    if not _wired:
        raise RuntimeError("events are not wired: call app.bootstrap.wire() at start-up")
    for handler in _handlers.get(type(event), ()):
        handler(event)
