"""The day book (``daily_totals``): visits, revenue, returns and new members per store-local
day and tier, kept in each visit's own transaction so a year of the dashboard reads a few
hundred rows. It listens to VisitRecorded, MemberCreated and StoreZoneChanged (subscribed in
app.bootstrap), and is rebuilt from the visits after a bulk import or a change of zone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core import keys, store
from app.core.context import AppContext
from app.core.events import MemberCreated, StoreZoneChanged, VisitRecorded
from app.loyalty import current_tier, lapse_at, lapse_grace, tiers_in
from db.engine import one_moment
from db.models import Setting, Visit
from db.repositories import DashboardRepository, updated_rows

log = logging.getLogger(__name__)


def count_visit(
    s: Session, member_id: int, visit: Visit, tier: str, lapse_before: datetime | None
) -> None:
    """The visit in the day book: its day (store time), its tier, and whether the member
    came back before they would have counted as lapsing (``lapse_before``, computed from
    their visits before this one; None for a first visit)."""
    day = visit.visited_at.astimezone(store.zone_in(s)).date()
    returning = lapse_before is not None
    on_time = returning and visit.visited_at <= lapse_before  # type: ignore[operator]
    DashboardRepository(s).add(
        day,
        tier,
        visits=1,
        revenue_cents=visit.amount_cents,
        returns=int(returning),
        on_time_returns=int(on_time),
    )


def prior_visits(
    s: Session, member_id: int, visit_id: int, at: datetime
) -> tuple[int, datetime | None, datetime | None]:
    """(count, first, last) of the member's visits before visit `visit_id` made at `at`."""
    n, first, last = s.execute(
        select(func.count(), func.min(Visit.visited_at), func.max(Visit.visited_at)).where(
            Visit.member_id == member_id, Visit.visited_at <= at, Visit.id != visit_id
        )
    ).one()
    return int(n), as_utc(first), as_utc(last)


def count_new_member(s: Session, created_at: datetime, tier: str) -> None:
    day = created_at.astimezone(store.zone_in(s)).date()
    DashboardRepository(s).add(day, tier, new_members=1)


# --- event handlers (subscribed in app.bootstrap) ---------------------------------------------


def on_visit(event: VisitRecorded) -> None:
    """Counts the visit in its tier as it stood before this visit (it runs before the
    loyalty handler may upgrade the member) and whether it was an on-time return."""
    s, visit = event.session, event.visit
    n, first, last = prior_visits(s, event.member.id, visit.id, visit.visited_at)
    lapse_before = lapse_at(last, first, n) if n else None
    count_visit(s, event.member.id, visit, current_tier(s, event.member.id).code, lapse_before)


def on_member_created(event: MemberCreated) -> None:
    count_new_member(
        event.session, event.created_at, current_tier(event.session, event.member_id).code
    )


def on_zone_changed(event: StoreZoneChanged) -> None:
    """Day-based totals are store-local days: recount them in the new zone."""
    mark_stale_in(event.session)


def rebuild_totals(ctx: AppContext, progress: Callable[[int], None] | None = None) -> int:
    """Recomputes the whole day book from visits and members (after a bulk import or an
    upgrade). Past visits are counted in the member's current tier. Returns visits read.

    One pass over the covering index in (member, time) order, with the same lapse rule
    as a live visit (app.loyalty.lapse_grace), on naive UTC values."""
    parse = datetime.fromisoformat
    with ctx.uow() as uow:
        s = uow.session
        repo = DashboardRepository(s)
        one_moment(s)
        # What the visits' and new members' own counting has put in the book so far, and
        # whether it was asked for a recount, at the same moment as the visits read below.
        before = repo.book()
        flag = s.get(Setting, keys.DAYBOOK_STALE)
        asked = flag.value if flag is not None else None
        tz = store.zone_in(s)
        base = tiers_in(s)[-1].code
        tiers = repo.tiers()
        book: dict[tuple[str, str], list[int]] = {}
        day_of = _hour_to_day(tz)
        read = 0
        current, n, tier = -1, 0, base
        first = last = datetime.min
        for mid, at_text, amount in repo.visits_in_member_order():
            if mid != current:
                current, n, tier = mid, 0, tiers.get(mid, base)
            key = (day_of(at_text), tier)
            entry = book.get(key)
            if entry is None:
                entry = book[key] = [0, 0, 0, 0, 0]
            entry[0] += 1
            entry[1] += amount
            at = parse(at_text)
            if n:
                entry[2] += 1
                entry[3] += at <= last + lapse_grace(last, first, n)
            else:
                first = at
            n += 1
            last = at
            read += 1
            if progress and read % 500_000 == 0:
                progress(read)
        for mid, at_text in repo.members_joined():
            key = (day_of(at_text), tiers.get(mid, base))
            book.setdefault(key, [0, 0, 0, 0, 0])[4] += 1
        if progress:
            progress(read)
    # The counters went on meanwhile: what their visits and new members added to the book
    # since that moment is added to the recount, counters kept out while it is written.
    with ctx.uow(write=True) as uow:
        s = uow.session
        repo = DashboardRepository(s)
        repo.hold()
        for key, now in repo.book().items():
            was = before.get(key, (0, 0, 0, 0, 0))
            if now != was:
                entry = book.setdefault(key, [0, 0, 0, 0, 0])
                for i, (n, w) in enumerate(zip(now, was, strict=True)):
                    entry[i] += n - w
        repo.replace_all([(d, t, *v) for (d, t), v in sorted(book.items())])  # type: ignore[misc]
        # Current, unless a recount was asked for again meanwhile (a new time zone, a
        # bulk import): that one still comes.
        if asked is None:
            if s.get(Setting, keys.DAYBOOK_STALE) is None:
                s.add(Setting(key=keys.DAYBOOK_STALE, value="0"))
        else:
            updated_rows(
                s,
                update(Setting)
                .where(Setting.key == keys.DAYBOOK_STALE, Setting.value == asked)
                .values(value="0"),
            )
        uow.commit()
    log.info("day book recounted: %d visits, %d days and tiers", read, len(book))
    return read


def _hour_to_day(tz: ZoneInfo) -> Callable[[str], str]:
    """Stored UTC text ('2026-11-22 17:05:00.000000') -> the store-local day
    ('2026-11-23'), looked up once per UTC hour (zone offsets change on the hour)."""
    cache: dict[str, str] = {}

    def day_of(text: str) -> str:
        hour = text[:13]
        day = cache.get(hour)
        if day is None:
            at = datetime.fromisoformat(hour + ":00").replace(tzinfo=UTC)
            day = cache[hour] = at.astimezone(tz).date().isoformat()
        return day

    return day_of


def totals_stale(ctx: AppContext) -> bool:
    """True when an upgrade, a bulk import or a new time zone asks for a recount."""
    with ctx.uow() as uow:
        row = uow.session.get(Setting, keys.DAYBOOK_STALE)
        return row is not None and row.value.startswith("1")


def ensure_totals(ctx: AppContext) -> bool:
    """Rebuilds the day book when it is stale. Returns whether it did."""
    stale = totals_stale(ctx)
    if stale:
        rebuild_totals(ctx)
    return stale


def mark_stale(ctx: AppContext) -> None:
    with ctx.uow(write=True) as uow:
        mark_stale_in(uow.session)
        uow.commit()


def mark_stale_in(s: Session) -> None:
    """Has the day book recounted (next time the dashboard opens), in the caller's
    transaction: after a bulk import, or a change of the store's time zone."""
    # Each ask its own value: a recount that read before it does not answer it.
    s.merge(Setting(key=keys.DAYBOOK_STALE, value=f"1 {uuid4().hex}"))


def as_utc(value: Any) -> Any:
    """A stored instant as an aware UTC datetime (SQLite hands back naive values or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
