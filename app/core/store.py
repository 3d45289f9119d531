"""The store's own clock: its time zone (kept with the SLA policy) and its "today".

One store-local today for every date rule (coupon validity, birthdays, the dashboard's
days, "not in the future"): at 01:30 in Beijing the UTC date is still yesterday's, and the
PC running the counter may be set to any zone. Asked each time, never cached: a counter
stays open past midnight."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.core import keys
from app.core.calendar import SlaPolicy
from app.core.context import AppContext
from db.models import Setting


def name_in(s: Session) -> str:
    row = s.get(Setting, keys.STORE_NAME)
    return row.value if row is not None else ""


def name(ctx: AppContext) -> str:
    """The store's name (coupons, reports, the window title)."""
    with ctx.uow(anyone=True) as uow:  # also on the sign-in box
        return name_in(uow.session)


def set_name_in(s: Session, value: str) -> None:
    """Stores the name (app.core.settings.set_store_name validates, checks and audits)."""
    row = s.get(Setting, keys.STORE_NAME)
    if row is None:
        s.add(Setting(key=keys.STORE_NAME, value=value))
    else:
        row.value = value


def policy(s: Session) -> SlaPolicy:
    """The SLA policy (opening hours, rest days, time zone) as stored, or the defaults."""
    row = s.get(Setting, keys.SLA_POLICY)
    return SlaPolicy.from_json(row.value) if row is not None else SlaPolicy()


def set_policy_in(s: Session, value: SlaPolicy) -> None:
    """Stores the policy (app.complaints.set_policy checks, audits and tells who cares)."""
    row = s.get(Setting, keys.SLA_POLICY)
    if row is None:
        s.add(Setting(key=keys.SLA_POLICY, value=value.to_json()))
    else:
        row.value = value.to_json()


def zone_in(s: Session) -> ZoneInfo:
    return policy(s).tz


def zone(ctx: AppContext) -> ZoneInfo:
    with ctx.uow(anyone=True) as uow:  # the clock on screen, also while locked
        return zone_in(uow.session)


def day_of(instant: datetime, tz: ZoneInfo) -> date:
    """The store's calendar day an instant falls on."""
    return instant.astimezone(tz).date()


def today_in(s: Session, now: datetime) -> date:
    return day_of(now, zone_in(s))


def at(ctx: AppContext, day: date, clock_time: time) -> datetime:
    """That day's clock time in the store, as an instant (UTC)."""
    return datetime.combine(day, clock_time, tzinfo=zone(ctx)).astimezone(UTC)


def today(ctx: AppContext) -> date:
    """Today on the store's calendar."""
    return day_of(ctx.clock.now(), zone(ctx))


def coupon_secret(s: Session) -> bytes:
    """The per-store key that signs coupon codes, created the first time it is needed."""
    row = s.get(Setting, keys.COUPON_SECRET)
    if row is None:
        row = Setting(key=keys.COUPON_SECRET, value=secrets.token_hex(32))
        s.add(row)
        s.flush()
    return bytes.fromhex(row.value)
