"""The database itself: pragmas, migrations, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app import members
from app.admin.demo import seed_demo, seed_if_empty
from app.core.context import AppContext
from db import migrate
from db.engine import DB_FILENAME
from db.models import Setting


@pytest.mark.sqlite_only("the SQLite file itself")
def test_sqlite_is_durable(ctx: AppContext) -> None:
    with ctx.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.sqlite_only("the SQLite file itself")
def test_database_file_in_data_dir(ctx: AppContext, data_dir: Path) -> None:
    assert (data_dir / DB_FILENAME).exists()


def test_head_constant_matches_scripts(ctx: AppContext) -> None:
    assert migrate.head_revision() == migrate.HEAD
    assert migrate.current_revision(ctx.engine) == migrate.HEAD
    assert migrate.upgrade(ctx.engine) is False


def test_unit_of_work_rolls_back_unless_committed(ctx: AppContext) -> None:
    with ctx.uow() as uow:
        uow.session.add(Setting(key="a", value="1"))
    with ctx.uow() as uow:
        uow.session.add(Setting(key="b", value="2"))
        uow.commit()
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        uow.session.add(Setting(key="c", value="3"))
        uow.session.flush()
        raise RuntimeError("boom")
    with ctx.uow() as uow:
        assert {s.key for s in uow.session.query(Setting)} == {"b"}


def test_demo_data_is_searchable(ctx: AppContext) -> None:
    assert seed_demo(ctx, 300, batch=100) == 300
    row = members.search(ctx, members.get_profile(ctx, 1).phone).rows[0]
    assert row.id == 1
    profile = members.get_profile(ctx, 1)
    assert profile.visit_count == len(members.list_visits(ctx, 1, limit=1000))
    assert seed_if_empty(ctx) == 0  # never on top of real data
    with ctx.uow() as uow:
        ledger = uow.session.scalar(text("SELECT sum(points) FROM points_entries"))
        balances = uow.session.scalar(text("SELECT sum(points_balance) FROM members"))
    assert ledger == balances and balances > 0  # demo points are in the ledger too
