"""BENCH keys_rebuild_meanwhile: the counter saving members while the search keys of a
big store are made again in the background (once, after an upgrade)."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import delete

from app import members
from app.admin.demo import seed_demo
from app.bootstrap import open_store
from app.members import MemberInput
from db.models import Setting
from ui.main import SWITCH_INTERVAL_S

N = int(os.environ.get("BENCH_REBUILD_MEMBERS", "100000"))
DATA = Path(os.environ.get("BENCH_DATA", "bench-data")) / f"rebuild-{N // 1000}k"


def test_bench_saves_while_the_keys_are_rebuilt(tmp_path: Path) -> None:
    default = sys.getswitchinterval()
    sys.setswitchinterval(float(os.environ.get("BENCH_SWITCH_S", SWITCH_INTERVAL_S)))  # as the app
    try:
        measure(tmp_path)
    finally:
        sys.setswitchinterval(default)


def measure(tmp_path: Path) -> None:
    if not (DATA / "frontdesk.sqlite3").exists():
        print(f"\nbuilding {N:,} demo members in {DATA} (once)...", flush=True)
        built = open_store(DATA, system=True)
        seed_demo(built, N, visits_per_member=0)
        built.close()
    work = tmp_path / "store"
    shutil.copytree(DATA, work)  # each run from the same store
    ctx = open_store(work, system=True)
    with ctx.engine.begin() as conn:  # as an older version left it
        conn.execute(delete(Setting).where(Setting.key == "search_keys_version"))
    rebuilt: list[int] = []
    started = time.perf_counter()
    rebuilding = threading.Thread(target=lambda: rebuilt.append(members.rebuild_search_keys(ctx)))
    rebuilding.start()
    saves: list[float] = []
    lookups: list[float] = []
    failed: list[str] = []
    phone = 13600000000
    while rebuilding.is_alive():
        time.sleep(0.05)  # a receptionist's pace, give or take
        phone += 1
        begun = time.perf_counter()
        try:
            members.create_member(ctx, MemberInput(name="新客人", phone=str(phone)))
        except Exception as exc:  # what the counter would have been told
            failed.append(type(exc).__name__ + ": " + str(exc)[:80])
        saves.append((time.perf_counter() - begun) * 1000)
        time.sleep(0.05)
        begun = time.perf_counter()
        members.search(ctx, str(phone)[-4:])  # the next guest's last 4 digits
        lookups.append((time.perf_counter() - begun) * 1000)
    rebuilding.join()
    rebuild_s = time.perf_counter() - started
    ctx.close()
    assert rebuilt and rebuilt[0] >= N
    print(f"\nfailures: {sorted(set(failed))[:3]} switch_interval_s={sys.getswitchinterval()}")
    print(
        f"BENCH keys_rebuild_meanwhile members={N} rebuild_s={rebuild_s:.1f} saves={len(saves)} "
        f"failed={len(failed)} save_median_ms={statistics.median(saves):.1f} "
        f"save_p95_ms={statistics.quantiles(saves, n=100, method='inclusive')[94]:.1f} "
        f"save_max_ms={max(saves):.1f} lookup_median_ms={statistics.median(lookups):.1f} "
        f"lookup_p95_ms={statistics.quantiles(lookups, n=100, method='inclusive')[94]:.1f}"
    )
