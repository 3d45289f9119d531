"""Shared fixtures: every test gets a fresh SQLite file in a temp folder and a fake clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.clock import FakeClock
from app.context import AppContext
from tests.live_rows import guard_services

# Every service call the suite makes is checked for live ORM rows in what it returns
# (tests/unit/test_no_live_rows.py reads the code for the paths no test takes).
guard_services()


@pytest.fixture
def clock() -> FakeClock:
    # A Monday morning in Beijing (02:00 UTC = 10:00 CST).
    return FakeClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def ctx(data_dir: Path, clock: FakeClock) -> Iterator[AppContext]:
    context = AppContext.open(data_dir, clock)
    yield context
    context.close()
