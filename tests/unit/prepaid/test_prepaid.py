"""Stored-value cards: recharge, pay from the balance, refund to the cent, voids and
adjustments, roles, the MOFCOM warnings, sealed ID numbers and the figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import coupons
from app import prepaid as pp
from app.admin.demo import seed_cards, seed_demo
from app.core import requests
from app.core import settings as st
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import Conflict, Forbidden, ValidationError
from app.coupons import CouponTerms
from app.loyalty import tier_of
from app.members import get_profile
from db.models import AuditEntry, PrepaidEntry
from tests.helpers import make_member, refused, sign_in_as

ID_NUMBER = "11010519491231002X"  # a valid check character (GB 11643)


def plan(ctx: AppContext, pay: int, bonus: int, **more: object) -> pp.PlanView:
    return pp.save_plan(ctx, pp.PlanInput(f"充{pay // 100}送{bonus // 100}", pay, bonus, **more))  # type: ignore[arg-type]


def recharge(ctx: AppContext, member_id: int, **more: object) -> pp.EntryView:
    fields: dict[str, object] = {"method": "cash", "buyer_name": "张三", "buyer_id": ID_NUMBER}
    fields.update(more)
    return pp.recharge(ctx, pp.RechargeInput(member_id, **fields), confirmed=True)  # type: ignore[arg-type]


class TestRules:
    def test_the_worked_refund_example(self) -> None:
        # ¥3,000 paid + ¥1,000 bonus, ¥3,594 spent: ¥2,695.50 consumed, ¥304.50 back.
        r = pp.refund_due(300_000, 100_000, 359_400)
        assert (r.consumed, r.refund) == (269_550, 30_450)

    def test_refund_never_negative_nor_above_what_was_paid(self) -> None:
        assert pp.refund_due(100_000, 20_000, 120_000).refund == 0
        assert pp.refund_due(100_000, 0, 0).refund == 100_000
        assert pp.refund_due(0, 0, 0).refund == 0

    def test_half_cents_go_to_the_guest(self) -> None:
        # 1 cent spent of ¥2 paid + ¥1 bonus: 2/3 cent consumed, counted as 0.
        assert pp.refund_due(200, 100, 1).consumed == 0

    @pytest.mark.parametrize(
        ("rule", "expected"),
        [
            ("pro_rata", (7_500, 2_500)),
            ("principal_first", (10_000, 0)),
            ("bonus_first", (0, 10_000)),
        ],
    )
    def test_split_rules(self, rule: str, expected: tuple[int, int]) -> None:
        assert pp.split_spend(10_000, 300_000, 100_000, rule) == expected

    def test_split_stays_within_each_balance(self) -> None:
        assert pp.split_spend(150, 100, 50, "pro_rata") == (100, 50)
        assert pp.split_spend(1, 1, 1, "pro_rata") == (1, 0)  # half up
        assert pp.split_spend(60, 10, 100, "principal_first") == (10, 50)
        with pytest.raises(ValueError):
            pp.split_spend(151, 100, 50)

    def test_id_numbers(self) -> None:
        assert pp.id_number_valid(ID_NUMBER)
        assert not pp.id_number_valid("110105194912310021")  # wrong check character
        assert not pp.id_number_valid("11010519491331002X")  # no 13th month
        assert pp.mask_id_number(ID_NUMBER) == "110***********002X"


class TestRechargeAndSpend:
    def test_worked_example_end_to_end(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        offer = plan(ctx, 300_000, 100_000)
        e = recharge(ctx, m.id, plan_id=offer.id, method="wechat")
        assert (e.principal_after, e.bonus_after, e.cash_cents) == (300_000, 100_000, 300_000)
        pp.spend(ctx, m.id, 359_400)
        c = pp.card(ctx, m.id)
        assert c.balance_cents == 40_600
        # Pro rata: of ¥3,594, three quarters from the paid money.
        assert (c.principal_cents, c.bonus_cents) == (30_450, 10_150)
        preview = pp.refund_preview(ctx, m.id)
        assert (preview.consumed, preview.refund) == (269_550, 30_450)
        done = pp.refund(ctx, m.id, "guest moved away")
        assert done.cash_cents == 30_450 and (done.principal_after, done.bonus_after) == (0, 0)
        assert pp.card(ctx, m.id).status == "closed"
        with refused("prepaid.no_card", Conflict):
            pp.spend(ctx, m.id, 1)

    def test_refund_counts_the_same_whatever_the_split(self, ctx: AppContext) -> None:
        ctx_settings = st.load(ctx).with_changes(prepaid_split="bonus_first")
        st.save(ctx, ctx_settings)
        m = make_member(ctx)
        recharge(ctx, m.id, plan_id=plan(ctx, 300_000, 100_000).id)
        pp.spend(ctx, m.id, 359_400)
        assert pp.card(ctx, m.id).principal_cents == 40_600  # the bonus went first
        assert pp.refund(ctx, m.id, "closing").cash_cents == 30_450

    def test_not_enough_balance_changes_nothing(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        recharge(ctx, m.id, pay_cents=10_000)
        with refused("prepaid.not_enough", Conflict, need_cents=10_001, have_cents=10_000):
            pp.spend(ctx, m.id, 10_001)
        assert pp.card(ctx, m.id).balance_cents == 10_000
        assert [e.kind for e in pp.entries(ctx, m.id)] == ["recharge"]

    def test_a_card_never_recharged(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        assert pp.card(ctx, m.id).status == "none"
        with refused("prepaid.no_card", Conflict):
            pp.spend(ctx, m.id, 100)

    def test_bad_input_is_refused_and_changes_nothing(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        for bad, code in (
            ({"pay_cents": 0}, "prepaid.amount"),
            ({"pay_cents": -5}, "amount.negative"),
            ({"pay_cents": 100, "method": "bitcoin"}, "prepaid.method"),
            ({"pay_cents": 100, "buyer_id": "123"}, "prepaid.id_number"),
            ({"pay_cents": 100, "buyer_name": ""}, "prepaid.buyer_name"),
        ):
            with refused(code, ValidationError):
                recharge(ctx, m.id, **bad)
        with refused("prepaid.zero", ValidationError):
            pp.spend(ctx, m.id, 0)
        assert pp.card(ctx, m.id).status == "none"

    def test_free_bonus_is_a_managers(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        sign_in_as(ctx, "receptionist")
        with refused("permission.denied", Forbidden):
            recharge(ctx, m.id, pay_cents=10_000, bonus_cents=1_000)
        recharge(ctx, m.id, pay_cents=10_000)
        sign_in_as(ctx, "manager")
        e = recharge(ctx, m.id, pay_cents=10_000, bonus_cents=1_000)
        assert (e.principal_after, e.bonus_after) == (20_000, 1_000)

    def test_plan_dates_and_tier_upgrade(self, ctx: AppContext, clock: FakeClock) -> None:
        m = make_member(ctx)
        from app.core import store

        today = store.today(ctx)
        later = plan(ctx, 100_000, 20_000, valid_from=today + timedelta(days=3))
        with refused("prepaid.plan_not_offered", Conflict):
            recharge(ctx, m.id, plan_id=later.id)
        gold = plan(ctx, 500_000, 100_000, upgrade_tier="A", valid_to=today)
        assert [p.id for p in pp.offered_plans(ctx)] == [gold.id]
        recharge(ctx, m.id, plan_id=gold.id)
        assert tier_of(ctx, m.id) == "A"

    def test_warnings_need_confirming(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        data = pp.RechargeInput(m.id, "cash", pay_cents=600_000)
        codes = [w.code for w in pp.recharge_warnings(ctx, data)]
        assert codes == ["prepaid.over_limit", "prepaid.no_buyer_id"]
        with refused("prepaid.over_limit", Conflict, limit_cents=500_000, after_cents=600_000):
            pp.recharge(ctx, data)
        assert pp.card(ctx, m.id).status == "none"
        pp.recharge(ctx, data, confirmed=True)  # a warning, not a block
        assert pp.card(ctx, m.id).balance_cents == 600_000

    def test_a_repeated_request_applies_once(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        rid = requests.new_id()
        first = pp.recharge(ctx, pp.RechargeInput(m.id, "cash", pay_cents=5_000), True, rid)
        again = pp.recharge(ctx, pp.RechargeInput(m.id, "cash", pay_cents=5_000), True, rid)
        assert first.id == again.id and pp.card(ctx, m.id).balance_cents == 5_000
        sid = requests.new_id()
        assert (
            pp.spend(ctx, m.id, 1_000, request_id=sid).id
            == pp.spend(ctx, m.id, 1_000, request_id=sid).id
        )
        assert pp.card(ctx, m.id).balance_cents == 4_000


class TestCheckout:
    def test_coupon_first_then_the_card(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        recharge(ctx, m.id, plan_id=plan(ctx, 100_000, 20_000).id)
        coupon = coupons.issue_coupon(ctx, CouponTerms("amount", 2_000), m.id)
        rid = requests.new_id()
        done = pp.checkout(ctx, m.id, 12_800, "搓澡", coupon_code=coupon.display_code,
                           from_card_cents=10_000, request_id=rid)  # fmt: skip
        assert (done.discount_cents, done.from_card_cents, done.to_pay_cents) == (
            2_000,
            10_000,
            800,
        )
        assert done.from_principal_cents + done.from_bonus_cents == 10_000
        assert pp.card(ctx, m.id).balance_cents == 110_000
        profile = get_profile(ctx, m.id)
        assert profile.visit_count == 1 and profile.lifetime_spend_cents == 10_800
        again = pp.checkout(ctx, m.id, 12_800, "搓澡", coupon_code=coupon.display_code,
                            from_card_cents=10_000, request_id=rid)  # fmt: skip
        assert again == done and pp.card(ctx, m.id).balance_cents == 110_000
        assert get_profile(ctx, m.id).visit_count == 1

    def test_not_enough_saves_nothing_at_all(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        recharge(ctx, m.id, pay_cents=5_000)
        coupon = coupons.issue_coupon(ctx, CouponTerms("amount", 1_000), m.id)
        with refused("prepaid.not_enough", Conflict):
            pp.checkout(ctx, m.id, 20_000, coupon_code=coupon.display_code, from_card_cents=6_000)
        assert get_profile(ctx, m.id).visit_count == 0
        assert coupons.look_up(ctx, coupon.display_code).used_at is None  # not used up
        with refused("prepaid.more_than_due", ValidationError):
            pp.checkout(ctx, m.id, 1_000, from_card_cents=1_001)


class TestManagerActions:
    def test_void_and_adjust(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        r = recharge(ctx, m.id, pay_cents=10_000)
        s = pp.spend(ctx, m.id, 3_000)
        v = pp.void(ctx, s.id, "wrong member")
        assert (v.principal_after, v.voids_id) == (10_000, s.id)
        with refused("prepaid.voided_already", Conflict):
            pp.void(ctx, s.id, "again")
        pp.spend(ctx, m.id, 9_000)
        with refused("prepaid.not_enough", Conflict):
            pp.void(ctx, r.id, "the money was spent")  # would go below zero
        with refused("prepaid.not_enough", Conflict):
            pp.adjust(ctx, m.id, -1_001, 0, "too much")
        a = pp.adjust(ctx, m.id, 0, 500, "apology")
        assert (a.principal_after, a.bonus_after) == (1_000, 500)
        assert [e.kind for e in pp.entries(ctx, m.id)] == [
            "adjust",
            "spend",
            "void",
            "spend",
            "recharge",
        ]

    @pytest.mark.parametrize("role", ["receptionist"])
    def test_receptionists_may_not(self, ctx: AppContext, role: str) -> None:
        m = make_member(ctx)
        e = recharge(ctx, m.id, pay_cents=10_000)
        sign_in_as(ctx, role)
        for action in (
            lambda: pp.refund(ctx, m.id, "x"),
            lambda: pp.void(ctx, e.id, "x"),
            lambda: pp.adjust(ctx, m.id, 100, 0, "x"),
            lambda: pp.reveal_buyer_id(ctx, e.id),
            lambda: pp.save_plan(ctx, pp.PlanInput("x", 100)),
        ):
            with refused("permission.denied", Forbidden):
                action()
        assert pp.card(ctx, m.id).balance_cents == 10_000

    def test_id_number_sealed_masked_revealed_audited(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        e = recharge(ctx, m.id, pay_cents=10_000)
        assert e.buyer_id_masked == "110***********002X"
        with ctx.uow() as uow:
            sealed = uow.session.scalar(select(PrepaidEntry.buyer_id_sealed))
            trail = " ".join(uow.session.scalars(select(AuditEntry.detail)))
        assert sealed and ID_NUMBER not in sealed and ID_NUMBER not in trail
        sign_in_as(ctx, "manager")
        assert pp.reveal_buyer_id(ctx, e.id) == ID_NUMBER
        with ctx.uow() as uow:
            assert (
                uow.session.scalar(
                    select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)
                )
                == "prepaid.id_view"
            )

    def test_every_entry_is_in_the_audit_chain(self, ctx: AppContext) -> None:
        m = make_member(ctx)
        recharge(ctx, m.id, pay_cents=10_000)
        pp.spend(ctx, m.id, 100)
        with ctx.uow() as uow:
            actions = list(uow.session.scalars(select(AuditEntry.action)))
        assert "prepaid.recharge" in actions and "prepaid.spend" in actions


class TestFigures:
    def test_period_figures_and_liability(self, ctx: AppContext, clock: FakeClock) -> None:
        a, b = make_member(ctx, "甲"), make_member(ctx, "乙")
        start = clock.now()
        recharge(ctx, a.id, plan_id=plan(ctx, 100_000, 20_000).id)
        recharge(ctx, b.id, pay_cents=50_000)
        pp.spend(ctx, a.id, 60_000)
        wrong = pp.spend(ctx, b.id, 10_000)
        pp.void(ctx, wrong.id, "mistake")
        pp.refund(ctx, b.id, "closing")
        clock.advance(minutes=1)
        with ctx.uow() as uow:
            f = pp.figures_in(uow.session, start, clock.now())
        assert f.recharged_cents == 150_000 and f.bonus_given_cents == 20_000
        assert f.spent_principal_cents + f.spent_bonus_cents == 60_000
        assert f.refunded_cents == 50_000
        assert f.liability_cents == 60_000 and f.cards == 1
        assert pp.liability(ctx) == (
            f.liability_principal_cents,
            60_000 - f.liability_principal_cents,
        )


def test_demo_store_sells_cards(ctx: AppContext) -> None:
    seed_demo(ctx, 30, visits_per_member=0)
    assert seed_cards(ctx, cards=10) == 10
    assert len(pp.offered_plans(ctx)) == 3
    lines = [e for m in range(1, 31) for e in pp.entries(ctx, m)]
    assert {e.kind for e in lines} <= {"recharge", "spend"}
    assert all("*" in e.buyer_id_masked for e in lines if e.kind == "recharge")
    principal, bonus = pp.liability(ctx)
    assert principal + bonus == sum(e.principal_cents + e.bonus_cents for e in lines) > 0
