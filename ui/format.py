"""How dates, times and money look on screen."""

from __future__ import annotations

from datetime import date, datetime

from app.money import format_cents


def money(cents: int) -> str:
    return format_cents(cents)


def local_datetime(instant: datetime | None) -> str:
    """A stored UTC instant in the PC's local time, e.g. 2026-11-22 19:05."""
    if instant is None:
        return ""
    return instant.astimezone().strftime("%Y-%m-%d %H:%M")


def local_date(day: date | None) -> str:
    if day is None:
        return ""
    return day.isoformat()
