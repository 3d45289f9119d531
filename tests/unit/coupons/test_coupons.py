"""Coupons: terms, campaigns, redemption exactly once (also across processes), voids."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import coupons as cs
from app.complaints import ComplaintInput, get_complaint, log_complaint
from app.core import codes, store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import Conflict, Forbidden, ValidationError
from app.coupons import CouponError, CouponTerms
from app.members import record_visit
from db.models import Coupon, Redemption
from tests.helpers import make_member, race_redeem, refused, sign_in_as

FIFTY_OFF = CouponTerms("amount", 5000, min_spend_cents=20000, valid_days=30)


def count(ctx: AppContext, model: type) -> int:
    with ctx.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


class TestTerms:
    @pytest.mark.parametrize(
        ("terms", "code"),
        [
            (CouponTerms("cash", 100), "coupon.kind"),
            (CouponTerms("amount", 0), "coupon.value"),
            (CouponTerms("amount", -500), "amount.negative"),
            (CouponTerms("percent", 95), "coupon.percent"),
            (CouponTerms("percent", 0), "coupon.percent"),
            (CouponTerms("item", 0, item=""), "field.required"),
            (CouponTerms("amount", 100, min_spend_cents=-1), "amount.negative"),
            (CouponTerms("amount", 100, valid_days=0), "coupon.valid_days"),
        ],
    )
    def test_bad_terms(self, ctx: AppContext, terms: CouponTerms, code: str) -> None:
        with pytest.raises(ValidationError) as err:
            cs.issue_coupon(ctx, terms)
        assert err.value.code == code
        assert count(ctx, Coupon) == 0

    def test_discounts(self, ctx: AppContext) -> None:
        amount = cs.issue_coupon(ctx, FIFTY_OFF)
        assert cs.discount_for(amount, 30000) == 5000
        assert cs.discount_for(amount, 3000) == 3000  # never more than the bill
        percent = cs.issue_coupon(ctx, CouponTerms("percent", 15))
        assert cs.discount_for(percent, 12345) == 1852
        item = cs.issue_coupon(ctx, CouponTerms("item", item="免费搓澡一次"))
        assert cs.discount_for(item, 10000) == 0 and item.item == "免费搓澡一次"


class TestRedeem:
    def test_redeem_once(self, ctx: AppContext, clock: FakeClock) -> None:
        member = make_member(ctx, "张三")
        coupon = cs.issue_coupon(ctx, FIFTY_OFF, member.id)
        assert coupon.member_name == "张三"
        assert coupon.valid_from == date(2026, 11, 2)
        assert coupon.valid_to == date(2026, 12, 1)
        done = cs.redeem(ctx, coupon.display_code.lower(), 30000)
        assert done.discount_cents == 5000
        assert done.coupon.used_at == clock.now()
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, coupon.code, 30000)
        assert err.value.code == "coupon.used"
        assert count(ctx, Redemption) == 1

    @pytest.mark.parametrize(
        ("mangle", "reason"),
        [
            (lambda c: c[:-1] + ("2" if c[-1] != "2" else "3"), "coupon.typo"),
            (lambda c: c[:5], "coupon.format"),
            (lambda c: "", "coupon.format"),
        ],
    )
    def test_mistyped(self, ctx: AppContext, mangle, reason: str) -> None:
        coupon = cs.issue_coupon(ctx, FIFTY_OFF)
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, mangle(coupon.code), 30000)
        assert err.value.code == reason
        assert cs.look_up(ctx, coupon.code).used_at is None

    def test_forged_and_unknown(self, ctx: AppContext) -> None:
        cs.ensure_secret(ctx)
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, codes.new_code(b"not the store's secret" * 2), 30000)
        assert err.value.code == "coupon.forged"
        with ctx.uow() as uow:
            secret = store.coupon_secret(uow.session)
        never_issued = codes.new_code(secret)
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, never_issued, 30000)
        assert err.value.code == "coupon.unknown"

    def test_expired_and_not_yet(self, ctx: AppContext, clock: FakeClock) -> None:
        coupon = cs.issue_coupon(ctx, CouponTerms("amount", 1000, valid_days=1))
        clock.advance(days=1)
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, coupon.code, 5000)
        assert err.value.code == "coupon.expired"
        clock.advance(days=-2)  # a PC clock set back before the coupon existed
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, coupon.code, 5000)
        assert err.value.code == "coupon.not_yet"
        assert count(ctx, Redemption) == 0

    def test_min_spend_and_bad_bill(self, ctx: AppContext) -> None:
        coupon = cs.issue_coupon(ctx, FIFTY_OFF)
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, coupon.code, 19999)
        assert err.value.code == "coupon.min_spend"
        with refused("amount.negative", ValidationError):
            cs.redeem(ctx, coupon.code, -100)
        assert cs.look_up(ctx, coupon.code).used_at is None

    def test_void(self, ctx: AppContext) -> None:
        coupon = cs.issue_coupon(ctx, FIFTY_OFF)
        voided = cs.void(ctx, coupon.code, "发错了")
        assert voided.voided_at is not None
        with pytest.raises(CouponError) as err:
            cs.redeem(ctx, coupon.code, 30000)
        assert err.value.code == "coupon.voided"
        with refused("coupon.voided", CouponError):
            cs.void(ctx, coupon.code, "again")
        used = cs.issue_coupon(ctx, FIFTY_OFF)
        cs.redeem(ctx, used.code, 30000)
        with pytest.raises(CouponError) as err:
            cs.void(ctx, used.code, "too late")
        assert err.value.code == "coupon.used"
        with refused("field.required", ValidationError):
            cs.void(ctx, used.code, "  ")

    def test_two_processes_redeem_each_coupon_once(self, ctx: AppContext, data_dir: Path) -> None:
        issued = [cs.issue_coupon(ctx, FIFTY_OFF).code for _ in range(15)]
        spawn = multiprocessing.get_context("spawn")
        barrier = spawn.Barrier(2)
        results = spawn.Queue()
        workers = [
            spawn.Process(target=race_redeem, args=(str(data_dir), issued, barrier, results, name))
            for name in ("counter-1", "counter-2")
        ]
        for w in workers:
            w.start()
        outcomes = [results.get(timeout=120) for _ in range(2 * len(issued))]
        for w in workers:
            w.join(timeout=60)
            assert w.exitcode == 0
        for code in issued:
            mine = sorted(o for c, _, o in outcomes if c == code)
            assert mine == ["coupon.used", "ok"], (code, mine)
        assert count(ctx, Redemption) == len(issued)


class TestCampaigns:
    def test_birthday_window_across_new_year(self, ctx: AppContext) -> None:
        a = make_member(ctx, "元旦", birthday=date(1990, 1, 1))
        b = make_member(ctx, "跨年", birthday=date(1985, 12, 30))
        make_member(ctx, "春天", birthday=date(1992, 3, 1))
        leap = make_member(ctx, "闰年", birthday=date(1992, 2, 29))
        assert sorted(cs.birthday_members(ctx, date(2026, 12, 28), date(2027, 1, 3))) == sorted(
            [a.id, b.id]
        )
        assert cs.birthday_members(ctx, date(2027, 2, 28), date(2027, 2, 28)) == [leap.id]
        with refused("campaign.window", ValidationError):
            cs.birthday_members(ctx, date(2027, 2, 1), date(2026, 2, 1))

    def test_lapsed_members(self, ctx: AppContext, clock: FakeClock) -> None:
        regular = make_member(ctx, "常客")
        lapsing = make_member(ctx, "流失")
        never = make_member(ctx, "从未到店")
        record_visit(ctx, lapsing.id, 10000)
        clock.advance(days=50)
        record_visit(ctx, regular.id, 10000)
        clock.advance(days=15)
        assert cs.lapsed_members(ctx, 60) == [lapsing.id, never.id]
        assert cs.lapsed_members(ctx, 100) == []

    def test_issue_respects_limits(self, ctx: AppContext) -> None:
        people = [make_member(ctx, n).id for n in ("甲", "乙", "丙", "丁")]
        camp = cs.create_campaign(ctx, "festival", "中秋回馈", FIFTY_OFF, max_coupons=3)
        issued = cs.issue_campaign(ctx, camp.id, people[:2]).coupons
        assert {c.member_id for c in issued} == set(people[:2])
        again = cs.issue_campaign(ctx, camp.id, people[:2])  # one each already
        assert (again.coupons, again.already_held, again.inactive) == ([], 2, 0)
        with pytest.raises(Conflict) as err:
            cs.issue_campaign(ctx, camp.id, people)  # two more would pass the cap of 3
        assert err.value.code == "campaign.limit" and err.value.params["left"] == 1
        # Unknown members are skipped; the one place left is taken.
        third = cs.issue_campaign(ctx, camp.id, [people[2], 999, people[0]])
        assert (len(third.coupons), third.already_held, third.inactive) == (1, 1, 1)
        view = next(c for c in cs.list_campaigns(ctx) if c.id == camp.id)
        assert view.issued == 3 and view.redeemed == 0

    def test_compensation_from_complaint(self, ctx: AppContext) -> None:
        member = make_member(ctx, "张三")
        complaint = log_complaint(
            ctx, ComplaintInput("counter", "service", "态度差", member_id=member.id)
        )
        coupon = cs.issue_compensation(ctx, complaint.id, CouponTerms("item", item="足疗一次"))
        assert coupon.member_id == member.id
        walk_in = log_complaint(
            ctx, ComplaintInput("counter", "food", "菜凉了", guest_name="王先生")
        )
        bearer = cs.issue_compensation(ctx, walk_in.id, FIFTY_OFF)
        assert bearer.member_id is None
        assert [c.id for c in cs.member_coupons(ctx, member.id)] == [coupon.id]
        # The complaint's timeline says how the guest was made good, and by whom.
        last = get_complaint(ctx, complaint.id).events[-1]
        assert (last.action, last.actor) == ("coupon", "system")
        assert coupon.display_code in last.note and "足疗一次" in last.note

    def test_receptionists_stay_under_the_owners_limit(self, ctx: AppContext) -> None:
        sign_in_as(ctx, "receptionist")
        with refused("coupon.over_limit", Forbidden, limit="¥50.00"):
            cs.issue_coupon(ctx, CouponTerms("amount", 5001))
        with refused("coupon.over_limit", Forbidden, limit="20%"):
            cs.issue_coupon(ctx, CouponTerms("percent", 25))
        within = cs.issue_coupon(ctx, CouponTerms("amount", 5000))
        assert within.issued_by == "小周"
        sign_in_as(ctx, "manager")
        assert cs.issue_coupon(ctx, CouponTerms("amount", 50000)).issued_by == "李经理"


def test_states_on_profile(ctx: AppContext, clock: FakeClock) -> None:
    member = make_member(ctx)
    used = cs.issue_coupon(ctx, FIFTY_OFF, member.id)
    cs.issue_coupon(ctx, CouponTerms("amount", 100, valid_days=1), member.id)
    cs.redeem(ctx, used.code, 30000)
    clock.advance(timedelta(days=2))
    today = clock.now().date()
    states = sorted(c.state(today) for c in cs.member_coupons(ctx, member.id))
    assert states == ["expired", "used"]
