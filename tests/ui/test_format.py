"""Dates and times as each UI language shows them, on the store's clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui import format as formats


@pytest.fixture(autouse=True)
def restore() -> Iterator[None]:
    yield
    formats.set_language("zh_CN")
    formats.set_zone(ZoneInfo("Asia/Shanghai"))


def test_each_language_writes_a_date_its_way() -> None:
    day = date(2026, 11, 2)
    at = datetime(2026, 11, 22, 17, 30, tzinfo=UTC)  # 01:30 the next day in Shanghai
    shown = {}
    for language in ("zh_CN", "zh_TW", "en"):
        formats.set_language(language)
        shown[language] = (formats.local_date(day), formats.local_datetime(at))
    assert shown == {
        "zh_CN": ("2026-11-02", "2026-11-23 01:30"),
        "zh_TW": ("2026/11/02", "2026/11/23 01:30"),
        "en": ("02 Nov 2026", "23 Nov 2026 01:30"),
    }
    assert formats.local_date(None) == formats.local_datetime(None) == ""


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)))
def test_same_as_strftime_on_the_stores_clock(naive: datetime) -> None:
    formats.set_language("zh_TW")
    formats.set_zone(ZoneInfo("America/New_York"))  # a zone with daylight saving
    at = naive.replace(tzinfo=UTC)
    local = at.astimezone(ZoneInfo("America/New_York"))
    assert formats.local_datetime(at) == local.strftime("%Y/%m/%d %H:%M")
    assert formats.local_date(naive.date() + timedelta(days=1)) == (
        naive.date() + timedelta(days=1)
    ).strftime("%Y/%m/%d")
