"""Stored-value cards with several counters on a real PostgreSQL server (make test-pg).

On the server nothing serialises two counters' transactions as SQLite's one writer does:
the card's row lock and the conditional UPDATE do. Here the counters race for real (two
processes), and, to make the worst interleavings happen every time, another counter's
transaction holds the card's row while two writes queue behind it in a set order."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app import prepaid as pp
from app.core import requests
from app.core.context import AppContext
from app.core.errors import Conflict
from app.members import get_profile
from tests.helpers import card_ledger_problems, make_member, race_card

pytestmark = [pytest.mark.server_only, pytest.mark.clock("morning")]  # not about the day
SPAWN = multiprocessing.get_context("spawn")


def card_of(ctx: AppContext, principal: int, bonus: int = 0) -> int:
    m = make_member(ctx).id
    pp.recharge(ctx, pp.RechargeInput(m, "cash", pay_cents=principal, bonus_cents=bonus), True)
    return m


def _waiting(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ).fetchone()
    return int(row[0]) if row else 0


@contextmanager
def _watching(url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


def queued_behind_a_held_card(url: str, member_id: int, *writes: Callable[[], Any]) -> list[Any]:
    """Another counter holds the card's row; each write starts in turn (in a thread of its
    own) and is let go only once it waits on a lock; then the row is released. Returns
    each write's result, or the exception it raised."""
    outcomes: list[Any] = [None] * len(writes)

    def run(n: int) -> None:
        try:
            outcomes[n] = writes[n]()
        except Exception as exc:  # the outcome under test, refusals included
            outcomes[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(writes))]
    with _watching(url) as watch, psycopg.connect(url) as holder:
        holder.execute(
            "SELECT 1 FROM prepaid_accounts WHERE member_id = %s FOR UPDATE", (member_id,)
        )
        for n, t in enumerate(threads, start=1):
            t.start()
            deadline = time.monotonic() + 20
            while _waiting(watch) < n:
                assert time.monotonic() < deadline, f"write {n} never waited on the card"
                time.sleep(0.01)
        holder.rollback()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    return outcomes


def test_two_counters_race_a_thousand_tries_each_over_five_cards(
    ctx: AppContext, data_dir: Path
) -> None:
    """One counter checks visits out paying ¥1 from the card, the other spends ¥1, in
    lockstep, 1,000 times each over five cards of ¥100: exactly 500 go through."""
    cards = [card_of(ctx, 8_000, 2_000) for _ in range(5)]
    tries = [[requests.new_id() for _ in range(1_000)] for _ in range(2)]
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    counters = [
        SPAWN.Process(
            target=race_card,
            args=(str(data_dir), cards, 100, tries[n], barrier, results, n == 0),
        )
        for n in range(2)
    ]
    for c in counters:
        c.start()
    outcomes = [results.get(timeout=300) for _ in range(2_000)]
    for c in counters:
        c.join(60)
        assert c.exitcode == 0
    assert Counter(o[1] for o in outcomes) == {"ok": 500, "prepaid.not_enough": 1_500}
    assert all(o[2] >= 0 and o[3] >= 0 for o in outcomes if o[1] == "ok")
    checked_out = sum(1 for o in outcomes if o[1] == "ok" and o[0] in set(tries[0]))
    assert sum(get_profile(ctx, m).visit_count for m in cards) == checked_out
    assert [pp.card(ctx, m).balance_cents for m in cards] == [0] * 5
    assert card_ledger_problems(ctx) == []
    assert pp.liability(ctx) == (0, 0)


def test_the_same_spend_twice_at_once_is_one_spend(ctx: AppContext, store_database: str) -> None:
    """A repeat racing the original, waiting behind it for the card: it hands back the
    spend the original made, not "not enough" (¥100 covers ¥60 once)."""
    m = card_of(ctx, 10_000)
    rid = requests.new_id()
    first, second = queued_behind_a_held_card(
        store_database,
        m,
        lambda: pp.spend(ctx, m, 6_000, request_id=rid),
        lambda: pp.spend(ctx, m, 6_000, request_id=rid),
    )
    assert isinstance(first, pp.EntryView) and second == first
    assert pp.card(ctx, m).balance_cents == 4_000
    assert card_ledger_problems(ctx) == []


def test_the_same_refund_twice_at_once_is_one_refund(ctx: AppContext, store_database: str) -> None:
    m = card_of(ctx, 10_000)
    rid = requests.new_id()
    first, second = queued_behind_a_held_card(
        store_database,
        m,
        lambda: pp.refund(ctx, m, "搬家", request_id=rid),
        lambda: pp.refund(ctx, m, "搬家", request_id=rid),
    )
    assert isinstance(first, pp.EntryView) and second == first
    assert first.cash_cents == 10_000
    assert card_ledger_problems(ctx) == []


def test_two_managers_void_the_same_entry_at_once(ctx: AppContext, store_database: str) -> None:
    """One void goes through; the other is refused saying it was voided already (not a
    database error), and the money comes back once."""
    m = card_of(ctx, 10_000)
    spent = pp.spend(ctx, m, 3_000)
    first, second = queued_behind_a_held_card(
        store_database,
        m,
        lambda: pp.void(ctx, spent.id, "弄错了"),
        lambda: pp.void(ctx, spent.id, "弄错了"),
    )
    assert isinstance(first, pp.EntryView) and first.voids_id == spent.id
    assert isinstance(second, Conflict) and second.code == "prepaid.voided_already"
    assert pp.card(ctx, m).balance_cents == 10_000
    assert card_ledger_problems(ctx) == []
    # The same void sent twice (a lost answer): the one void, handed back.
    again = pp.spend(ctx, m, 1_000)
    rid = requests.new_id()
    first, second = queued_behind_a_held_card(
        store_database,
        m,
        lambda: pp.void(ctx, again.id, "弄错了", rid),
        lambda: pp.void(ctx, again.id, "弄错了", rid),
    )
    assert isinstance(first, pp.EntryView) and second == first
    assert pp.card(ctx, m).balance_cents == 10_000


def test_a_recharge_waiting_behind_a_refund_opens_the_card_again(
    ctx: AppContext, store_database: str
) -> None:
    """The refund closes the card while a recharge at another counter waits for it: the
    recharge starts a new period on an open card (its money is neither stuck on a closed
    card nor left out of the next refund)."""
    m = card_of(ctx, 10_000)
    refunded, recharged = queued_behind_a_held_card(
        store_database,
        m,
        lambda: pp.refund(ctx, m, "搬家"),
        lambda: pp.recharge(ctx, pp.RechargeInput(m, "cash", pay_cents=5_000), True),
    )
    assert isinstance(refunded, pp.EntryView) and refunded.cash_cents == 10_000
    assert isinstance(recharged, pp.EntryView)
    assert pp.card(ctx, m) == pp.CardView(m, 5_000, 0, "open")
    assert card_ledger_problems(ctx) == []
    assert pp.refund_preview(ctx, m).refund == 5_000
