"""Two counters (two processes) paying from the same stored-value card at the same
instants: never below zero, nothing lost, nothing applied twice, the ledger still the
card's sum. On the store's file, and on a server under make test-pg;
tests/server/test_prepaid.py adds the server's worst interleavings, made every time."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app import prepaid as pp
from app.core import requests
from app.core.context import AppContext
from app.members import get_profile
from db.models import PrepaidEntry
from tests.helpers import card_ledger_problems, make_member, race_card

# Who gets there first has nothing to do with the time of day.
pytestmark = pytest.mark.clock("morning")
SPAWN = multiprocessing.get_context("spawn")


def card_of(ctx: AppContext, principal: int, bonus: int) -> int:
    """A member whose card holds `principal` paid in and `bonus` on top."""
    m = make_member(ctx).id
    pp.recharge(ctx, pp.RechargeInput(m, "cash", pay_cents=principal, bonus_cents=bonus), True)
    return m


def race(
    data_dir: Path,
    member_ids: list[int],
    amount: int,
    tries: list[list[str]],
    checkout: tuple[bool, bool] = (False, False),
) -> list[tuple[Any, ...]]:
    """Two counters, counter n making the tries tries[n] in lockstep; every outcome."""
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    counters = [
        SPAWN.Process(
            target=race_card,
            args=(str(data_dir), member_ids, amount, tries[n], barrier, results, checkout[n]),
        )
        for n in range(2)
    ]
    for c in counters:
        c.start()
    outcomes = [results.get(timeout=300) for _ in range(len(tries[0]) + len(tries[1]))]
    for c in counters:
        c.join(timeout=60)
        assert c.exitcode == 0
    return outcomes


def spends_saved(ctx: AppContext) -> dict[str, tuple[int, int]]:
    """Request id -> (principal, bonus) taken, of every spend in the ledger."""
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(PrepaidEntry.request_id, PrepaidEntry.principal_cents, PrepaidEntry.bonus_cents)
            .where(PrepaidEntry.kind == "spend")
        ).all()  # fmt: skip
    return {str(r): (-int(p), -int(b)) for r, p, b in rows}


def test_both_spend_60_of_100_at_once_one_is_refused(ctx: AppContext, data_dir: Path) -> None:
    m = card_of(ctx, 8_000, 2_000)
    outcomes = race(data_dir, [m], 6_000, [[requests.new_id()], [requests.new_id()]])
    assert sorted(o[1] for o in outcomes) == ["ok", "prepaid.not_enough"]
    [won] = [o for o in outcomes if o[1] == "ok"]
    assert won[2] + won[3] == 4_000
    assert pp.card(ctx, m).balance_cents == 4_000
    assert list(spends_saved(ctx)) == [won[0]]
    assert card_ledger_problems(ctx) == []


def test_a_thousand_dimes_each_from_100_yuan(ctx: AppContext, data_dir: Path) -> None:
    """¥100 (¥80 paid, ¥20 bonus); each counter tries 1,000 spends of ¥0.10 in lockstep:
    exactly 1,000 go through, the other 1,000 are refused, none lost or applied twice."""
    m = card_of(ctx, 8_000, 2_000)
    tries = [[requests.new_id() for _ in range(1_000)] for _ in range(2)]
    outcomes = race(data_dir, [m], 10, tries)
    assert Counter(o[1] for o in outcomes) == {"ok": 1_000, "prepaid.not_enough": 1_000}
    ok = {o[0] for o in outcomes if o[1] == "ok"}
    saved = spends_saved(ctx)
    assert set(saved) == ok  # 0 lost, 0 applied without the counter being told
    assert all(p + b == 10 for p, b in saved.values())
    # Every answer a counter showed was a balance at or above zero.
    assert all(o[2] >= 0 and o[3] >= 0 for o in outcomes if o[1] == "ok")
    assert pp.card(ctx, m) == pp.CardView(m, 0, 0, "open")
    assert card_ledger_problems(ctx) == []
    assert pp.liability(ctx) == (0, 0)


def test_the_same_spend_from_two_counters_at_once_is_done_once(
    ctx: AppContext, data_dir: Path
) -> None:
    """A repeat racing the original (the answer was lost; Save pressed again elsewhere):
    both counters get the one entry, the card pays once. ¥100 covers each spend once
    but not twice."""
    cards = [card_of(ctx, 10_000, 0) for _ in range(20)]
    same = [requests.new_id() for _ in cards]
    outcomes = race(data_dir, cards, 6_000, [same, same])
    by_request: dict[str, set[tuple[Any, ...]]] = {}
    for rid, outcome, p, b in outcomes:
        by_request.setdefault(rid, set()).add((outcome, p, b))
    # Each request: one answer, the same on both counters: it went through, once.
    assert by_request == {rid: {("ok", 4_000, 0)} for rid in same}
    assert set(spends_saved(ctx)) == set(same)
    assert [pp.card(ctx, m).balance_cents for m in cards] == [4_000] * 20
    assert card_ledger_problems(ctx) == []


def test_a_checkout_and_a_spend_race_for_the_last_60(ctx: AppContext, data_dir: Path) -> None:
    """One counter checks a visit out paying ¥60 from the card, the other spends ¥60: one
    of them; the refused checkout saved no visit either."""
    cards = [card_of(ctx, 10_000, 0) for _ in range(10)]
    tries = [[requests.new_id() for _ in cards] for _ in range(2)]
    outcomes = race(data_dir, cards, 6_000, tries, checkout=(True, False))
    assert Counter(o[1] for o in outcomes) == {"ok": 10, "prepaid.not_enough": 10}
    checkouts_ok = sum(1 for o in outcomes if o[0] in tries[0] and o[1] == "ok")
    visits = sum(get_profile(ctx, m).visit_count for m in cards)
    assert visits == checkouts_ok
    assert [pp.card(ctx, m).balance_cents for m in cards] == [4_000] * 10
    assert card_ledger_problems(ctx) == []
