"""Tiers, the points ledger, segments and care lists on a seeded store with a fake clock."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from app import loyalty as ly
from app.complaints import ComplaintInput, log_complaint
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import Conflict, ValidationError
from app.members import get_profile, record_visit
from db.models import Member, MemberStats, PointsEntry
from tests.helpers import counter_meanwhile, make_member, race_points, refused


def _ledger(ctx: AppContext, member_id: int) -> int:
    """The sum of the member's points ledger (what the balance must always be)."""
    with ctx.uow() as uow:
        total = uow.session.scalar(
            select(func.sum(PointsEntry.points)).where(PointsEntry.member_id == member_id)
        )
    return int(total or 0)


def tier_of(ctx: AppContext, member_id: int) -> str:
    return ly.tier_of(ctx, member_id)


class TestTiers:
    def test_upgrade_on_the_visit_that_crosses_the_line(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        m = make_member(ctx)
        for _ in range(3):
            record_visit(ctx, m.id, 50000)
            clock.advance(days=1)
        assert tier_of(ctx, m.id) == "C"  # ¥1,500 and 3 visits: B needs ¥2,000 and 4
        record_visit(ctx, m.id, 49999)
        assert tier_of(ctx, m.id) == "C"  # 4 visits but ¥1,999.99
        record_visit(ctx, m.id, 1)
        assert tier_of(ctx, m.id) == "B"  # exactly ¥2,000.00 over 5 visits
        history = ly.tier_history(ctx, m.id)
        assert history[0].to_tier == "B" and "upgrade" in history[0].reason

    def test_review_downgrades_after_a_quiet_year(self, ctx: AppContext, clock: FakeClock) -> None:
        m = make_member(ctx)
        for _ in range(4):
            record_visit(ctx, m.id, 60000)
        assert tier_of(ctx, m.id) == "B"
        clock.advance(days=200)
        assert ly.refresh(ctx).downgraded == 0  # still inside 12 months
        clock.advance(days=166)
        result = ly.refresh(ctx)
        assert result.downgraded == 1 and tier_of(ctx, m.id) == "C"
        assert "downgrade" in ly.tier_history(ctx, m.id)[0].reason
        assert ly.refresh(ctx).downgraded == 0  # recorded once

    def test_review_also_upgrades_and_segments(self, ctx: AppContext, clock: FakeClock) -> None:
        big = make_member(ctx, "大客户")
        small = make_member(ctx, "小客户")
        never = make_member(ctx, "没来过")
        for i in range(24):
            record_visit(ctx, big.id, 100000, visited_at=clock.now() - timedelta(days=300 - i))
        record_visit(ctx, small.id, 5000)
        ly.refresh(ctx)
        assert tier_of(ctx, big.id) == "VIP"
        # big: last came 277 days ago (R1), 24 visits (F3), top spend (M3); small: today,
        # once, the lower of two spenders; never: no visit, no segment ("—").
        assert ly.segment_counts(ctx) == {"R1F3M3": 1, "R3F1M2": 1, "—": 1}
        assert tier_of(ctx, never.id) == "C"

    def test_boundary_tiers(self) -> None:
        tiers = [
            ly.TierView("VIP", "VIP", 4, 2_000_000, 24, 12, 200),
            ly.TierView("C", "C", 1, 0, 0, 0, 100),
        ]
        assert ly.qualifying_tier(tiers, 2_000_000, 24).code == "VIP"
        assert ly.qualifying_tier(tiers, 1_999_999, 24).code == "C"
        assert ly.qualifying_tier(tiers, 2_000_000, 23).code == "C"

    def test_manager_edits_tiers(self, ctx: AppContext) -> None:
        tiers = ly.list_tiers(ctx)
        renamed = [
            ly.TierView(
                t.code,
                "钻石" if t.code == "VIP" else t.name,
                t.rank,
                t.min_spend_cents,
                t.min_visits,
                t.discount_percent,
                t.points_per_100,
            )
            for t in tiers
        ]
        assert ly.set_tiers(ctx, renamed)[0].name == "钻石"
        broken = [*renamed[:-1], ly.TierView("C", "C", 1, 100, 0, 0, 100)]
        with refused("tier.base", ValidationError):
            ly.set_tiers(ctx, broken)
        inverted = [ly.TierView("VIP", "VIP", 4, 100, 1, 0, 100), *renamed[1:]]
        with refused("tier.order", ValidationError):
            ly.set_tiers(ctx, inverted)
        # A better tier never gives less: B at 15 % off while A gets 8 % is refused.
        by_code = {t.code: t for t in renamed}
        upside_down = [
            t if t.code != "B" else ly.TierView(
                "B", t.name, t.rank, t.min_spend_cents, t.min_visits,
                by_code["A"].discount_percent + 5, t.points_per_100,
            )
            for t in renamed
        ]  # fmt: skip
        with refused("tier.benefit_order", ValidationError, tier="A", lower="B"):
            ly.set_tiers(ctx, upside_down)
        assert [t.discount_percent for t in ly.list_tiers(ctx)] == [
            t.discount_percent for t in renamed
        ]


class TestPoints:
    def test_earn_by_tier_redeem_and_never_negative(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        record_visit(ctx, m.id, 12850)  # ¥128.50 at C: 1 point per yuan
        assert ly.balance(ctx, m.id) == 128
        assert ly.redeem_points(ctx, m.id, 100, "抵扣 ¥1") == 28
        with pytest.raises(Conflict) as err:
            ly.redeem_points(ctx, m.id, 29)
        assert err.value.code == "points.not_enough" and err.value.params["have"] == 28
        assert ly.balance(ctx, m.id) == 28
        kinds = [line.kind for line in ly.points_history(ctx, m.id)]
        assert kinds == ["redeem", "earn"]
        with refused("points.invalid", ValidationError):
            ly.redeem_points(ctx, m.id, -5)

    def test_higher_tier_earns_more(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        for _ in range(4):
            record_visit(ctx, m.id, 50000)  # the 4th visit lifts the member to B
        record_visit(ctx, m.id, 10000)  # at B: 1.2 points per yuan
        assert ly.points_history(ctx, m.id)[0].points == 120

    def test_points_become_a_coupon_all_or_nothing(self, ctx: AppContext) -> None:
        from app.coupons import member_coupons

        m = make_member(ctx)
        ly.adjust_points(ctx, m.id, 1000, "开业")
        coupon = ly.exchange_for_coupon(ctx, m.id, 500, "生日兑换")
        assert coupon.kind == "amount" and coupon.value == 500  # ¥5.00
        assert ly.balance(ctx, m.id) == 500
        with refused("points.not_enough", Conflict):
            ly.exchange_for_coupon(ctx, m.id, 600)
        with refused("points.coupon", ValidationError):
            ly.exchange_for_coupon(ctx, m.id, 150)
        assert len(member_coupons(ctx, m.id)) == 1  # nothing issued for the refused ones
        assert ly.balance(ctx, m.id) == 500

    def test_adjust_needs_reason_and_cannot_go_below_zero(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        assert ly.adjust_points(ctx, m.id, 500, "开业补发") == 500
        with refused("field.required", ValidationError):
            ly.adjust_points(ctx, m.id, 10, " ")
        with refused("points.not_enough", Conflict):
            ly.adjust_points(ctx, m.id, -501, "纠错")
        assert ly.adjust_points(ctx, m.id, -200, "纠错") == 300

    def test_expiry_takes_only_unspent_old_points(self, ctx: AppContext, clock: FakeClock) -> None:
        m = make_member(ctx)
        record_visit(ctx, m.id, 10000)  # 100 points, expire in a year
        clock.advance(days=200)
        record_visit(ctx, m.id, 5000)  # 50 points
        ly.redeem_points(ctx, m.id, 30)  # spends the oldest first
        clock.advance(days=166)
        assert ly.expire_points(ctx) == 70
        assert ly.balance(ctx, m.id) == 50
        assert ly.expire_points(ctx) == 0  # once
        with ctx.uow() as uow:
            ledger = uow.session.scalar(
                select(func.sum(PointsEntry.points)).where(PointsEntry.member_id == m.id)
            )
        assert ledger == ly.balance(ctx, m.id)  # the balance is the ledger's sum

    def test_points_past_their_year_cannot_be_spent_before_the_expiry_runs(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        """The expiry runs once a day (and after the review): points past their year in
        between are not the member's any more. Spending them was allowed, and left the
        batch's points to expire again, below zero: the expiry then failed every day for
        every member ("CHECK constraint failed")."""
        m = make_member(ctx)
        record_visit(ctx, m.id, 50000)  # 500 points
        clock.advance(days=200)
        record_visit(ctx, m.id, 20000)  # 200 points, still good
        clock.advance(days=166)  # the first batch is past its year; no expiry yet
        assert ly.balance(ctx, m.id) == 200
        assert get_profile(ctx, m.id).points_balance == 200
        with pytest.raises(Conflict) as err:
            ly.redeem_points(ctx, m.id, 300)
        assert err.value.params["have"] == 200
        assert ly.redeem_points(ctx, m.id, 150) == 50  # the good batch
        assert ly.expire_points(ctx) == 0  # the spend expired the old one first
        kinds = [(line.kind, line.points) for line in ly.points_history(ctx, m.id)]
        assert kinds == [("redeem", -150), ("expire", -500), ("earn", 200), ("earn", 500)]
        assert ly.balance(ctx, m.id) == _ledger(ctx, m.id) == 50

    def test_the_expiry_mends_a_balance_an_earlier_version_spent_from_expired_points(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        """A store where that happened (500 expired points, 300 of them spent before the
        expiry ran): the expiry takes what is left, 200, and runs again for everyone."""
        m = make_member(ctx)
        other = make_member(ctx, "李四")
        record_visit(ctx, m.id, 50000)
        record_visit(ctx, other.id, 10000)
        clock.advance(days=366)
        with ctx.uow() as uow:  # as an earlier version's redeem left it
            uow.session.execute(update(Member).where(Member.id == m.id).values(points_balance=200))
            uow.session.add(PointsEntry(member_id=m.id, at=clock.now(), kind="redeem", points=-300))
            uow.commit()
        assert ly.expire_points(ctx) == 300  # 200 of this member's, 100 of the other's
        assert ly.balance(ctx, m.id) == _ledger(ctx, m.id) == 0
        assert ly.balance(ctx, other.id) == _ledger(ctx, other.id) == 0
        assert ly.expire_points(ctx) == 0

    def test_a_redeem_while_the_expiry_runs_waits_for_it(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        """A counter redeems a member's points while the daily expiry takes that member's
        old ones: one after the other, the balance always the ledger's sum and never
        below zero (on a server the expiry used to work from batches read before the
        redeem, and took the same points twice)."""
        m = make_member(ctx)
        record_visit(ctx, m.id, 50000)
        clock.advance(days=200)
        record_visit(ctx, m.id, 20000)
        clock.advance(days=166)
        outcome: list[object] = []

        def redeem() -> None:
            try:
                outcome.append(ly.redeem_points(ctx, m.id, 150))
            except Conflict as exc:
                outcome.append(exc.code)

        with counter_meanwhile(ctx, lambda sql: sql.startswith("UPDATE points_entries"), redeem):
            assert ly.expire_points(ctx) == 500
        assert outcome == [50]
        assert ly.balance(ctx, m.id) == _ledger(ctx, m.id) == 50

    @pytest.mark.sqlite_only("SQLite's query plans")
    def test_the_daily_expiry_reads_only_the_expiring_index(
        self, ctx: AppContext, data_dir: Path, clock: FakeClock
    ) -> None:
        """Run at every start: its reads are index ranges, never a walk over every
        member's ledger (a DISTINCT once made the planner do that: 0.07 s a start at 1M
        members)."""
        m = make_member(ctx)
        record_visit(ctx, m.id, 50000)
        clock.advance(days=366)
        statements: list[tuple[str, Any]] = []

        def seen(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
            if statement.startswith("SELECT") and "points_entries" in statement:
                statements.append((statement, params))

        event.listen(ctx.engine, "before_cursor_execute", seen)
        try:
            assert ly.expire_points(ctx) == 500
        finally:
            event.remove(ctx.engine, "before_cursor_execute", seen)
        assert statements
        with sqlite3.connect(data_dir / "frontdesk.sqlite3") as con:
            for statement, params in statements:
                plan = " / ".join(
                    r[3] for r in con.execute(f"EXPLAIN QUERY PLAN {statement}", params)
                )
                assert "SCAN points_entries" not in plan, (statement, plan)

    def test_two_counters_cannot_overspend(self, ctx: AppContext, data_dir: Path) -> None:
        m = make_member(ctx)
        ly.adjust_points(ctx, m.id, 100, "test")
        spawn = multiprocessing.get_context("spawn")
        barrier, results = spawn.Barrier(2), spawn.Queue()
        workers = [
            spawn.Process(target=race_points, args=(str(data_dir), m.id, 80, barrier, results))
            for _ in range(2)
        ]
        for w in workers:
            w.start()
        outcomes = sorted(results.get(timeout=120) for _ in workers)
        for w in workers:
            w.join(timeout=60)
        assert outcomes == ["ok", "points.not_enough"]
        assert ly.balance(ctx, m.id) == 20


class TestCare:
    @pytest.fixture
    def store(self, ctx: AppContext, clock: FakeClock) -> dict[str, int]:
        """A small seeded store: regulars, a lapsing weekly guest, a birthday, a complaint."""
        clock.set(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        ids = {}
        weekly = make_member(ctx, "每周来", birthday=date(1990, 11, 5))
        ids["weekly"] = weekly.id
        for week in range(10):
            record_visit(
                ctx, weekly.id, 20000, visited_at=clock.now() - timedelta(days=120 - 7 * week)
            )
        monthly = make_member(ctx, "每月来")
        ids["monthly"] = monthly.id
        for month in range(5):
            record_visit(
                ctx,
                monthly.id,
                30000,
                visited_at=clock.now() - timedelta(days=30 * (4 - month) + 1),
            )
        newbie = make_member(ctx, "新客")
        ids["newbie"] = newbie.id
        record_visit(ctx, newbie.id, 10000, visited_at=clock.now() - timedelta(days=20))
        unhappy = make_member(ctx, "投诉客", birthday=date(1980, 12, 25))
        ids["unhappy"] = unhappy.id
        log_complaint(ctx, ComplaintInput("counter", "service", "等太久", member_id=unhappy.id))
        return ids

    def test_lapsing_uses_each_members_own_rhythm(
        self, ctx: AppContext, clock: FakeClock, store: dict[str, int]
    ) -> None:
        # The weekly guest last came 57 days ago: 8x their usual week. The monthly guest
        # came yesterday; the newbie 20 days ago (60-day default until 3 visits).
        assert [r.id for r in ly.lapsing(ctx)] == [store["weekly"]]
        clock.advance(days=45)
        assert store["newbie"] in {r.id for r in ly.lapsing(ctx)}
        ly.refresh(ctx)  # the review computes the same dates
        assert store["newbie"] in {r.id for r in ly.lapsing(ctx)}

    def test_birthdays_and_complaints(self, ctx: AppContext, store: dict[str, int]) -> None:
        assert [r.id for r in ly.birthdays_this_week(ctx)] == [store["weekly"]]
        assert [r.id for r in ly.complaint_care(ctx)] == [store["unhappy"]]

    def test_follow_ups(self, ctx: AppContext, clock: FakeClock, store: dict[str, int]) -> None:
        f = ly.schedule_follow_up(
            ctx, store["unhappy"], clock.now() + timedelta(hours=3), "小李", "回访投诉处理结果"
        )
        later = ly.schedule_follow_up(
            ctx, store["weekly"], clock.now() + timedelta(days=5), "小李", "邀请回店"
        )
        assert [v.id for v in ly.due_follow_ups(ctx)] == [f.id]
        done = ly.complete_follow_up(ctx, f.id, "客人满意")
        assert done.done_at == clock.now()
        with refused("follow_up.done", Conflict):
            ly.complete_follow_up(ctx, f.id, "again")
        with refused("field.required", ValidationError):
            ly.schedule_follow_up(ctx, store["weekly"], clock.now(), "小李", "")
        clock.advance(days=5)
        assert [v.id for v in ly.due_follow_ups(ctx)] == [later.id]  # due today (10:00)

    def test_surveys_by_month(
        self, ctx: AppContext, clock: FakeClock, store: dict[str, int]
    ) -> None:
        for score in (5, 4, 2):
            ly.record_survey(ctx, score, member_id=store["weekly"])
        clock.advance(days=31)
        ly.record_survey(ctx, 5, "很好")
        with refused("survey.score", ValidationError):
            ly.record_survey(ctx, 6)
        assert ly.satisfaction_by_month(ctx) == [("2026-11", 3, 2 / 3), ("2026-12", 1, 1.0)]

    def test_pareto(self, ctx: AppContext, clock: FakeClock, store: dict[str, int]) -> None:
        rows = ly.revenue_by_tier(ctx, clock.now() - timedelta(days=365), clock.now())
        assert [code for code, _, _ in rows] == ["VIP", "A", "B", "C"]
        assert sum(share for _, _, share in rows) == pytest.approx(1.0)
        assert get_profile(ctx, store["weekly"]).lifetime_spend_cents == 200000


@pytest.mark.sqlite_only("SQLite's one writer: a reader's snapshot that turns writer")
def test_the_review_is_not_failed_by_a_write_committed_meanwhile(
    ctx: AppContext, data_dir: Path, clock: FakeClock
) -> None:
    """The monthly review at a start while the search keys are rebuilt (after an
    upgrade), whose batches commit all along: the review's last transaction starts as the
    writer. Begun with a read (nothing changed since the last review), it waited for a
    writer that took the lock after that read, then failed at once when that one committed
    ("database is locked": its read was out of date), the busy timeout notwithstanding."""
    make_member(ctx, "张三", "13800138000")
    reviewed = ly.refresh(ctx).members
    clock.advance(days=31)  # the next month's: nothing changed but its date
    meanwhile: list[str] = []

    def another_writer(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        """Just before the review writes: another connection takes the write lock if it
        can and commits a moment later (as a batch of the rebuild does)."""
        if not statement.startswith(("INSERT INTO settings", "UPDATE settings")) or meanwhile:
            return
        other = sqlite3.connect(
            data_dir / "frontdesk.sqlite3",
            timeout=0.2,
            isolation_level=None,
            check_same_thread=False,  # committed by the timer's thread
        )
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # the review has it: the rebuild waits
            meanwhile.append(str(exc))
            other.close()
            return
        other.execute("UPDATE members SET notes = notes || '.'")
        meanwhile.append("writing")
        committer.append(threading.Timer(0.1, lambda: (other.commit(), other.close())))
        committer[0].start()

    committer: list[threading.Timer] = []
    event.listen(ctx.engine, "before_cursor_execute", another_writer)
    try:
        assert ly.refresh(ctx).members == reviewed
    finally:
        event.remove(ctx.engine, "before_cursor_execute", another_writer)
        for timer in committer:
            timer.join()
    assert meanwhile == ["database is locked"]  # it waited for the review, not the reverse


class TestReviewMeanwhile:
    """The review reads every member's visits, works out their figures (seconds at a big
    store), then writes them: a counter that records a visit or a recharge in between
    leaves the member as that made them, never overwritten by figures read before it."""

    def test_an_upgrade_by_a_visit_during_the_review_is_kept(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        m = make_member(ctx)
        other = make_member(ctx, "李四")
        for _ in range(4):
            record_visit(ctx, m.id, 40000)  # ¥1,600 over 4 visits: still C
            record_visit(ctx, other.id, 1000)
        assert tier_of(ctx, m.id) == "C"

        def counter_meanwhile(stage: str, done: int, _total: int) -> None:
            if stage == "members" and done == 0:  # read done, nothing written yet
                record_visit(ctx, m.id, 50000)  # ¥2,100 over 5 visits: B at once

        result = ly.refresh(ctx, progress=counter_meanwhile)
        assert tier_of(ctx, m.id) == "B"
        history = ly.tier_history(ctx, m.id)
        assert [(h.from_tier, h.to_tier) for h in history] == [("C", "B")]
        assert result.upgraded == 0 and result.downgraded == 0
        # The visit's own figures stay (5 visits), the review's of 4 are not written.
        with ctx.uow() as uow:
            stats = uow.session.get(MemberStats, m.id)
            assert stats is not None
            assert (stats.spend_12m_cents, stats.visits_12m) == (210000, 5)
            # The member nobody touched got the review's segment as usual.
            untouched = uow.session.get(MemberStats, other.id)
            assert untouched is not None and untouched.segment.startswith("R3")
        # The next review looks at them again.
        ly.refresh(ctx)
        with ctx.uow() as uow:
            stats = uow.session.get(MemberStats, m.id)
            assert stats is not None and stats.segment.startswith("R3")
        assert tier_of(ctx, m.id) == "B"

    def test_a_downgrade_is_not_recorded_for_a_member_upgraded_meanwhile(
        self, ctx: AppContext, clock: FakeClock
    ) -> None:
        m = make_member(ctx)
        for _ in range(4):
            record_visit(ctx, m.id, 60000)
        assert tier_of(ctx, m.id) == "B"
        clock.advance(days=366)  # a quiet year: the review would take them down to C

        def visits_meanwhile(stage: str, done: int, _total: int) -> None:
            if stage == "members" and done == 0:
                for _ in range(4):
                    record_visit(ctx, m.id, 60000)  # back to B by this year's visits

        result = ly.refresh(ctx, progress=visits_meanwhile)
        assert result.downgraded == 0
        assert tier_of(ctx, m.id) == "B"
        assert all("review" not in h.reason for h in ly.tier_history(ctx, m.id))

    def test_a_visit_while_the_review_writes_waits_for_it(self, ctx: AppContext) -> None:
        """A visit recorded while the review writes its figures waits until they are
        written, then upgrades the member on top of them (on a server, without the
        review's lock, it went in between the review's last look and its write)."""
        m = make_member(ctx)
        for _ in range(4):
            record_visit(ctx, m.id, 40000)
        with counter_meanwhile(
            ctx,
            lambda sql: sql.startswith("INSERT INTO member_stats"),
            lambda: record_visit(ctx, m.id, 50000),
        ) as counter:
            ly.refresh(ctx)
        assert counter and tier_of(ctx, m.id) == "B"
        with ctx.uow() as uow:
            stats = uow.session.get(MemberStats, m.id)
            assert stats is not None and (stats.spend_12m_cents, stats.visits_12m) == (210000, 5)

    def test_the_review_reads_the_visits_and_the_figures_at_one_moment(
        self, ctx: AppContext
    ) -> None:
        """A visit committed between the review's read of the visits and its read of the
        stored figures: read at one moment, the review sees neither, finds the member
        changed when it writes and leaves the visit's upgrade. (On a server each statement
        read at its own moment: the figures already had the visit, the visits did not,
        and the review took the upgrade back.)"""
        m = make_member(ctx)
        for _ in range(4):
            record_visit(ctx, m.id, 40000)
        with counter_meanwhile(
            ctx,
            lambda sql: sql.startswith("SELECT member_stats.member_id"),
            lambda: record_visit(ctx, m.id, 50000),
            between=True,
        ) as counter:
            ly.refresh(ctx)
        assert counter and tier_of(ctx, m.id) == "B"
