"""Bench data sets, built once into bench-data/ (git-ignored) and shared by benchmarks."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import func, select

from app import members
from app.admin.demo import seed_demo
from app.bootstrap import open_store
from app.core.context import AppContext
from db.models import Member, Visit

N = int(os.environ.get("BENCH_MEMBERS", "1000000"))
DATA = Path(os.environ.get("BENCH_DATA", "bench-data")) / f"loyalty-{N // 1000}k"


def loyalty_store(n: int = N) -> tuple[AppContext, int]:
    """The 1M-member / 5M-visit store (opened; built on first use). Returns (ctx, visits)."""
    ctx = open_store(DATA, system=True)
    with ctx.uow() as uow:
        have = uow.session.scalar(select(func.count()).select_from(Member)) or 0
    if have < n:
        print(f"building {n:,} members with visits in {DATA} (once)...", flush=True)
        seed_demo(
            ctx,
            n - have,
            visits_per_member=5.2,
            progress=lambda d, t: print(f"\r  {d:,}/{t:,}", end="", flush=True),
        )
        print()
    with ctx.uow() as uow:
        visits = uow.session.scalar(select(func.count()).select_from(Visit)) or 0
    if visits < 5 * n:
        visits += _top_up(ctx, 5 * n - visits)
    if not members.search_keys_current(ctx):
        # Built by an older version: its keys made again once, as the first start after
        # an upgrade does in the background (so a start measured here does not).
        print(f"rebuilding the search keys of {n:,} members (once)...", flush=True)
        started = time.perf_counter()
        members.rebuild_search_keys(ctx, batch=20_000)
        print(f"BENCH search_keys_rebuild members={n} s={time.perf_counter() - started:.0f}")
    return ctx, visits


def _top_up(ctx: AppContext, extra: int) -> int:
    """Adds one recent visit to each of the first `extra` members (totals kept right),
    so the data set has the five million visits the target speaks of."""
    from datetime import timedelta

    from sqlalchemy import case, insert, update

    when = ctx.clock.now() - timedelta(days=10)
    rows = [
        {
            "member_id": i,
            "visited_at": when,
            "amount_cents": 9800,
            "items": "汗蒸",
            "staff": "王丽",
            "created_at": when,
        }
        for i in range(1, extra + 1)
    ]
    with ctx.engine.begin() as conn:
        conn.execute(insert(Visit.__table__), rows)  # type: ignore[arg-type]
        conn.execute(
            update(Member)
            .where(Member.id <= extra)
            .values(
                visit_count=Member.visit_count + 1,
                lifetime_spend_cents=Member.lifetime_spend_cents + 9800,
                last_visit_at=case(
                    (Member.last_visit_at.is_(None), when),
                    (Member.last_visit_at < when, when),
                    else_=Member.last_visit_at,
                ),
            )
        )
    return extra
