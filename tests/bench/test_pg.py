"""BENCH lookup_pg, dashboard_pg and counters: the store on a PostgreSQL server over
loopback, as the counters of a store with several tills use it.

`make bench` runs the whole bench suite inside `pg_virtualenv` (a throwaway cluster) with
FRONTDESK_BENCH_PG=1; without PostgreSQL these are skipped and say so. The 1,000,000-member
stores are the SQLite bench stores moved onto the server with `move-to-server` (the
owner's own tool, checksums and all), once per cluster: a later run in the same cluster
reuses them."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app import coupons
from app.admin.move import move_to_server
from app.bootstrap import open_store
from app.core.context import AppContext
from app.coupons import CouponTerms
from db.engine import DB_FILENAME
from db.models import Coupon, Member, Redemption
from tests import pg
from tests.bench import stores, test_dashboard, test_lookup
from tests.server import workers

pytestmark = pytest.mark.skipif(
    os.environ.get("FRONTDESK_BENCH_PG") != "1",
    reason="needs a PostgreSQL server: make bench runs these inside pg_virtualenv",
)
SPAWN = multiprocessing.get_context("spawn")
REDEMPTIONS = int(os.environ.get("BENCH_REDEMPTIONS", "1000"))


def _database(name: str, members: int | None) -> tuple[str, bool]:
    """(URL, ready): the server's database `name`; ready when it already holds the store
    (`members` members). Otherwise it is made empty, for a move."""
    url = pg.url(name)
    with psycopg.connect(pg.url("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and members is not None:
            with psycopg.connect(url) as conn:
                try:
                    have = conn.execute("SELECT count(*) FROM members").fetchone()
                except psycopg.Error:
                    have = None
            if have is not None and have[0] == members:
                return url, True
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url, False


def on_server(sqlite_ctx: AppContext, name: str) -> AppContext:
    """The SQLite store (closed here) moved onto the server; the server's store, opened."""
    folder = sqlite_ctx.data_dir
    assert folder is not None
    with sqlite_ctx.uow() as uow:
        members = int(uow.session.scalar(select(func.count()).select_from(Member)) or 0)
    sqlite_ctx.close()
    url, ready = _database(name, members)
    if not ready:
        print(f"\nmoving {folder} onto the server (once per cluster)...", flush=True)
        started = time.perf_counter()
        shown: dict[str, int] = {}

        def progress(table: str, done: int, total: int) -> None:
            step = max(total // 4, 1)
            if done == total or done // step != shown.get(table, -1):
                shown[table] = done // step
                print(f"  {table} {done:,}/{total:,} ({time.perf_counter() - started:.0f} s)")

        move_to_server(folder / DB_FILENAME, url, progress)
        print(f"  moved in {time.perf_counter() - started:.0f} s", flush=True)
    return open_store(Path(folder).with_name(folder.name + "-pg"), db_url=url, system=True)


def test_bench_lookup_pg(qapp: QApplication, qtbot: QtBot) -> None:
    local = test_lookup.store()
    queries = test_lookup.query_mix(local, test_lookup.QUERIES)
    ctx = on_server(local, f"bench_members_{test_lookup.N // 1000}k")
    figures = test_lookup.measure_lookup(qapp, qtbot, ctx, queries)
    ctx.close()
    print(test_lookup.lookup_line("lookup_pg", queries, figures))


def test_bench_dashboard_pg() -> None:
    local, visits, _rebuild_s = test_dashboard.prepared_store()
    ctx = on_server(local, f"bench_loyalty_{stores.N // 1000}k")
    board, times, shown = test_dashboard.measure_dashboard(ctx)
    ctx.close()
    print(test_dashboard.dashboard_line("dashboard_pg", visits, board, times, shown))


def test_bench_counters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two counter processes scan the same REDEMPTIONS codes at the same instants."""
    url, _ready = _database("bench_counters", None)
    monkeypatch.setenv("FRONTDESK_DB_URL", url)  # the counters' processes inherit it
    ctx = open_store(tmp_path / "counter-a", system=True)
    codes = [
        coupons.issue_coupon(ctx, CouponTerms("amount", 1000)).code for _ in range(REDEMPTIONS)
    ]
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    counters = [
        SPAWN.Process(
            target=workers.redeem_each,
            args=(str(tmp_path / f"counter-{n}"), ctx.clock, codes, barrier, results),
        )
        for n in "bc"
    ]
    started = time.perf_counter()
    for p in counters:
        p.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * REDEMPTIONS)]
    elapsed = time.perf_counter() - started
    for p in counters:
        p.join(60)
        assert p.exitcode == 0
    wins = Counter(code for code, outcome in outcomes if outcome == "ok")
    with ctx.uow() as uow:
        per_code = (
            select(Coupon.code, func.count(Redemption.id))
            .join(Redemption, Redemption.coupon_id == Coupon.id)
            .group_by(Coupon.code)
        )
        saved = {code: n for code, n in uow.session.execute(per_code).all()}
    ctx.close()
    double = sum(1 for code in codes if wins[code] > 1 or saved.get(code, 0) > 1)
    lost = sum(1 for code in codes if wins[code] == 0 or saved.get(code, 0) == 0)
    print(f"\nscans={2 * REDEMPTIONS} in {elapsed:.1f} s (both counters, starting included)")
    print(
        f"BENCH counters processes=2 redemptions={REDEMPTIONS} double={double} lost={lost} "
        f"scans_per_s={2 * REDEMPTIONS / elapsed:.0f}"
    )
    assert double == 0 and lost == 0
