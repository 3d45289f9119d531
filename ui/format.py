"""How dates, times, numbers and money look on screen, in the language the UI speaks.

Chinese (mainland) counters read ISO dates (2026-11-22), Taiwan writes 2026/11/22, English
reads 22 Nov 2026. Money is the store's (yuan) whatever the UI language; thousands are
grouped in every language."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from app.core.money import format_cents, format_rate

# Written out rather than strftime'd: several times faster (a search shows 30 rows of
# dates on every keystroke), and English month names whatever the PC's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _iso(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _slashed(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def _english(day: date) -> str:
    return f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year:04d}"


_DATE_FORMATS: dict[str, Callable[[date], str]] = {
    "zh_CN": _iso,
    "zh_TW": _slashed,
    "en": _english,
}
_date_format = _DATE_FORMATS["zh_CN"]


_language = "zh_CN"
# Times are shown on the store's clock (its time zone, from the settings), not the PC's.
_zone: tzinfo = ZoneInfo("Asia/Shanghai")


def set_zone(zone: tzinfo) -> None:
    global _zone
    _zone = zone


def set_language(language: str) -> None:
    global _date_format, _language
    _language = language if language in _DATE_FORMATS else "zh_CN"
    _date_format = _DATE_FORMATS[_language]


_QT_DATE_FORMATS = {"zh_CN": "yyyy-MM-dd", "zh_TW": "yyyy/MM/dd", "en": "d MMM yyyy"}


def qt_date_format() -> str:
    """The same date form for Qt's date editors."""
    return _QT_DATE_FORMATS[_language]


def language() -> str:
    """The UI's language (also used for the words printed on reports)."""
    return _language


def money(cents: int) -> str:
    return format_cents(cents)


def number(n: int) -> str:
    return f"{n:,}"


def percent(rate: float | None) -> str:
    return format_rate(rate)


def local_datetime(instant: datetime | None) -> str:
    """A stored UTC instant on the store's clock, e.g. 2026-11-22 19:05."""
    if instant is None:
        return ""
    return _instant_text(instant, _zone, _date_format)


def local_date(day: date | None) -> str:
    if day is None:
        return ""
    return _date_text(day, _date_format)


# Remembered: a table shows the same members' dates again as the receptionist types on.
@functools.lru_cache(maxsize=4096)
def _instant_text(instant: datetime, zone: tzinfo, date_format: Callable[[date], str]) -> str:
    at = instant.astimezone(zone)
    return f"{date_format(at)} {at.hour:02d}:{at.minute:02d}"


@functools.lru_cache(maxsize=4096)
def _date_text(day: date, date_format: Callable[[date], str]) -> str:
    return date_format(day)
