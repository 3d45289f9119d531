"""The real program, started as a user would (offscreen): it opens, seeds demo data, quits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from app import members
from app.admin.backup import backup_dir, list_backups
from app.admin.housekeeping import backup_if_due
from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from tests.ui.helpers import open_window
from ui.main import SWITCH_INTERVAL_S


def test_cold_start_with_demo_data(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.main",
            "--data-dir",
            str(tmp_path),
            "--demo",
            "--quit-after-start",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "STARTUP ready_s=" in proc.stdout
    # Threads take turns every 0.5 ms (ui.main.SWITCH_INTERVAL_S), not Python's 5 ms.
    assert f"switch_interval_s={SWITCH_INTERVAL_S:g}" in proc.stdout, proc.stdout
    ctx = open_store(tmp_path, system=True)
    try:
        assert members.get_profile(ctx, 2000).member_no == "102000"
    finally:
        ctx.close()


def test_second_instance_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    from app.admin.instance import InstanceLock

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FRONTDESK_LANG": "en"}
    with InstanceLock(tmp_path):
        proc = subprocess.run(
            [sys.executable, "-m", "ui.main", "--data-dir", str(tmp_path), "--quit-after-start"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 1
    assert "already running" in proc.stderr


def test_damage_after_a_crash_is_caught_and_a_good_backup_offered(tmp_path: Path) -> None:
    """A run that ended abruptly leaves its marker; the next start checks the database,
    and (in smoke mode, where nobody can answer) refuses to open a damaged one."""
    from app.admin import backup
    from db.engine import DB_FILENAME

    ctx = open_store(tmp_path, system=True)
    info = backup.backup_now(ctx, tmp_path / "backups")
    ctx.close()
    db = tmp_path / DB_FILENAME
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a torn page
    db.write_bytes(bytes(data))
    backup.mark_running(tmp_path, True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FRONTDESK_LANG": "en"}
    proc = subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", str(tmp_path), "--quit-after-start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "database damaged" in proc.stderr
    good = backup.newest_good(tmp_path / "backups")
    assert good is not None and good.path == info.path


def test_the_store_language_is_used_unless_one_is_asked_for(tmp_path: Path) -> None:
    from app.core import settings

    ctx = open_store(tmp_path, system=True)
    settings.save(ctx, settings.StoreSettings(language="en"))
    ctx.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FRONTDESK_LANG", None)

    def start(*extra: str) -> str:
        argv = [sys.executable, "-m", "ui.main", "--data-dir", str(tmp_path)]
        argv += ["--quit-after-start", *extra]
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert "lang=en" in start()
    assert "lang=zh_TW" in start("--lang", "zh_TW")


def test_the_hourly_check_writes_the_daily_backup_when_due(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock
) -> None:
    """The running window asks once an hour (store clock) whether a backup is due: the
    first check writes one, later ones wait until the newest is a day old."""
    window = open_window(qtbot, ctx)
    window.hourly = lambda: backup_if_due(ctx)
    folder = backup_dir(ctx)

    def backups() -> int:
        return len(list_backups(folder)) if folder.exists() else 0

    window.on_tick()  # the first second: not an hour yet
    assert backups() == 0
    clock.advance(minutes=61)
    window.on_tick()
    assert backups() == 1
    clock.advance(hours=2)
    window.on_tick()
    assert backups() == 1  # the newest is two hours old
    clock.advance(hours=23)
    window.on_tick()
    assert backups() == 2
    clock.advance(hours=-48)  # the PC's clock set back: no storm of checks, no crash
    window.on_tick()
    assert backups() == 2
