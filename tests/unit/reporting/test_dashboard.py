"""The dashboard's figures against a small store whose every number is worked out by hand.

The store (times in Beijing, UTC+8; the period is October 2026):
- A, joined 1 Sep: visits 10 Sep ¥100, 5 Oct ¥200, 6 Oct ¥300 -> two returns, both on time
  (fewer than 3 earlier visits: 60 days' grace).
- B, joined 3 Oct: visits 3 Oct ¥500 -> a first visit, not a return.
- C, joined 1 Jan: visits 10, 20, 30 Jan ¥100 each (usual interval 10 days, lapsing after
  15), then 10 Oct ¥1,000 -> a return, late.
- D, joined 15 Oct: four visits of ¥600 on 20-23 Oct (the 4th makes ¥2,400 and 4 visits:
  tier B, but that visit is billed at C), then 24 Oct ¥100 at tier B -> four returns, on time.
- E, joined 1 Aug: a visit at 30 Sep 17:00 UTC (= 1 Oct 01:00 in Beijing) ¥50 counts in
  October; one at 31 Oct 16:30 UTC (= 1 Nov 00:30) ¥70 does not.

October: revenue ¥4,550 over 10 visits; tier B ¥100 (1 visit), tier C ¥4,450 (9 visits);
returns 7, on time 6; new members 2 (B, D).
Surveys in October: 5, 4, 3, 5, 2 -> 3 of 5 satisfied; a 1 in September is outside.
Complaints in October: c1 service/phone answered in time; c2 facilities/counter (urgent)
solved after 7 minutes, never answered; c3 service/counter, never touched; c4 in November.
  response 1 of 2 on time, solution 0 of 1, investigation 1 of 3, answer 1 of 3.
Coupons issued in October: campaign X 4 (1 redeemed), campaign Y 2 (2 redeemed), one
single coupon (not redeemed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app import complaints as cp
from app import reporting as db_
from app.admin.demo import seed_demo
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.members import record_visit
from db.models import DailyTotal
from db.repositories import DashboardRepository
from tests.helpers import counter_meanwhile, make_member, october_store, refused

OCTOBER = db_.Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def store(ctx: AppContext, clock: FakeClock) -> dict[str, int]:
    return october_store(ctx, clock)


def test_visit_figures(ctx: AppContext, store: dict[str, int]) -> None:
    board = db_.compute(ctx, OCTOBER)
    assert board.revenue_cents == 455000
    assert board.visits == 10
    assert board.average_bill_cents == 45500
    tiers = {t.code: t for t in board.by_tier}
    assert (tiers["B"].revenue_cents, tiers["B"].visits) == (10000, 1)
    assert (tiers["C"].revenue_cents, tiers["C"].visits) == (445000, 9)
    assert tiers["VIP"].revenue_cents == tiers["A"].revenue_cents == 0
    assert tiers["B"].share == pytest.approx(100 / 4550)
    assert [t.code for t in board.by_tier] == ["VIP", "A", "B", "C"]
    assert (board.returns, board.on_time_returns) == (7, 6)
    assert board.retention_rate == pytest.approx(6 / 7)
    assert board.new_members == 2
    assert [m.month for m in board.months] == ["2026-10"]
    assert board.months[0].revenue_cents == 455000


def test_satisfaction(ctx: AppContext, store: dict[str, int]) -> None:
    board = db_.compute(ctx, OCTOBER)
    assert (board.surveys, board.satisfied) == (5, 3)
    assert board.satisfaction_rate == pytest.approx(0.6)
    assert board.targets.satisfaction_pct == 90
    assert (board.months[0].surveys, board.months[0].satisfied) == (5, 3)


def test_complaints_and_sla(ctx: AppContext, store: dict[str, int]) -> None:
    board = db_.compute(ctx, OCTOBER)
    assert board.complaints == 3
    assert board.by_category == {"service": 2, "facilities": 1}
    assert board.by_channel == {"phone": 1, "counter": 2}
    rates = {s.stage: (s.decided, s.on_time) for s in board.stages}
    assert rates == {
        "response": (2, 1),
        "solution": (1, 0),
        "investigation": (3, 1),
        "answer": (3, 1),
    }
    assert board.on_time_rate == pytest.approx(3 / 9)


def test_campaign_redemption(ctx: AppContext, store: dict[str, int]) -> None:
    board = db_.compute(ctx, OCTOBER)
    got = {(c.name, c.kind): (c.issued, c.redeemed) for c in board.campaigns}
    assert got == {
        ("国庆", "festival"): (4, 1),
        ("会员日", "member_day"): (2, 2),
        ("", "single"): (1, 0),
    }
    assert board.redemption_rate == pytest.approx(3 / 7)


def test_a_longer_period_has_a_month_per_row(ctx: AppContext, store: dict[str, int]) -> None:
    board = db_.compute(ctx, db_.Period(date(2026, 1, 1), date(2026, 11, 2)))
    months = {m.month: m for m in board.months}
    assert len(months) == 11
    assert months["2026-01"].revenue_cents == 30000
    assert months["2026-02"].revenue_cents == 0
    assert months["2026-09"].revenue_cents == 10000  # E's 30 Sep 17:00 UTC is October
    assert months["2026-11"].revenue_cents == 7000
    assert sum(m.new_members for m in board.months) == 5
    assert board.revenue_cents == 30000 + 10000 + 455000 + 7000


def test_rebuilt_day_book_matches_the_live_one(ctx: AppContext, store: dict[str, int]) -> None:
    def by_day() -> dict[date, tuple[int, ...]]:
        with ctx.uow() as uow:
            t = DailyTotal
            rows = uow.session.execute(
                select(
                    t.day,
                    func.sum(t.visits),
                    func.sum(t.revenue_cents),
                    func.sum(t.returns),
                    func.sum(t.on_time_returns),
                    func.sum(t.new_members),
                ).group_by(t.day)
            )
            return {r[0]: tuple(r[1:]) for r in rows}

    live = by_day()
    assert db_.rebuild_totals(ctx) == 15
    assert by_day() == live
    # Rebuilt, past visits count in the member's current tier: D is now B.
    tiers = {t.code: t.revenue_cents for t in db_.compute(ctx, OCTOBER).by_tier}
    assert tiers["B"] == 250000


def test_bulk_import_marks_the_day_book_stale(ctx: AppContext) -> None:

    seed_demo(ctx, 50, visits_per_member=3)
    assert db_.ensure_totals(ctx) is True
    assert db_.ensure_totals(ctx) is False
    year = db_.Period(date(2022, 6, 1), date(2026, 11, 2))
    board = db_.compute(ctx, year)
    with ctx.uow() as uow:
        total = uow.session.scalar(select(func.sum(DailyTotal.revenue_cents)))
    assert board.revenue_cents == total > 0
    assert board.new_members == 50


def test_drill_downs(ctx: AppContext, store: dict[str, int]) -> None:
    sat = db_.drill(ctx, "satisfaction", OCTOBER)
    assert [r[3] for r in sat.rows] == [2, 5, 3, 4, 5]  # newest first
    assert db_.drill(ctx, "satisfaction", OCTOBER, "unsatisfied").rows[0][3] == 2
    ret = db_.drill(ctx, "retention", OCTOBER)
    assert len(ret.rows) == 7 and sum(1 for r in ret.rows if not r[-1]) == 1
    # A has fewer than 3 earlier visits: no usual interval yet (60 days' grace applies).
    assert {r[4] for r in ret.rows if r[2] == "安二"} == {None}
    assert {r[4] for r in ret.rows if r[2] == "丁四"} == {None, 1}
    late = db_.drill(ctx, "retention", OCTOBER, "late")
    assert [r[2] for r in late.rows] == ["陈一"]
    assert late.member_ids == [store["C"]]
    assert late.rows[0][3] == 253 and late.rows[0][4] == 10  # days since, usual interval
    new = db_.drill(ctx, "new_members", OCTOBER)
    assert [r[2] for r in new.rows] == ["丁四", "白三"]
    cat = db_.drill(ctx, "category", OCTOBER, "service")
    assert len(cat.rows) == 2 and {r[4] for r in cat.rows} == {"phone", "counter"}
    assert len(db_.drill(ctx, "channel", OCTOBER, "counter").rows) == 2
    stage = db_.drill(ctx, "stage", OCTOBER, "response")
    assert sorted(r[-1] for r in stage.rows) == [False, True]
    camp = db_.drill(ctx, "campaign", OCTOBER, str(store["X"]))
    assert len(camp.rows) == 4 and sum(1 for r in camp.rows if r[-1] is not None) == 1
    single = db_.drill(ctx, "campaign", OCTOBER, "")
    assert [r[3] for r in single.rows] == ["尹五"]
    tier = db_.drill(ctx, "tier", OCTOBER, "B")
    assert [r[1] for r in tier.rows] == ["丁四"]
    visits = db_.drill(ctx, "visits", OCTOBER)
    assert len(visits.rows) == 10 and sum(r[4] for r in visits.rows) == 455000
    assert visits.rows[0][2] == "丁四" and visits.rows[-1][2] == "尹五"  # newest first
    september = db_.drill(
        ctx, "visits", db_.Period(date(2026, 1, 1), date(2026, 12, 31)), "2026-09"
    )
    assert [r[4] for r in september.rows] == [10000]  # E's 30 Sep 17:00 UTC is October
    with refused("drill.unknown", ValidationError):
        db_.drill(ctx, "nonsense", OCTOBER)


def test_targets_are_the_stores_own(ctx: AppContext) -> None:
    assert db_.get_targets(ctx) == db_.Targets()
    db_.set_targets(ctx, db_.Targets(satisfaction_pct=85, on_time_pct=90))
    assert db_.get_targets(ctx).satisfaction_pct == 85
    with refused("target.range", ValidationError):
        db_.Targets(satisfaction_pct=120)
    with refused("target.range", ValidationError):
        db_.Targets(retention_pct=-1)


def test_periods() -> None:
    today = date(2026, 11, 22)
    assert db_.Period.preset("this_month", today) == db_.Period(date(2026, 11, 1), today)
    assert db_.Period.preset("last_month", today) == OCTOBER
    assert db_.Period.preset("this_quarter", today).start == date(2026, 10, 1)
    assert db_.Period.preset("this_year", today).start == date(2026, 1, 1)
    assert db_.Period.preset("last_12_months", today).start == date(2025, 12, 1)
    assert db_.Period.preset("last_12_months", date(2026, 12, 5)).start == date(2026, 1, 1)
    assert db_.Period(date(2026, 1, 31), date(2026, 3, 1)).months() == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    with refused("period.order", ValidationError):
        db_.Period(date(2026, 2, 1), date(2026, 1, 1))


def test_rebuild_through_the_portable_queries(
    ctx: AppContext, store: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rebuild's plain-SQL fast path (SQLite) and its portable path (other
    databases) count the same."""

    def totals() -> list[tuple[object, ...]]:
        t = DailyTotal
        columns = (t.day, t.tier, t.visits, t.revenue_cents, t.returns, t.on_time_returns)
        with ctx.uow() as uow:
            rows = uow.session.execute(select(*columns, t.new_members).order_by(t.day, t.tier))
            return [tuple(r) for r in rows]

    db_.rebuild_totals(ctx)
    fast = totals()
    original = DashboardRepository.__init__

    def portable(self: DashboardRepository, session: object) -> None:
        original(self, session)  # type: ignore[arg-type]
        self.sqlite = False

    monkeypatch.setattr(DashboardRepository, "__init__", portable)
    db_.rebuild_totals(ctx)
    assert totals() == fast and len(fast) > 10


def test_a_new_time_zone_recounts_the_days(ctx: AppContext, clock: FakeClock) -> None:

    m = make_member(ctx)
    clock.set(datetime(2026, 10, 31, 17, 0, tzinfo=UTC))  # 1 Nov 01:00 in Beijing
    record_visit(ctx, m.id, 10000)
    november = db_.Period(date(2026, 11, 1), date(2026, 11, 30))
    assert db_.compute(ctx, november).visits == 1
    cp.set_policy(ctx, cp.get_policy(ctx).with_changes(timezone="Europe/London"))
    assert db_.ensure_totals(ctx)  # stale: recounted in the new zone
    assert db_.compute(ctx, november).visits == 0  # 31 Oct 17:00 in London
    cp.set_policy(ctx, cp.get_policy(ctx).with_changes(due_soon_minutes=3))
    assert not db_.ensure_totals(ctx)  # other changes leave the day book alone


def test_previous_period_has_the_same_length() -> None:
    assert OCTOBER.previous() == db_.Period(date(2026, 8, 31), date(2026, 9, 30))
    week = db_.Period(date(2026, 3, 1), date(2026, 3, 7))
    assert week.previous() == db_.Period(date(2026, 2, 22), date(2026, 2, 28))


def _day_book(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.uow() as uow:
        t = DailyTotal
        columns = (t.day, t.tier, t.visits, t.revenue_cents, t.returns, t.on_time_returns)
        rows = uow.session.execute(select(*columns, t.new_members).order_by(t.day, t.tier))
        return [tuple(r) for r in rows]


def test_a_visit_and_a_member_during_a_recount_are_counted(
    ctx: AppContext, clock: FakeClock
) -> None:
    """The recount reads every visit (a minute at a big store) while the counters go on:
    a visit and a new member recorded between its read and its write are in the day book
    it leaves, which is what a recount made afterwards finds. (It used to fail on SQLite,
    "database is locked", and on a server lose them.)"""

    regular = make_member(ctx)
    record_visit(ctx, regular.id, 10000)
    clock.advance(days=3)
    db_.mark_stale(ctx)
    meanwhile: list[int] = []

    def counter_meanwhile(read: int) -> None:
        if not meanwhile:  # all visits read, nothing written yet
            newcomer = make_member(ctx, "王五")
            record_visit(ctx, regular.id, 25000)
            record_visit(ctx, newcomer.id, 5000)
            meanwhile.append(read)

    assert db_.rebuild_totals(ctx, progress=counter_meanwhile) == 1
    assert meanwhile == [1]
    book = _day_book(ctx)
    assert sum(r[3] for r in book) == 40000  # ¥100 + ¥250 + ¥50
    assert sum(r[6] for r in book) == 2
    assert sum(r[4] for r in book) == 1  # the regular's second visit: a return
    assert not db_.totals_stale(ctx)
    db_.rebuild_totals(ctx)
    assert _day_book(ctx) == book


def test_a_recount_leaves_the_book_stale_when_asked_again_meanwhile(ctx: AppContext) -> None:
    """A change of the store's time zone (or a bulk import) during a recount asks for
    another: the recount that ends after it does not say the book is current."""

    db_.mark_stale(ctx)

    def zone_meanwhile(_read: int) -> None:
        cp.set_policy(ctx, cp.get_policy(ctx).with_changes(timezone="Europe/London"))

    db_.rebuild_totals(ctx, progress=zone_meanwhile)
    assert db_.totals_stale(ctx)
    assert db_.ensure_totals(ctx) and not db_.totals_stale(ctx)


def test_a_visit_while_the_recount_is_written_waits_for_it(ctx: AppContext) -> None:
    """A counter that records a visit while the recount is being written waits until it
    is, then adds its visit on top (on a server, without the recount's lock, the visit
    went in between its read of the book and its rewrite, and was lost)."""

    regular = make_member(ctx)
    record_visit(ctx, regular.id, 10000)
    db_.mark_stale(ctx)
    reads: list[str] = []

    def after_the_writes_read(statement: str) -> bool:
        # Between the write's read of the book (its second) and its rewrite.
        if statement.startswith("SELECT daily_totals.day"):
            reads.append(statement)
        return statement.startswith("DELETE FROM daily_totals") and len(reads) == 2

    with counter_meanwhile(
        ctx, after_the_writes_read, lambda: record_visit(ctx, regular.id, 7000)
    ) as counter:
        db_.rebuild_totals(ctx)
    assert len(reads) == 2 and counter
    assert sum(r[3] for r in _day_book(ctx)) == 17000


def test_the_recount_reads_the_book_and_the_visits_at_one_moment(ctx: AppContext) -> None:
    """A visit committed between the recount's first look at the day book and its read of
    the visits is counted once (on a server, each statement read at its own moment: the
    visits had it and so did the difference in the book, and it was counted twice)."""

    regular = make_member(ctx)
    record_visit(ctx, regular.id, 10000)
    db_.mark_stale(ctx)
    with counter_meanwhile(
        ctx,
        lambda sql: sql.startswith("SELECT member_stats.member_id"),
        lambda: record_visit(ctx, regular.id, 7000),
        between=True,
    ) as counter:
        db_.rebuild_totals(ctx)
    assert counter
    book = _day_book(ctx)
    assert (sum(r[2] for r in book), sum(r[3] for r in book)) == (2, 17000)
    db_.rebuild_totals(ctx)
    assert _day_book(ctx) == book
