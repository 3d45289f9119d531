"""Stored-value cards as a state machine: random recharges (free amounts and offers),
spends, checkouts paid from the card, refunds, voids of any earlier entry, adjustments
and repeated requests, with the clock moving on. After every step the ledger explains
each card to the cent, nothing is ever below zero and the liability figures agree."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import select

from app import coupons
from app import prepaid as pp
from app.bootstrap import open_store
from app.core import requests
from app.core import settings as cfg
from app.core.clock import FakeClock
from app.core.errors import Conflict, NotFound, ValidationError
from app.coupons import CouponTerms
from db.models import PrepaidAccount, PrepaidEntry
from tests import pg
from tests.conftest import CLOCKS
from tests.helpers import make_member, refused

MEMBERS = 2
OFFERS = ((50_000, 5_000), (100_000, 20_000), (300_000, 100_000))  # 充500送50 ...


@dataclass
class Line:
    """What the model expects of one ledger entry."""

    id: int
    member_id: int
    kind: str
    principal: int
    bonus: int
    voided: bool = False


@dataclass
class Card:
    """What the model expects of one member's card."""

    principal: int = 0
    bonus: int = 0
    status: str = "none"
    period_start: int = 0

    @property
    def balance(self) -> int:
        return self.principal + self.bonus


class StoredValueCards(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="fd-prepaid-"))
        self.clock = FakeClock()
        # A store of its own per run (a database of its own on a server run).
        self.url = pg.fresh() if pg.enabled() else None
        self.ctx = open_store(self.folder, self.clock, db_url=self.url, system=True)
        self.start = self.clock.now()
        self.members: list[int] = []
        self.cards: dict[int, Card] = {}
        self.lines: dict[int, Line] = {}
        self.refunded_cash = 0
        self.offers: list[pp.PlanView] = []
        self.rule = "pro_rata"
        # Writes that were saved, to send again with the same request id (a lost answer).
        self.saved: list[tuple[str, Any, Any]] = []
        # (instant, principal, bonus) on every card: the liability at that instant.
        self.snapshots: list[tuple[datetime, int, int]] = []

    def teardown(self) -> None:
        self.ctx.close()
        if self.url is not None:
            pg.drop(self.url)
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- set-up ----------------------------------------------------------------------

    @initialize(when=st.sampled_from(sorted(CLOCKS)), split=st.sampled_from(pp.SPLITS))
    def open_the_store(self, when: str, split: str) -> None:
        self.clock.set(CLOCKS[when])
        self.start = self.clock.now()
        self.rule = split
        cfg.save(self.ctx, cfg.load(self.ctx).with_changes(prepaid_split=split))
        self.offers = [
            pp.save_plan(self.ctx, pp.PlanInput(f"充{p // 100}送{b // 100}", p, b))
            for p, b in OFFERS
        ]
        for n in range(MEMBERS):
            m = make_member(self.ctx, f"储值{n}").id
            self.members.append(m)
            self.cards[m] = Card()

    # --- helpers ---------------------------------------------------------------------

    def _applied(self, e: pp.EntryView, kind: str, dp: int, db: int) -> None:
        """The service said it saved `e`: it must be what the model expects, and the model
        takes it in."""
        card = self.cards[e.member_id]
        assert (e.kind, e.principal_cents, e.bonus_cents) == (kind, dp, db)
        card.principal += dp
        card.bonus += db
        assert (e.principal_after, e.bonus_after) == (card.principal, card.bonus)
        assert e.id not in self.lines and all(e.id > i for i in self.lines)
        self.lines[e.id] = Line(e.id, e.member_id, kind, dp, db)

    def _recharged(self, e: pp.EntryView, pay: int, bonus: int) -> None:
        card = self.cards[e.member_id]
        new_period = card.status != "open"
        self._applied(e, "recharge", pay, bonus)
        assert e.cash_cents == pay
        card.status = "open"
        if new_period:
            card.period_start = e.id

    def _period_sums(self, member_id: int) -> tuple[int, int, int]:
        """(paid, bonus, spent) in the card's current period, voided lines left out."""
        card = self.cards[member_id]
        paid = bonus = spent = 0
        for line in self.lines.values():
            if line.member_id != member_id or line.id < card.period_start or line.voided:
                continue
            if line.kind == "recharge":
                paid, bonus = paid + line.principal, bonus + line.bonus
            elif line.kind == "spend":
                spent -= line.principal + line.bonus
        return paid, bonus, spent

    # --- rules -----------------------------------------------------------------------

    @rule(
        i=st.integers(0, MEMBERS - 1),
        pay=st.one_of(st.integers(1, 500), st.integers(1, 200_000)),
        bonus_pct=st.sampled_from([0, 0, 10, 33, 100, 101]),
        method=st.sampled_from(pp.METHODS),
    )
    def recharge_an_amount(self, i: int, pay: int, bonus_pct: int, method: str) -> None:
        m = self.members[i]
        bonus = pay * bonus_pct // 100
        rid = requests.new_id()
        data = pp.RechargeInput(m, method, pay_cents=pay, bonus_cents=bonus)
        if bonus > pay:
            with refused("prepaid.bonus_too_large", ValidationError):
                pp.recharge(self.ctx, data, confirmed=True, request_id=rid)
            return
        e = pp.recharge(self.ctx, data, confirmed=True, request_id=rid)
        self._recharged(e, pay, bonus)
        self.saved.append(("entry", lambda: pp.recharge(self.ctx, data, True, rid), e))

    @rule(i=st.integers(0, MEMBERS - 1), offer=st.integers(0, len(OFFERS) - 1))
    def recharge_an_offer(self, i: int, offer: int) -> None:
        m, plan = self.members[i], self.offers[offer]
        rid = requests.new_id()
        data = pp.RechargeInput(m, "wechat", plan_id=plan.id)
        e = pp.recharge(self.ctx, data, confirmed=True, request_id=rid)
        self._recharged(e, plan.pay_cents, plan.bonus_cents)
        assert e.plan_id == plan.id
        self.saved.append(("entry", lambda: pp.recharge(self.ctx, data, True, rid), e))

    @rule(i=st.integers(0, MEMBERS - 1), share=st.integers(1, 120), nudge=st.integers(-3, 3))
    def spend(self, i: int, share: int, nudge: int) -> None:
        """Anything from a cent to more than the card holds."""
        m = self.members[i]
        card = self.cards[m]
        amount = max(1, card.balance * share // 100 + nudge)
        rid = requests.new_id()
        if card.status != "open":
            with refused("prepaid.no_card", Conflict):
                pp.spend(self.ctx, m, amount, request_id=rid)
        elif amount > card.balance:
            with refused(
                "prepaid.not_enough", Conflict, need_cents=amount, have_cents=card.balance
            ):
                pp.spend(self.ctx, m, amount, request_id=rid)
        else:
            p, b = pp.split_spend(amount, card.principal, card.bonus, self.rule)
            e = pp.spend(self.ctx, m, amount, "消费", request_id=rid)
            self._applied(e, "spend", -p, -b)
            self.saved.append(("entry", lambda: pp.spend(self.ctx, m, amount, "消费", rid), e))

    @rule(
        i=st.integers(0, MEMBERS - 1),
        bill=st.integers(1, 60_000),
        share=st.sampled_from([0, 30, 50, 100, 100, 130]),
        coupon=st.sampled_from([0, 0, 1_000, 100_000]),
    )
    def checkout(self, i: int, bill: int, share: int, coupon: int) -> None:
        """A visit paid at the counter: a coupon first (maybe), then the card."""
        m = self.members[i]
        card = self.cards[m]
        code = None
        if coupon:
            code = coupons.issue_coupon(self.ctx, CouponTerms("amount", coupon), m).display_code
        due = bill - min(coupon, bill)
        from_card = due * share // 100
        rid = requests.new_id()

        def pay() -> pp.Checkout:
            return pp.checkout(
                self.ctx, m, bill, "搓澡", coupon_code=code, from_card_cents=from_card,
                request_id=rid,
            )  # fmt: skip

        if from_card > due:
            with refused("prepaid.more_than_due", ValidationError, due_cents=due):
                pay()
            return
        if from_card and card.status != "open":
            with refused("prepaid.no_card", Conflict):
                pay()
            return
        if from_card > card.balance:
            with refused("prepaid.not_enough", Conflict):
                pay()
            return
        p, b = pp.split_spend(from_card, card.principal, card.bonus, self.rule)
        done = pay()
        assert (done.discount_cents, done.from_card_cents) == (bill - due, from_card)
        assert (done.from_principal_cents, done.from_bonus_cents) == (p, b)
        assert done.to_pay_cents == due - from_card
        if from_card:
            [e] = pp.entries(self.ctx, m, limit=1)
            assert e.visit_id == done.visit_id
            self._applied(e, "spend", -p, -b)
        assert (done.principal_after, done.bonus_after) == (card.principal, card.bonus)
        self.saved.append(("checkout", pay, done))

    @rule(i=st.integers(0, MEMBERS - 1))
    def refund(self, i: int) -> None:
        m = self.members[i]
        card = self.cards[m]
        rid = requests.new_id()
        if card.status != "open":
            with refused("prepaid.no_card", Conflict):
                pp.refund_preview(self.ctx, m)
            with refused("prepaid.no_card", Conflict):
                pp.refund(self.ctx, m, "不想要了", request_id=rid)
            return
        due = pp.refund_due(*self._period_sums(m))
        assert pp.refund_preview(self.ctx, m) == due
        assert 0 <= due.refund <= due.paid
        e = pp.refund(self.ctx, m, "不想要了", request_id=rid)
        assert e.cash_cents == due.refund
        self._applied(e, "refund", -card.principal, -card.bonus)
        card.status = "closed"
        self.refunded_cash += due.refund
        self.saved.append(("entry", lambda: pp.refund(self.ctx, m, "不想要了", rid), e))

    @rule(pick=st.integers(0, 10**6), recent=st.booleans())
    def void(self, pick: int, recent: bool) -> None:
        """Any earlier entry (one of the last few, often), or one that does not exist:
        voided, or refused saying why."""
        rid = requests.new_id()
        if not self.lines or pick % 10 == 0:
            with refused("prepaid.entry_not_found", NotFound):
                pp.void(self.ctx, max(self.lines, default=0) + 1 + pick, "弄错了", rid)
            return
        ids = sorted(self.lines)
        ids = ids[-4:] if recent else ids
        target = self.lines[ids[pick % len(ids)]]
        card = self.cards[target.member_id]
        if target.kind not in ("recharge", "spend"):
            code = "prepaid.not_voidable"
        elif target.voided:
            code = "prepaid.voided_already"
        elif card.status != "open" or target.id < card.period_start:
            code = "prepaid.not_voidable"
        elif card.principal < target.principal or card.bonus < target.bonus:
            code = "prepaid.not_enough"
        else:
            e = pp.void(self.ctx, target.id, "弄错了", rid)
            assert e.voids_id == target.id
            self._applied(e, "void", -target.principal, -target.bonus)
            target.voided = True
            self.saved.append(("entry", lambda: pp.void(self.ctx, target.id, "弄错了", rid), e))
            return
        with refused(code, Conflict):
            pp.void(self.ctx, target.id, "弄错了", rid)

    @rule(
        i=st.integers(0, MEMBERS - 1),
        dp=st.one_of(st.just(0), st.integers(-5_000, 5_000), st.integers(-300_000, 300_000)),
        db=st.one_of(st.just(0), st.integers(-5_000, 5_000), st.integers(-100_000, 100_000)),
    )
    def adjust(self, i: int, dp: int, db: int) -> None:
        """A manager's correction, including ones that would take a balance below zero."""
        m = self.members[i]
        card = self.cards[m]
        rid = requests.new_id()
        if dp == 0 and db == 0:
            with refused("prepaid.zero", ValidationError):
                pp.adjust(self.ctx, m, dp, db, "更正", rid)
        elif card.status != "open":
            with refused("prepaid.no_card", Conflict):
                pp.adjust(self.ctx, m, dp, db, "更正", rid)
        elif card.principal + dp < 0 or card.bonus + db < 0:
            with refused("prepaid.not_enough", Conflict):
                pp.adjust(self.ctx, m, dp, db, "更正", rid)
        else:
            e = pp.adjust(self.ctx, m, dp, db, "更正", rid)
            self._applied(e, "adjust", dp, db)
            self.saved.append(("entry", lambda: pp.adjust(self.ctx, m, dp, db, "更正", rid), e))

    @precondition(lambda self: bool(self.saved))
    @rule(pick=st.integers(0, 10**6))
    def repeat_a_saved_request(self, pick: int) -> None:
        """The same request again (its answer was lost): what was saved, nothing twice."""
        what, again, first = self.saved[pick % len(self.saved)]
        before = len(self.lines)
        repeated = again()
        if what == "entry":
            assert repeated.id == first.id
            assert (repeated.principal_after, repeated.bonus_after) == (
                first.principal_after,
                first.bonus_after,
            )
        else:
            assert repeated.visit_id == first.visit_id
            assert repeated.from_card_cents == first.from_card_cents
            assert repeated.to_pay_cents == first.to_pay_cents
        assert len(self.lines) == before

    @rule(minutes=st.sampled_from([1, 59, 60 * 7, 60 * 24 * 3]))
    def time_passes(self, minutes: int) -> None:
        """The liability at the new instant is what the cards hold now: what is done from
        there on (at that very instant too) is after it."""
        self.clock.advance(minutes=minutes)
        self.snapshots.append(
            (
                self.clock.now(),
                sum(c.principal for c in self.cards.values()),
                sum(c.bonus for c in self.cards.values()),
            )
        )

    # --- after every step --------------------------------------------------------------

    @invariant()
    def the_ledger_explains_every_card(self) -> None:
        if not self.members:
            return
        with self.ctx.uow() as uow:
            s = uow.session
            accounts = {a.member_id: a for a in s.scalars(select(PrepaidAccount))}
            rows = list(s.scalars(select(PrepaidEntry).order_by(PrepaidEntry.id)))
            voided = {e.voids_id for e in rows if e.voids_id is not None}
            assert [e.id for e in rows] == sorted(self.lines)
            running: dict[int, tuple[int, int]] = {}
            for e in rows:
                line = self.lines[e.id]
                assert (e.member_id, e.kind, e.principal_cents, e.bonus_cents) == (
                    line.member_id,
                    line.kind,
                    line.principal,
                    line.bonus,
                )
                assert (e.id in voided) == line.voided
                p, b = running.get(e.member_id, (0, 0))
                p, b = p + e.principal_cents, b + e.bonus_cents
                # Each entry's balances after are those before it plus what it changed.
                assert (e.principal_after, e.bonus_after) == (p, b)
                assert p >= 0 and b >= 0
                running[e.member_id] = (p, b)
            for m, card in self.cards.items():
                a = accounts.get(m)
                if a is None:
                    assert card.status == "none" and m not in running
                    continue
                assert (a.principal_cents, a.bonus_cents) == (card.principal, card.bonus)
                assert (a.status, a.period_start_id) == (card.status, card.period_start)
                assert a.principal_cents >= 0 and a.bonus_cents >= 0
                # The ledger since the beginning sums to the card; its last line says so.
                assert running[m] == (a.principal_cents, a.bonus_cents)
                if a.status == "closed":
                    assert (a.principal_cents, a.bonus_cents) == (0, 0)
            principal = sum(c.principal for c in self.cards.values())
            bonus = sum(c.bonus for c in self.cards.values())
            end = self.clock.now() + timedelta(seconds=1)
            f = pp.figures_in(s, self.start, end)
            assert (f.liability_cents, f.liability_principal_cents) == (
                principal + bonus,
                principal,
            )
            assert f.cards == sum(1 for c in self.cards.values() if c.balance > 0)
            assert f.refunded_cents == self.refunded_cash
            # The period's flows, each void netted against the kind of what it undoes.
            kept = [x for x in self.lines.values() if not x.voided]
            recharges = [x for x in kept if x.kind == "recharge"]
            spends = [x for x in kept if x.kind == "spend"]
            assert (f.recharged_cents, f.bonus_given_cents) == (
                sum(x.principal for x in recharges),
                sum(x.bonus for x in recharges),
            )
            assert (f.spent_principal_cents, f.spent_bonus_cents) == (
                -sum(x.principal for x in spends),
                -sum(x.bonus for x in spends),
            )
            assert f.forfeited_bonus_cents == -sum(x.bonus for x in kept if x.kind == "refund")
            for at, p_then, b_then in self.snapshots:
                then = pp.figures_in(s, self.start, at)
                assert (then.liability_principal_cents, then.liability_cents) == (
                    p_then,
                    p_then + b_then,
                )
        assert pp.liability(self.ctx) == (principal, bonus)
        for m in self.members:
            shown = {v.id: v.voided for v in pp.entries(self.ctx, m)}
            assert shown == {x.id: x.voided for x in self.lines.values() if x.member_id == m}
            c = pp.card(self.ctx, m)
            assert (c.principal_cents, c.bonus_cents, c.status) == (
                self.cards[m].principal,
                self.cards[m].bonus,
                self.cards[m].status,
            )


StoredValueCards.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestStoredValueCards = StoredValueCards.TestCase
