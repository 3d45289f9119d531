"""BENCH dashboard: every figure of the manager's dashboard for a year, on the store with
1,000,000 members and about 5,000,000 visits, plus a year of complaints (with their
deadlines), surveys and campaign coupons."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, insert, select

from app import reporting as dashboard
from app.core.context import AppContext
from db.models import Campaign, Complaint, ComplaintDeadline, Coupon, Survey
from tests.bench.stores import N, loyalty_store
from ui.dashboard.page import DashboardPage

COMPLAINTS, SURVEYS, COUPONS, CAMPAIGNS = 5_000, 100_000, 200_000, 12


def _activity(ctx: AppContext) -> None:
    """A year of complaints, surveys and coupons, bulk-inserted once."""
    with ctx.uow() as uow:
        if (uow.session.scalar(select(func.count()).select_from(Complaint)) or 0) >= COMPLAINTS:
            return
    rng = random.Random(7)
    now = ctx.clock.now()

    def when() -> object:
        return now - timedelta(days=rng.uniform(0, 365))

    complaints, deadlines = [], []
    for i in range(1, COMPLAINTS + 1):
        at = when()
        complaints.append(
            {
                "id": i,
                "member_id": rng.randint(1, N),
                "channel": rng.choice(("counter", "phone", "online", "review")),
                "category": rng.choice(("service", "hygiene", "food", "price", "facilities")),
                "severity": "normal",
                "description": "…",
                "status": "closed",
                "created_at": at,
                "updated_at": at,
            }
        )
        for stage, hours in (("response", 0.25), ("investigation", 24), ("answer", 72)):
            due = at + timedelta(hours=hours)  # type: ignore[operator]
            met = at + timedelta(hours=hours * rng.uniform(0.2, 1.3))  # type: ignore[operator]
            deadlines.append({"complaint_id": i, "stage": stage, "due_at": due, "met_at": met})
    surveys = [
        {"member_id": rng.randint(1, N), "score": rng.choice((5, 5, 4, 4, 3, 2)), "at": when()}
        for _ in range(SURVEYS)
    ]
    campaigns = [
        {
            "id": i,
            "kind": "festival",
            "name": f"活动 {i}",
            "coupon_kind": "amount",
            "value": 1000,
            "valid_days": 30,
            "per_member": 1,
            "created_at": now,
        }
        for i in range(1, CAMPAIGNS + 1)
    ]
    coupons = []
    for i in range(COUPONS):
        at = when()
        coupons.append(
            {
                "code": f"B{i:011d}",
                "campaign_id": rng.randint(1, CAMPAIGNS),
                "member_id": rng.randint(1, N),
                "kind": "amount",
                "value": 1000,
                "valid_from": date(2026, 1, 1),
                "valid_to": date(2027, 1, 1),
                "issued_at": at,
                "used_at": at if rng.random() < 0.3 else None,
            }
        )
    with ctx.engine.begin() as conn:
        conn.execute(insert(Complaint.__table__), complaints)  # type: ignore[arg-type]
        conn.execute(insert(ComplaintDeadline.__table__), deadlines)  # type: ignore[arg-type]
        conn.execute(insert(Survey.__table__), surveys)  # type: ignore[arg-type]
        conn.execute(insert(Campaign.__table__), campaigns)  # type: ignore[arg-type]
        conn.execute(insert(Coupon.__table__), coupons)  # type: ignore[arg-type]


def prepared_store() -> tuple[AppContext, int, float]:
    """The loyalty store with its day book recounted (timed) and a year of activity."""
    ctx, visits = loyalty_store(N)
    # The day book recounted from every visit (what an upgraded store does once).
    started = time.perf_counter()
    dashboard.rebuild_totals(ctx)
    rebuild_s = time.perf_counter() - started
    _activity(ctx)
    return ctx, visits, rebuild_s


def measure_dashboard(ctx: AppContext) -> tuple[dashboard.Dashboard, list[float], list[float]]:
    """Seven computations of the year's figures; five reloads of the page with its charts."""
    today = ctx.clock.now().date()
    year = dashboard.Period(today - timedelta(days=364), today)
    times = []
    for _ in range(7):
        board = dashboard.compute(ctx, year)
        times.append(board.computed_ms)
    page = DashboardPage(ctx)
    page.resize(1400, 860)
    page.show()
    page.start.setDate(QDate(year.start))
    page.end.setDate(QDate(year.end))
    shown = []
    for _ in range(5):
        started = time.perf_counter()
        page.reload()
        page.grab()
        QApplication.processEvents()
        shown.append((time.perf_counter() - started) * 1000)
    page.close()
    assert board.visits > 0 and board.complaints > 0 and board.surveys > 0
    return board, times, shown


def dashboard_line(
    name: str, visits: int, board: dashboard.Dashboard, times: list[float], shown: list[float]
) -> str:
    print(
        f"\nyear: revenue={board.revenue_cents / 100:,.0f} visits={board.visits:,} "
        f"first_ms={times[0]:.1f} max_ms={max(times):.1f} "
        f"page_with_charts_ms={statistics.median(shown):.1f}"
    )
    return f"BENCH {name} members={N} visits={visits} refresh_ms={statistics.median(times):.1f}"


def test_bench_dashboard_year() -> None:
    ctx, visits, rebuild_s = prepared_store()
    board, times, shown = measure_dashboard(ctx)
    ctx.close()
    print(f"\nday_book_rebuild_s={rebuild_s:.1f}", end="")
    print(dashboard_line("dashboard", visits, board, times, shown))
