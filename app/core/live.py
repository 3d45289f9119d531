"""Live across counters: what another counter changed, as topics the screens understand.

On a database server every committed write names the tables it changed (db.notify);
`watch` listens in a thread and reports the topics — members, visits, coupons, complaints,
settings — and whether the server is reachable. After a reconnect it reports every topic:
the counter may have missed changes while it was cut off. On SQLite (one counter) there
is nothing to watch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from app.core import connection
from app.core.context import AppContext
from db import notify

MEMBERS = "members"  # a member's record (created, edited, (de)activated, imported)
VISITS = "visits"  # a visit recorded, points earned or spent, tiers reviewed
COUPONS = "coupons"  # a coupon issued, redeemed or voided; a campaign issued
COMPLAINTS = "complaints"  # a complaint logged or moved on (also: compensated)
SETTINGS = "settings"  # the store's settings (name, zone, tiers, printer, idle lock...)
TOPICS = (MEMBERS, VISITS, COUPONS, COMPLAINTS, SETTINGS)

TOPIC_OF_TABLE = {
    "members": MEMBERS,
    "member_search_keys": MEMBERS,
    "member_tags": MEMBERS,
    "follow_ups": MEMBERS,
    "visits": VISITS,
    "points_entries": VISITS,
    "member_stats": VISITS,
    "tier_changes": VISITS,
    "surveys": VISITS,
    "prepaid_accounts": VISITS,  # a card's balance: shown on the profile, like visits
    "prepaid_entries": VISITS,
    "recharge_plans": SETTINGS,
    "coupons": COUPONS,
    "redemptions": COUPONS,
    "coupon_voids": COUPONS,
    "campaigns": COUPONS,
    "complaints": COMPLAINTS,
    "complaint_deadlines": COMPLAINTS,
    "complaint_events": COMPLAINTS,
    "settings": SETTINGS,
    "tiers": SETTINGS,
    "staff": SETTINGS,
}


def topics_of(tables: Iterable[str]) -> set[str]:
    return {TOPIC_OF_TABLE[t] for t in tables if t in TOPIC_OF_TABLE}


class Watch:
    """A running listener; `stop()` ends it (quitting, switching language)."""

    def __init__(self, listener: notify.Listener) -> None:
        self._listener = listener

    @property
    def connected(self) -> bool:
        return self._listener.connected.is_set()

    def stop(self) -> None:
        self._listener.stop()


def watch(
    ctx: AppContext,
    on_change: Callable[[set[str]], None],
    on_connection: Callable[[bool], None],
) -> Watch | None:
    """Starts listening to the other counters (None on SQLite). The callbacks run in the
    listener's thread: the screen hands them over to its own thread (a queued signal)."""
    if not ctx.server:
        return None

    def changed(payload: dict[str, Any]) -> None:
        topics = topics_of(payload.get("tables", ()))
        if topics:
            on_change(topics)

    def connected(up: bool) -> None:
        on_connection(up)
        if up:
            on_change(set(TOPICS))  # missed while cut off: everything is refreshed

    name = connection.counter_name(ctx.data_dir) if ctx.data_dir else "frontdesk"
    listener = notify.Listener(
        notify.libpq_url(ctx.engine),
        notify.INSTANCE,
        changed,
        connected,
        application_name=f"{name} (live)",
    )
    listener.start()
    return Watch(listener)
