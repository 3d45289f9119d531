"""Shared fixtures: every test gets a fresh store and a fake clock.

The store is a SQLite file in a temp folder; under `make test-pg` (FRONTDESK_TEST_PG=1) it
is a database of its own on a real PostgreSQL server (tests/pg.py), and tests marked
`sqlite_only` (the file itself: copies, WAL, power cuts) are skipped there, saying why.

The clock runs each test twice: on a Monday morning in the store (Beijing), and at 01:30
on that same Monday, when the UTC date is still Sunday. The PC itself is set to another
zone again (Los Angeles), as a counter PC bought abroad or set up wrongly may be. A date
taken from UTC or from the PC's clock instead of the store's is then a wrong day."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["TZ"] = "America/Los_Angeles"  # the PC's zone: neither UTC nor the store's

from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from tests import pg
from tests.live_rows import guard_services

time.tzset()

# Every service call the suite makes is checked for live ORM rows in what it returns
# (tests/unit/test_no_live_rows.py reads the code for the paths no test takes).
guard_services()


CLOCKS = {
    # Monday 2 November 2026, 10:00 in Beijing (02:00 UTC, the same date).
    "morning": datetime(2026, 11, 2, 2, 0, tzinfo=UTC),
    # Monday 2 November 2026, 01:30 in Beijing: still Sunday in UTC (17:30) and in the
    # PC's zone (09:30 in Los Angeles). The store is open past midnight.
    "after_midnight": datetime(2026, 11, 1, 17, 30, tzinfo=UTC),
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test on the fake clock runs at both times, unless it pins one with
    @pytest.mark.clock("morning") (and says why)."""
    if "clock_name" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("clock")
        names = [marker.args[0]] if marker is not None else list(CLOCKS)
        metafunc.parametrize("clock_name", names)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about the SQLite file itself; skipped on a server"
    )
    config.addinivalue_line(
        "markers", "server_only: needs a PostgreSQL server (make test-pg); fails in CI if skipped"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    if pg.enabled():
        pg.drop_template()


@pytest.fixture(autouse=True)
def store_database(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str | None]:
    """On a server run, a database of this test's own (FRONTDESK_DB_URL names it)."""
    sqlite_only = request.node.get_closest_marker("sqlite_only")
    server_only = request.node.get_closest_marker("server_only")
    if not pg.enabled():
        if server_only is not None:
            # make test-pg runs it (and fails in CI, FRONTDESK_REQUIRE_PG=1, without a server)
            pytest.skip("needs a PostgreSQL server: make test-pg")
        yield None
        return
    if sqlite_only is not None:
        pytest.skip(f"SQLite only: {sqlite_only.args[0] if sqlite_only.args else ''}")
    database = pg.fresh()
    monkeypatch.setenv("FRONTDESK_DB_URL", database)
    yield database
    pg.drop(database)


@pytest.fixture
def clock(clock_name: str) -> FakeClock:
    return FakeClock(CLOCKS[clock_name])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def ctx(data_dir: Path, clock: FakeClock) -> Iterator[AppContext]:
    context = open_store(data_dir, clock, system=True)
    yield context
    context.close()
