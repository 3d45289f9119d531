"""Upgrading a store's database keeps every row: members, search keys, tags, visits."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app import members
from app.bootstrap import open_store
from app.core.clock import FakeClock
from db import migrate
from db.engine import DB_FILENAME, make_engine


@pytest.mark.sqlite_only(
    "an old SQLite file upgraded; every server store is made by all migrations in tests/pg.py"
)
def test_upgrade_from_0003_keeps_member_data(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / DB_FILENAME)
    command.upgrade(migrate.alembic_config(engine), "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, member_no, card_no, name, name_pinyin, phone, gender,"
                " preferences, allergies, notes, active, visit_count, lifetime_spend_cents,"
                " created_at, updated_at) VALUES (1, '100001', 'FD00000001', '张三', 'zhangsan',"
                " '13800138000', 'M', '', '', '', 1, 1, 12800, '2026-01-01 00:00:00.000000',"
                " '2026-01-01 00:00:00.000000')"
            )
        )
        for key in (
            "p13800138000",
            "izs",
            "yzhangsan",
            "n张三",
            "n三",
            "m100001",
            "cfd00000001",
            "t00083100831",
        ):
            conn.execute(text("INSERT INTO member_search_keys VALUES (:k, 1)"), {"k": key})
        conn.execute(text("INSERT INTO member_tags VALUES (1, '常客')"))
        conn.execute(
            text(
                "INSERT INTO visits (member_id, visited_at, amount_cents, items, staff, created_at)"
                " VALUES (1, '2026-01-01 00:00:00.000000', 12800, '搓澡', '', "
                "'2026-01-01 00:00:00.000000')"
            )
        )
    engine.dispose()

    ctx = open_store(tmp_path, FakeClock(), system=True)  # upgrades to head on open
    try:
        assert migrate.current_revision(ctx.engine) == migrate.HEAD
        with ctx.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM member_search_keys")).scalar() == 8
            assert conn.execute(text("SELECT count(*) FROM member_tags")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert [r.name for r in members.search(ctx, "zs").rows] == ["张三"]
        profile = members.get_profile(ctx, 1)
        assert profile.tags == ("常客",) and profile.visit_count == 1
        assert profile.points_balance == 0 and profile.tier == "C"
    finally:
        ctx.close()


def test_pending_says_when_an_upgrade_will_run(tmp_path: Path) -> None:
    import sqlite3

    from db.migrate import HEAD, pending

    path = tmp_path / "store.sqlite3"
    assert not pending(path)  # a new store is created, not upgraded
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
    conn.execute("INSERT INTO alembic_version VALUES ('0005')")
    conn.commit()
    assert pending(path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (HEAD,))
    conn.commit()
    conn.close()
    assert not pending(path)
