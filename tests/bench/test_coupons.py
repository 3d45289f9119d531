"""BENCH coupons: rendering 1,000 coupons (QR + Code128, Chinese text) into one PDF."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from app import coupons as cs
from app.bootstrap import open_store
from app.coupons import CouponTerms
from app.coupons import pdf as coupon_pdf

N = 1000


def test_bench_coupon_pdf() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-coupons-"))
    ctx = open_store(folder, system=True)
    camp = cs.create_campaign(
        ctx,
        "festival",
        "中秋回馈 · 满 200 减 50",
        CouponTerms("amount", 5000, min_spend_cents=20000),
    )
    from app.admin.demo import seed_demo

    seed_demo(ctx, N, visits_per_member=0)
    coupons = cs.issue_campaign(ctx, camp.id, list(range(1, N + 1))).coupons  # active members
    coupons += [cs.issue_coupon(ctx, CouponTerms("percent", 15)) for _ in range(N - len(coupons))]
    assert len(coupons) == N
    timings = {}
    for layout in coupon_pdf.LAYOUTS:
        start = time.perf_counter()
        assert coupon_pdf.render(coupons, layout, folder / f"{layout}.pdf", store="悦泉汤泉会馆")
        timings[layout] = time.perf_counter() - start
    ctx.close()
    print("\n" + " ".join(f"{k}_s={v:.2f}" for k, v in timings.items()))
    a4 = timings["a4"]
    print(
        f"BENCH coupons n={N} pdf_s={a4:.2f} per_coupon_ms={a4 * 1000 / N:.2f} "
        f"slowest_layout_s={max(timings.values()):.2f}"
    )
