"""BENCH segments: the loyalty review (tiers both ways, 12-month figures, lapse dates,
RFM segments) over 1,000,000 members and about 5,000,000 visits."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from app import loyalty
from app.context import AppContext
from app.demo import seed_demo
from db.models import Member, Visit

N = int(os.environ.get("BENCH_MEMBERS", "1000000"))
DATA = Path(os.environ.get("BENCH_DATA", "bench-data")) / f"loyalty-{N // 1000}k"


def test_bench_segments_refresh() -> None:
    ctx = AppContext.open(DATA)
    with ctx.uow() as uow:
        have = uow.session.scalar(select(func.count()).select_from(Member)) or 0
    if have < N:
        print(f"building {N:,} members with visits in {DATA} (once)...", flush=True)
        seed_demo(
            ctx,
            N - have,
            visits_per_member=5.2,
            progress=lambda d, t: print(f"\r  {d:,}/{t:,}", end="", flush=True),
        )
        print()
    with ctx.uow() as uow:
        visits = uow.session.scalar(select(func.count()).select_from(Visit)) or 0
    stages: list[str] = []
    result = loyalty.refresh(ctx, progress=lambda stage, done, total: stages.append(stage))
    ctx.close()
    assert result.members == N and "members" in stages
    print(f"\nupgraded={result.upgraded} downgraded={result.downgraded}")
    print(f"BENCH segments members={N} visits={visits} refresh_s={result.seconds:.1f}")
