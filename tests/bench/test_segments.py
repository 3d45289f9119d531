"""BENCH segments: the loyalty review (tiers both ways, 12-month figures, lapse dates,
RFM segments) over 1,000,000 members and about 5,000,000 visits."""

from __future__ import annotations

from app import loyalty
from tests.bench.stores import N, loyalty_store


def test_bench_segments_refresh() -> None:
    ctx, visits = loyalty_store(N)
    # Worst case first: forget every member's figures so the review rewrites them all.
    from sqlalchemy import delete

    from db.models import MemberStats

    with ctx.engine.begin() as conn:
        conn.execute(delete(MemberStats))
    stages: list[str] = []
    full = loyalty.refresh(ctx, progress=lambda stage, done, total: stages.append(stage))
    steady = loyalty.refresh(ctx)  # next month's review with nothing new: the common case
    ctx.close()
    assert full.members >= 0.8 * N and "members" in stages  # members who ever came
    print(
        f"\nupgraded={full.upgraded} downgraded={full.downgraded} "
        f"steady_refresh_s={steady.seconds:.1f}"
    )
    print(f"BENCH segments members={N} visits={visits} refresh_s={full.seconds:.1f}")
