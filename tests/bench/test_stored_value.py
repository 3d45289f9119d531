"""BENCH stored_value: paying from a stored-value card at the counter on the
1,000,000-member store (10,000 members holding cards); BENCH stored_value_race: two
counter processes paying from the same cards at the same instants, the double
applications and negative balances counted from the database afterwards."""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, insert, literal, select

from app import prepaid as pp
from app.bootstrap import open_store
from app.core import requests
from app.core.context import AppContext
from app.members import MemberInput, create_member
from db.models import PrepaidAccount, PrepaidEntry
from tests.bench import test_lookup
from tests.helpers import card_ledger_problems, race_card

CARDS = int(os.environ.get("BENCH_CARDS", "10000"))
SPENDS = int(os.environ.get("BENCH_SPENDS", "10000"))
RACE_SPENDS = 1000
OPENING = (300_000, 100_000)  # ¥3,000 paid + ¥1,000 bonus on each bench card
SPAWN = multiprocessing.get_context("spawn")


def card_holders(ctx: AppContext) -> list[int]:
    """Every (N / CARDS)th member holds a card. Added once, in bulk (an opening recharge in
    the ledger and the card it opened, no audit lines), to the reused member store; cards
    a previous run spent low are recharged the ordinary way."""
    step = max(test_lookup.N // CARDS, 1)
    holders = list(range(step, step * CARDS + 1, step))
    with ctx.uow() as uow:
        have = uow.session.scalar(select(func.count()).select_from(PrepaidAccount)) or 0
    if have < CARDS:
        print(f"\nadding {CARDS:,} stored-value cards to {test_lookup.DATA} (once)...", flush=True)
        now = ctx.clock.now()
        with ctx.engine.begin() as conn:
            known = set(conn.scalars(select(PrepaidAccount.member_id)))
            new = [m for m in holders if m not in known]
            conn.execute(
                insert(PrepaidEntry.__table__),  # type: ignore[arg-type]
                [
                    {
                        "member_id": m,
                        "at": now,
                        "kind": "recharge",
                        "principal_cents": OPENING[0],
                        "bonus_cents": OPENING[1],
                        "principal_after": OPENING[0],
                        "bonus_after": OPENING[1],
                        "cash_cents": OPENING[0],
                        "method": "cash",
                        "reason": "bench opening",
                    }
                    for m in new
                ],
            )
            opened = select(
                PrepaidEntry.member_id,
                PrepaidEntry.principal_after,
                PrepaidEntry.bonus_after,
                literal("open"),
                PrepaidEntry.at,
                PrepaidEntry.id,
            ).where(
                PrepaidEntry.reason == "bench opening",
                PrepaidEntry.member_id.not_in(select(PrepaidAccount.member_id)),
            )
            conn.execute(
                insert(PrepaidAccount).from_select(
                    ["member_id", "principal_cents", "bonus_cents", "status", "opened_at",
                     "period_start_id"],
                    opened,
                )
            )  # fmt: skip
    with ctx.uow() as uow:
        low = list(
            uow.session.scalars(
                select(PrepaidAccount.member_id).where(
                    PrepaidAccount.principal_cents + PrepaidAccount.bonus_cents < 100_000
                )
            )
        )
    for m in low:
        pp.recharge(ctx, pp.RechargeInput(m, "cash", pay_cents=OPENING[0]), confirmed=True)
    return holders


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def test_bench_stored_value() -> None:
    ctx = test_lookup.store()
    holders = card_holders(ctx)
    rng = random.Random(20261102)

    def one_spend() -> float:
        member_id = rng.choice(holders)
        amount = rng.randint(1, 300) * 100  # ¥1 .. ¥300
        request_id = requests.new_id()
        started = time.perf_counter()
        pp.spend(ctx, member_id, amount, "bench", request_id=request_id)
        return (time.perf_counter() - started) * 1000

    for _ in range(200):  # a counter that has been open a while
        one_spend()
    times = [one_spend() for _ in range(SPENDS)]
    ctx.close()
    print(
        f"\nBENCH stored_value members={test_lookup.N} spends={SPENDS} "
        f"per_spend_ms={_p95(times):.2f} median_ms={statistics.median(times):.2f}"
    )


@pytest.mark.parametrize("where", ["sqlite", "pg"])
def test_bench_stored_value_race(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two counters, RACE_SPENDS / 2 tries each in lockstep, both on the same card at each
    instant: ten cards of ¥40 (¥30 paid, ¥10 bonus) and ¥1 a try, so 400 go through."""
    if where == "pg":
        if os.environ.get("FRONTDESK_BENCH_PG") != "1":
            pytest.skip("needs a PostgreSQL server: make bench runs it inside pg_virtualenv")
        from tests.bench.test_pg import _database

        url, _ready = _database("bench_stored_value_race", None)
        monkeypatch.setenv("FRONTDESK_DB_URL", url)  # the counters' processes inherit it
    ctx = open_store(tmp_path / "counter", system=True)
    cards = []
    for n in range(10):
        m = create_member(ctx, MemberInput(name=f"储值{n}", phone=f"1390000{n:04d}")).id
        pp.recharge(ctx, pp.RechargeInput(m, "cash", pay_cents=3_000, bonus_cents=1_000), True)
        cards.append(m)
    tries = [[requests.new_id() for _ in range(RACE_SPENDS // 2)] for _ in range(2)]
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    counters = [
        SPAWN.Process(
            target=race_card,
            args=(str(tmp_path / "counter"), cards, 100, tries[n], barrier, results),
        )
        for n in range(2)
    ]
    started = time.perf_counter()
    for c in counters:
        c.start()
    outcomes = [results.get(timeout=300) for _ in range(RACE_SPENDS)]
    elapsed = time.perf_counter() - started
    for c in counters:
        c.join(60)
        assert c.exitcode == 0
    answered = Counter(o[1] for o in outcomes)
    ok = {o[0] for o in outcomes if o[1] == "ok"}
    with ctx.uow() as uow:
        s = uow.session
        saved = Counter(
            s.scalars(select(PrepaidEntry.request_id).where(PrepaidEntry.kind == "spend"))
        )
        spent = dict(
            s.execute(
                select(PrepaidEntry.member_id, -func.sum(PrepaidEntry.principal_cents
                                                         + PrepaidEntry.bonus_cents))
                .where(PrepaidEntry.kind == "spend")
                .group_by(PrepaidEntry.member_id)
            ).all()
        )  # fmt: skip
        negative = (
            s.scalar(
                select(func.count())
                .select_from(PrepaidAccount)
                .where((PrepaidAccount.principal_cents < 0) | (PrepaidAccount.bonus_cents < 0))
            )
            or 0
        ) + (
            s.scalar(
                select(func.count())
                .select_from(PrepaidEntry)
                .where((PrepaidEntry.principal_after < 0) | (PrepaidEntry.bonus_after < 0))
            )
            or 0
        )
    problems = card_ledger_problems(ctx)
    ctx.close()
    # Applied twice: a request saved more than once, a spend saved that its counter was
    # told was refused, a card paying out more than it held.
    double = (
        sum(n - 1 for n in saved.values() if n > 1)
        + sum(1 for rid in saved if rid not in ok)
        + sum(1 for m in cards if int(spent.get(m, 0)) > 4_000)
    )
    lost = sum(1 for rid in ok if rid not in saved)
    name = "stored_value_race" if where == "sqlite" else "stored_value_race_pg"
    print(f"\ntries={RACE_SPENDS} in {elapsed:.1f} s (both counters, starting included)")
    print(
        f"BENCH {name} processes=2 spends={RACE_SPENDS} double={double} negative={negative} "
        f"ok={answered['ok']} refused={answered['prepaid.not_enough']} lost={lost}"
    )
    assert double == 0 and negative == 0 and lost == 0 and problems == []
    assert answered == {"ok": 400, "prepaid.not_enough": 600}
