"""The daily chores at every start: a chore that fails is logged and left for the next
start, and never keeps the counter from opening."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import loyalty as ly
from app.admin import housekeeping
from app.core import requests
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.members import record_visit
from db.models import RequestId
from tests.helpers import make_member


@pytest.mark.sqlite_only("a trigger written in SQLite's own SQL")
def test_a_failing_chore_is_logged_and_the_others_still_run(
    ctx: AppContext, data_dir: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    m = make_member(ctx)
    record_visit(ctx, m.id, 50000, request_id=requests.new_id())  # 500 points
    clock.advance(days=366)
    # The database refuses the expiry's ledger entry (a damaged or hand-edited store).
    with sqlite3.connect(data_dir / "frontdesk.sqlite3") as con:
        con.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON points_entries WHEN NEW.kind = 'expire' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    with caplog.at_level(logging.ERROR, logger="app.admin.housekeeping"):
        assert housekeeping.daily(ctx) == 0
    assert "points expiry failed" in caplog.text and "refused by the test" in caplog.text
    with ctx.uow() as uow:  # the next chore ran: the year-old request id is gone
        assert uow.session.scalar(select(func.count()).select_from(RequestId)) == 0
    assert ly.balance(ctx, m.id) == 0  # not spendable meanwhile...
    with sqlite3.connect(data_dir / "frontdesk.sqlite3") as con:
        assert con.execute("SELECT points_balance FROM members").fetchone() == (500,)
        con.execute("DROP TRIGGER refuse")  # ...and nothing half done: all at the next start
    assert housekeeping.daily(ctx) == 500
