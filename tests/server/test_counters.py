"""Several counters, one store, on a real PostgreSQL server (make test-pg).

Exactly once across counters, saves repeated after a lost answer, the server going away
and coming back, the other counters' changes arriving live, a store moved onto the server,
and backups through pg_dump / pg_restore."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import coupons, members
from app.admin import backup as bk
from app.admin.demo import seed_demo
from app.admin.move import move_to_server
from app.bootstrap import open_store
from app.core import audit, live
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import Conflict, FrontdeskError
from app.coupons import CouponTerms
from app.loyalty import adjust_points, balance
from db import transfer
from db.engine import make_engine
from db.models import Visit
from tests import pg
from tests.helpers import make_member
from tests.server import workers

pytestmark = pytest.mark.server_only
SPAWN = multiprocessing.get_context("spawn")


def _run(processes: list[multiprocessing.process.BaseProcess], timeout: float = 300) -> None:
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout)
        assert p.exitcode == 0, f"{p.name} ended with {p.exitcode}"


def _drain(queue: object, n: int) -> list[object]:
    return [queue.get(timeout=60) for _ in range(n)]  # type: ignore[attr-defined]


def test_two_counters_redeem_500_coupons_each_exactly_once(ctx: AppContext, data_dir: Path) -> None:
    codes = [coupons.issue_coupon(ctx, CouponTerms("amount", 1000)).code for _ in range(500)]
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    _run(
        [
            SPAWN.Process(
                target=workers.redeem_each, args=(str(data_dir), ctx.clock, codes, barrier, results)
            )
            for _ in range(2)
        ]
    )
    outcomes = _drain(results, 1000)
    wins = Counter(code for code, outcome in outcomes if outcome == "ok")  # type: ignore[misc]
    assert set(wins) == set(codes) and set(wins.values()) == {1}  # one win per code
    assert Counter(o for _c, o in outcomes) == {"ok": 500, "coupon.used": 500}  # type: ignore[misc]
    with ctx.uow() as uow:
        assert uow.session.scalar(text("SELECT count(*) FROM redemptions")) == 500


def test_two_counters_spend_points_never_below_zero(ctx: AppContext, data_dir: Path) -> None:
    m = make_member(ctx)
    adjust_points(ctx, m.id, 500, "开卡赠送")
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    _run(
        [
            SPAWN.Process(
                target=workers.spend_each, args=(str(data_dir), m.id, 500, barrier, results)
            )
            for _ in range(2)
        ]
    )
    outcomes = Counter(_drain(results, 1000))
    assert outcomes == {"ok": 500, "points.not_enough": 500}
    assert balance(ctx, m.id) == 0


def test_a_save_repeated_after_a_lost_answer_is_done_once(ctx: AppContext, data_dir: Path) -> None:
    m = make_member(ctx)
    request = uuid.uuid4().hex
    first = members.record_visit(ctx, m.id, 8800, "搓澡", request_id=request)
    again = members.record_visit(ctx, m.id, 8800, "搓澡", request_id=request)
    assert again == first
    # The repeat racing the original at the same instant, from two processes.
    twin = uuid.uuid4().hex
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    _run(
        [
            SPAWN.Process(
                target=workers.same_visit_twice, args=(str(data_dir), m.id, twin, barrier, results)
            )
            for _ in range(2)
        ]
    )
    ids = _drain(results, 2)
    assert ids[0] == ids[1]
    assert members.get_profile(ctx, m.id).visit_count == 2
    # A redemption repeated: the same answer, not "already used".
    code = coupons.issue_coupon(ctx, CouponTerms("amount", 1000)).code
    attempt = uuid.uuid4().hex
    done = coupons.redeem(ctx, code, 30000, request_id=attempt)
    assert coupons.redeem(ctx, code, 30000, request_id=attempt) == done
    with pytest.raises(coupons.CouponError, match=r"coupon\.used"):
        coupons.redeem(ctx, code, 30000, request_id=uuid.uuid4().hex)  # another attempt


def test_server_stopped_mid_visits_every_visit_is_there_exactly_once(
    ctx: AppContext, data_dir: Path, tmp_path: Path
) -> None:
    m = make_member(ctx)
    log = tmp_path / "confirmed.txt"
    writer = SPAWN.Process(
        target=workers.visits_through_outage, args=(str(data_dir), m.id, 60, str(log))
    )
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while (
            not log.exists() or len(log.read_text().split()) < 10
        ) and time.monotonic() < deadline:
            time.sleep(0.05)
        pg.stop_server()  # mid-visit: the back-office PC restarts
        time.sleep(3)
    finally:
        pg.start_server()
    writer.join(180)
    assert writer.exitcode == 0
    confirmed = log.read_text().split()
    assert len(confirmed) == 60 == len(set(confirmed))
    with ctx.uow() as uow:  # the pool reconnects by itself (pre-ping)
        visits = uow.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.member_id == m.id)
        )
    assert visits == 60
    assert members.get_profile(ctx, m.id).visit_count == 60


def test_other_counters_changes_arrive_live_and_after_a_reconnect(
    ctx: AppContext, data_dir: Path
) -> None:
    heard: list[set[str]] = []
    states: list[bool] = []
    got = threading.Event()

    def changed(topics: set[str]) -> None:
        heard.append(topics)
        got.set()

    watch = live.watch(ctx, changed, states.append)
    assert watch is not None
    try:
        deadline = time.monotonic() + 10
        while not watch.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert states == [True]
        time.sleep(0.2)
        heard.clear()
        got.clear()
        # Another counter (another process) creates a member.
        started = time.monotonic()
        _run(
            [
                SPAWN.Process(
                    target=workers.create_member, args=(str(data_dir), "王五", "13700001111")
                )
            ]
        )
        assert got.wait(5), "no notification from the other counter"
        assert any(live.MEMBERS in topics for topics in heard)
        assert time.monotonic() - started < 15  # (process start included)
        # The server drops the listener's connection: it says so, comes back, refreshes all.
        heard.clear()
        assert pg.terminate(ctx.engine, "%(live)") == 1
        deadline = time.monotonic() + 20
        while states[-1:] != [True] or len(states) < 3:
            assert time.monotonic() < deadline, states
            time.sleep(0.05)
        assert states == [True, False, True]
        assert any(set(live.TOPICS) <= topics for topics in heard)
    finally:
        watch.stop()


def test_a_counters_own_changes_are_not_echoed(ctx: AppContext) -> None:
    heard: list[set[str]] = []
    watch = live.watch(ctx, heard.append, lambda up: None)
    assert watch is not None
    try:
        deadline = time.monotonic() + 10
        while not watch.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        heard.clear()
        make_member(ctx)
        time.sleep(1.5)
        assert heard == []  # its own pages were told at once, by the change signal
    finally:
        watch.stop()


def test_move_a_store_to_the_server(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_database: str
) -> None:
    monkeypatch.delenv("FRONTDESK_DB_URL")
    single = tmp_path / "counter"
    store = open_store(single, FakeClock(), system=True)  # one counter's SQLite file
    try:
        seed_demo(store, 300, batch=100)
        m = make_member(store, "赵六", "13600001234")
        members.record_visit(store, m.id, 12800, "搓澡")
        coupons.issue_coupon(store, CouponTerms("amount", 1000), member_id=m.id)
        audit.log(store, "settings", "store", "before the move")
    finally:
        store.close()
    sqlite_file = single / "frontdesk.sqlite3"
    report = move_to_server(sqlite_file, store_database)
    assert report.rows["members"] == 301 and report.rows["visits"] > 300
    source = transfer.checksums(make_engine(sqlite_file))
    server = open_store(data_dir, FakeClock(), db_url=store_database, system=True)
    try:
        assert transfer.checksums(server.engine) == source
        assert audit.verify(server) is None
        # The next insert of every kind gets a fresh id (the sequences were moved on).
        n = make_member(server, "新会员", "13600009999")
        assert n.id == 302
        members.record_visit(server, n.id, 5000)
        coupons.issue_coupon(server, CouponTerms("amount", 500), member_id=n.id)
        assert members.search(server, "赵六").rows[0].name == "赵六"
    finally:
        server.close()
    with pytest.raises(Conflict, match=r"db\.not_empty"):
        move_to_server(sqlite_file, store_database)


def test_server_backup_and_restore_with_pg_dump(
    ctx: AppContext, data_dir: Path, tmp_path: Path, store_database: str
) -> None:
    seed_demo(ctx, 120, batch=60)
    info = bk.backup_now(ctx, tmp_path / "usb")
    assert info.path.suffix == ".dump" and not bk.check_file(info.path)
    shown = bk.preview(info.path)
    assert shown.ok and shown.members == 120
    make_member(ctx, "备份后", "13500001111")  # after the backup: gone after the restore
    bk.schedule_restore(ctx, info.path)
    # Another counter still connected: the restore waits, saying why.
    with pytest.raises(FrontdeskError, match=r"backup\.others_connected"):
        bk.apply_pending_restore(data_dir, store_database)
    ctx.close()
    kept = bk.apply_pending_restore(data_dir, store_database)
    assert kept is not None and kept.exists()
    again = open_store(data_dir, ctx.clock, system=True)
    try:
        report = bk.finish_restore(again)
        assert report is not None and report.carried >= 1  # the scheduling itself
        assert members.search(again, "13500001111").rows == []
        assert audit.verify(again) is None
        actions = [e.action for e in audit.entries(again, limit=5)]
        assert actions[0] == "backup.restored"
    finally:
        again.close()
