"""Backups, restore, checks, one instance per folder, and nothing lost when killed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.admin import backup as bk
from app.admin.cli import main as admin
from app.admin.demo import seed_demo
from app.admin.instance import InstanceLock
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.members import record_visit
from db.engine import DB_FILENAME
from tests.helpers import crash_runs


def dump(path: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        rows: list[tuple[object, ...]] = []
        for table in ("members", "visits", "member_search_keys", "points_entries"):
            rows += [(table, *r) for r in con.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        return rows
    finally:
        con.close()


@pytest.mark.sqlite_only(
    "the SQLite file's own backup, restore and durability; tests/server covers pg_dump"
)
def test_backup_restore_round_trip(
    ctx: AppContext, data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    seed_demo(ctx, 150, batch=50)
    info = bk.backup_now(ctx, tmp_path / "usb")
    assert not bk.check_file(info.path)
    at_backup = dump(data_dir / DB_FILENAME)
    shown = bk.preview(info.path)
    assert shown.ok and shown.members == 150 and shown.visits > 0
    # One self-contained file: nothing beside it, even after it was checked and previewed.
    assert sorted(p.name for p in info.path.parent.iterdir()) == [info.path.name]
    con = sqlite3.connect(info.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        con.close()
    record_visit(ctx, 1, 99999)  # work after the backup...
    ctx.close()
    kept = bk.restore(data_dir / DB_FILENAME, info.path)
    assert dump(data_dir / DB_FILENAME) == at_backup  # ...is gone, everything else equal
    assert dump(kept) != at_backup  # and the replaced database is kept beside it


def test_keeps_the_newest(ctx: AppContext, clock: FakeClock, tmp_path: Path) -> None:
    taken = []
    for _ in range(4):
        taken.append(clock.now())
        bk.backup_now(ctx, tmp_path / "b", keep=2)
        clock.advance(hours=24)
    names = [b.path.name for b in bk.list_backups(tmp_path / "b")]
    # Named by the UTC instant (sortable whatever the zone); the screen shows store time.
    suffix = ".dump" if ctx.server else ".sqlite3"  # pg_dump's file on a server
    assert names == [f"frontdesk-{t:%Y%m%d-%H%M%S}{suffix}" for t in reversed(taken[-2:])]


@pytest.mark.sqlite_only(
    "the SQLite file's own backup, restore and durability; tests/server covers pg_dump"
)
def test_damaged_backup_is_refused(ctx: AppContext, data_dir: Path, tmp_path: Path) -> None:
    info = bk.backup_now(ctx, tmp_path / "b")
    bad = tmp_path / "bad.sqlite3"
    data = bytearray(info.path.read_bytes())
    data[100:4000] = b"\xff" * 3900
    bad.write_bytes(bytes(data))
    assert bk.check_file(bad)
    assert not bk.preview(bad).ok
    ctx.close()
    before = (data_dir / DB_FILENAME).read_bytes()
    with pytest.raises(FrontdeskError) as err:
        bk.restore(data_dir / DB_FILENAME, bad)
    assert err.value.code == "backup.bad_source"
    assert (data_dir / DB_FILENAME).read_bytes() == before


def test_second_instance_refused(tmp_path: Path) -> None:
    with InstanceLock(tmp_path):
        with pytest.raises(FrontdeskError) as err:
            InstanceLock(tmp_path).acquire()
        assert err.value.code == "instance.running"
        code = (
            "import sys; from app.admin.instance import InstanceLock\n"
            "try:\n InstanceLock(sys.argv[1]).acquire(); print('got it')\n"
            "except Exception as e: print(type(e).__name__)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
        ).stdout
        assert out.strip() == "FrontdeskError"
    InstanceLock(tmp_path).acquire().release()  # free again once released


@pytest.mark.sqlite_only(
    "the SQLite file's own backup, restore and durability; tests/server covers pg_dump"
)
def test_admin_backup_check_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert admin(["--data-dir", str(store), "demo", "--members", "30"]) == 0
    assert admin(["--data-dir", str(store), "backup", "--to", str(tmp_path / "b")]) == 0
    assert admin(["--data-dir", str(store), "check"]) == 0
    assert "database ok" in capsys.readouterr().out
    backup = bk.list_backups(tmp_path / "b")[0].path
    assert admin(["--data-dir", str(store), "restore", str(backup)]) == 0
    assert "30 members" in capsys.readouterr().out


@pytest.mark.sqlite_only(
    "the SQLite file's own backup, restore and durability; tests/server covers pg_dump"
)
def test_killed_writer_loses_nothing_confirmed(tmp_path: Path) -> None:
    lost, corrupt = crash_runs(str(tmp_path), runs=3)
    assert (lost, corrupt) == (0, 0)


@pytest.mark.sqlite_only(
    "the SQLite file's own backup, restore and durability; tests/server covers pg_dump"
)
def test_wal_and_full_sync_are_what_makes_that_true(ctx: AppContext) -> None:
    with ctx.engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
