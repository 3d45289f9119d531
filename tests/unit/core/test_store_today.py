"""One store-local "today" for every date rule, asked each time, at 01:30 in the store
(when the UTC date and the PC's date are still yesterday's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app import coupons, loyalty, members
from app.core import store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.coupons import CouponTerms
from app.members import MemberInput
from tests.helpers import make_member

MONDAY = date(2026, 11, 2)


def test_today_is_the_stores_at_both_times(ctx: AppContext, clock: FakeClock) -> None:
    assert store.today(ctx) == MONDAY  # both clocks are on the store's Monday
    assert store.at(ctx, MONDAY, time(10, 0)) == datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


@pytest.mark.clock("after_midnight")
def test_after_midnight_utc_and_the_pc_are_still_on_sunday(
    ctx: AppContext, clock: FakeClock
) -> None:
    # (pinned: this test is about that very minute)
    assert clock.now().date() == MONDAY - timedelta(days=1)
    assert clock.now().astimezone().date() == MONDAY - timedelta(days=1)  # the PC's zone
    assert store.today(ctx) == MONDAY


def test_a_fresh_coupon_is_valid_today(ctx: AppContext) -> None:
    issued = coupons.issue_coupon(ctx, CouponTerms("amount", 1000, valid_days=1))
    assert issued.valid_from == MONDAY and issued.valid_to == MONDAY
    assert coupons.look_up(ctx, issued.code).state(store.today(ctx)) == "valid"


def test_birthdays_this_week_start_on_the_stores_today(ctx: AppContext) -> None:
    today = make_member(ctx, "今天生日", birthday=date(1990, 11, 2))
    make_member(ctx, "昨天生日", birthday=date(1990, 11, 1))
    in_week = make_member(ctx, "周日生日", birthday=date(1991, 11, 8))
    make_member(ctx, "下周生日", birthday=date(1991, 11, 9))
    found = {m.id for m in loyalty.birthdays_this_week(ctx)}
    assert found == {today.id, in_week.id}


def test_a_birthday_today_is_not_in_the_future(ctx: AppContext) -> None:
    born = members.create_member(
        ctx, MemberInput(name="新生", phone="13912345678", birthday=MONDAY)
    )
    assert born.birthday == MONDAY


def test_calls_due_by_the_end_of_the_stores_today(ctx: AppContext, clock: FakeClock) -> None:
    member = make_member(ctx)
    today = loyalty.schedule_follow_up(
        ctx, member.id, store.at(ctx, MONDAY, time(23, 0)), "小王", "回访"
    )
    loyalty.schedule_follow_up(
        ctx, member.id, store.at(ctx, MONDAY + timedelta(days=1), time(0, 30)), "小王", "回访"
    )
    assert [f.id for f in loyalty.due_follow_ups(ctx)] == [today.id]
