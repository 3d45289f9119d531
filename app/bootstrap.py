"""The composition root: the one place that wires who reacts to what and opens the store.

The counter app (ui/main.py), the admin command line, the benchmarks and the tests all
open the store through `open_store`, so a visit recorded anywhere updates the day book and
the member's points in the same transaction.

EVENT_HANDLERS is the whole list of cross-capability side effects, in the order they run
inside the transaction that published the event:

    VisitRecorded     -> daybook.on_visit (counted in the tier the member had before it),
                         loyalty.on_visit (points, and an upgrade when the year qualifies)
    MemberCreated     -> daybook.on_member_created
    StoreZoneChanged  -> daybook.on_zone_changed (the day book is recounted in the new zone)
"""

from __future__ import annotations

from pathlib import Path

from app import loyalty
from app.core import events
from app.core.clock import Clock
from app.core.context import AppContext
from app.core.events import Handler, MemberCreated, StoreZoneChanged, VisitRecorded
from app.reporting import daybook

EVENT_HANDLERS: dict[type, list[Handler]] = {
    VisitRecorded: [daybook.on_visit, loyalty.on_visit],
    MemberCreated: [daybook.on_member_created],
    StoreZoneChanged: [daybook.on_zone_changed],
}


def wire() -> None:
    """Subscribes the handlers (idempotent)."""
    events.wire(EVENT_HANDLERS)


def open_store(
    data_dir: Path | str,
    clock: Clock | None = None,
    *,
    db_url: str | None = None,
    system: bool = False,
) -> AppContext:
    """Opens (creating if needed) the store's database, brings its schema up to date and
    wires the event handlers. Nobody is signed in: `system=True` for the store acting as
    itself (the admin command line), else sign someone in (app.staff.login)."""
    wire()
    return AppContext.open(data_dir, clock, db_url=db_url, system=system)
