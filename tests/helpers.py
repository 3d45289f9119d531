"""Small builders shared by tests."""

from __future__ import annotations

from app import members
from app.context import AppContext
from app.members import MemberInput, MemberProfile

_PHONE = iter(range(13800000000, 13900000000, 7))


def make_member(
    ctx: AppContext, name: str = "张三", phone: str | None = None, **fields: object
) -> MemberProfile:
    return members.create_member(
        ctx,
        MemberInput(name=name, phone=phone or str(next(_PHONE)), **fields),  # type: ignore[arg-type]
    )


def race_redeem(
    data_dir: str, codes: list[str], barrier: object, results: object, name: str
) -> None:
    """A counter process: for each code, wait for the other counter, then redeem."""
    from app.clock import FakeClock
    from app.context import AppContext
    from app.coupons import CouponError, redeem

    ctx = AppContext.open(data_dir, FakeClock())
    try:
        for code in codes:
            barrier.wait()  # type: ignore[attr-defined]
            try:
                redeem(ctx, code, 30000, name)
                outcome = "ok"
            except CouponError as exc:
                outcome = exc.code
            results.put((code, name, outcome))  # type: ignore[attr-defined]
    finally:
        ctx.close()


def race_points(
    data_dir: str, member_id: int, points: int, barrier: object, results: object
) -> None:
    """A counter process that spends points at the same instant as another."""
    from app.clock import FakeClock
    from app.context import AppContext
    from app.errors import Conflict
    from app.loyalty import redeem_points

    ctx = AppContext.open(data_dir, FakeClock())
    try:
        barrier.wait()  # type: ignore[attr-defined]
        try:
            redeem_points(ctx, member_id, points)
            results.put("ok")  # type: ignore[attr-defined]
        except Conflict as exc:
            results.put(exc.code)  # type: ignore[attr-defined]
    finally:
        ctx.close()


def crash_writer(data_dir: str, confirmed: str) -> None:
    """Records visits as fast as it can; each one is written to `confirmed` only after
    the service returned (what the receptionist saw as saved). Killed from outside."""
    import os

    from app.context import AppContext
    from app.members import MemberInput, create_member, record_visit

    ctx = AppContext.open(data_dir)
    member = create_member(ctx, MemberInput(name="断电测试", phone=str(13900000000 + os.getpid())))
    with open(confirmed, "a", encoding="utf-8") as out:
        amount = 1
        while True:
            record_visit(ctx, member.id, amount, "压力测试")
            out.write(f"{member.id} {amount}\n")
            out.flush()
            os.fsync(out.fileno())
            amount += 1


def crash_runs(base: str, runs: int, seed: int = 1) -> tuple[int, int]:
    """Kills a writer at a random moment `runs` times; returns (lost, corrupt) counts."""
    import multiprocessing
    import os
    import random
    import signal
    import time
    from pathlib import Path

    from sqlalchemy import text

    from app.backup import check_file
    from app.context import AppContext
    from db.engine import DB_FILENAME

    rng = random.Random(seed)
    spawn = multiprocessing.get_context("spawn")
    data_dir = Path(base) / "store"
    AppContext.open(data_dir).close()
    lost = corrupt = 0
    for run in range(runs):
        confirmed = Path(base) / f"confirmed-{run}.txt"
        confirmed.write_text("", encoding="utf-8")
        proc = spawn.Process(target=crash_writer, args=(str(data_dir), str(confirmed)))
        proc.start()
        deadline = time.monotonic() + 60
        while not confirmed.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=30)
        if check_file(data_dir / DB_FILENAME):
            corrupt += 1
        promised = {
            tuple(map(int, line.split()))
            for line in confirmed.read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
        ctx = AppContext.open(data_dir)
        try:
            with ctx.engine.connect() as conn:
                rows = conn.execute(text("SELECT member_id, amount_cents FROM visits"))
                stored = {(member_id, amount) for member_id, amount in rows}
        finally:
            ctx.close()
        lost += len(promised - stored)
    return lost, corrupt
