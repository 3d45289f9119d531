"""Small builders shared by tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app import members
from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.members import MemberInput, MemberProfile
from tests import pg

_PHONE = iter(range(13800000000, 13900000000, 7))


@contextmanager
def counter_meanwhile(
    ctx: AppContext, when: Callable[[str], bool], act: Callable[[], object], between: bool = False
) -> Iterator[list[threading.Thread]]:
    """Another counter acts while this one works: the first time a statement for which
    `when(statement)` holds is about to run, `act` starts on a thread of its own. Then
    this one waits 0.3 s, long enough for it to go in were it let in (a write waiting for
    a lock), or, `between`, until it is done (a commit between two reads). Yields the
    threads started (none, if no statement matched); joins them on leaving."""
    started: list[threading.Thread] = []

    def hook(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if when(statement) and not started:  # (when sees every statement)
            started.append(threading.Thread(target=act))
            started[0].start()
            if between:
                started[0].join()
            else:
                time.sleep(0.3)

    event.listen(ctx.engine, "before_cursor_execute", hook)
    try:
        yield started
    finally:
        event.remove(ctx.engine, "before_cursor_execute", hook)
        for thread in started:
            thread.join()


def make_member(
    ctx: AppContext, name: str = "张三", phone: str | None = None, **fields: object
) -> MemberProfile:
    return members.create_member(
        ctx,
        MemberInput(name=name, phone=phone or str(next(_PHONE)), **fields),  # type: ignore[arg-type]
    )


def race_redeem(
    data_dir: str, codes: list[str], barrier: object, results: object, name: str
) -> None:
    """A counter process: for each code, wait for the other counter, then redeem."""
    from app.core.clock import FakeClock
    from app.coupons import CouponError, redeem

    ctx = open_store(data_dir, FakeClock(), system=True)
    try:
        for code in codes:
            barrier.wait()  # type: ignore[attr-defined]
            try:
                redeem(ctx, code, 30000)
                outcome = "ok"
            except CouponError as exc:
                outcome = exc.code
            results.put((code, name, outcome))  # type: ignore[attr-defined]
    finally:
        ctx.close()


def race_points(
    data_dir: str, member_id: int, points: int, barrier: object, results: object
) -> None:
    """A counter process that spends points at the same instant as another."""
    from app.core.clock import FakeClock
    from app.core.errors import Conflict
    from app.loyalty import redeem_points

    ctx = open_store(data_dir, FakeClock(), system=True)
    try:
        barrier.wait()  # type: ignore[attr-defined]
        try:
            redeem_points(ctx, member_id, points)
            results.put("ok")  # type: ignore[attr-defined]
        except Conflict as exc:
            results.put(exc.code)  # type: ignore[attr-defined]
    finally:
        ctx.close()


def crash_writer(data_dir: str, confirmed: str) -> None:
    """Records visits as fast as it can; each one is written to `confirmed` only after
    the service returned (what the receptionist saw as saved). Killed from outside."""
    import os

    from app.members import MemberInput, create_member, record_visit

    ctx = open_store(data_dir, system=True)
    member = create_member(ctx, MemberInput(name="断电测试", phone=str(13900000000 + os.getpid())))
    with open(confirmed, "a", encoding="utf-8") as out:
        amount = 1
        while True:
            record_visit(ctx, member.id, amount, "压力测试")
            out.write(f"{member.id} {amount}\n")
            out.flush()
            os.fsync(out.fileno())
            amount += 1


def crash_runs(base: str, runs: int, seed: int = 1) -> tuple[int, int]:
    """Kills a writer at a random moment `runs` times; returns (lost, corrupt) counts."""
    import multiprocessing
    import os
    import random
    import signal
    import time
    from pathlib import Path

    from sqlalchemy import text

    from app.admin.backup import check_file
    from db.engine import DB_FILENAME

    rng = random.Random(seed)
    spawn = multiprocessing.get_context("spawn")
    data_dir = Path(base) / "store"
    open_store(data_dir, system=True).close()
    lost = corrupt = 0
    for run in range(runs):
        confirmed = Path(base) / f"confirmed-{run}.txt"
        confirmed.write_text("", encoding="utf-8")
        proc = spawn.Process(target=crash_writer, args=(str(data_dir), str(confirmed)))
        proc.start()
        deadline = time.monotonic() + 60
        while not confirmed.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=30)
        if check_file(data_dir / DB_FILENAME):
            corrupt += 1
        promised = {
            tuple(map(int, line.split()))
            for line in confirmed.read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
        ctx = open_store(data_dir, system=True)
        try:
            with ctx.engine.connect() as conn:
                rows = conn.execute(text("SELECT member_id, amount_cents FROM visits"))
                stored = {(member_id, amount) for member_id, amount in rows}
        finally:
            ctx.close()
        lost += len(promised - stored)
    return lost, corrupt


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)


class _Store:
    def __init__(self, ctx: AppContext, clock: FakeClock, record_visit: Any) -> None:
        self.ctx, self.clock, self.record_visit = ctx, clock, record_visit

    def at(self, when: datetime) -> _Store:
        self.clock.set(when)
        return self

    def member(self, name: str, joined: datetime) -> int:
        self.at(joined)
        return make_member(self.ctx, name).id

    def visit(self, member_id: int, when: datetime, yuan: int) -> None:
        self.at(when)
        self.record_visit(self.ctx, member_id, yuan * 100)


def october_store(ctx: AppContext, clock: FakeClock) -> dict[str, int]:
    """The store of tests/unit/reporting/test_dashboard.py, whose figures are worked out by hand
    there (October 2026, Beijing time); returns the members' and campaigns' ids."""
    from app import complaints as cp
    from app import coupons as cu
    from app.loyalty import record_survey
    from app.members import record_visit

    s = _Store(ctx, clock, record_visit)
    ids = {}
    ids["C"] = s.member("陈一", cst(2026, 1, 1, 12))
    for d in (10, 20, 30):
        s.visit(ids["C"], cst(2026, 1, d, 12), 100)
    ids["E"] = s.member("尹五", cst(2026, 8, 1, 12))
    ids["A"] = s.member("安二", cst(2026, 9, 1, 12))
    s.visit(ids["A"], cst(2026, 9, 10, 12), 100)
    s.visit(ids["E"], utc(2026, 9, 30, 17), 50)
    ids["B"] = s.member("白三", cst(2026, 10, 3, 11))
    s.visit(ids["B"], cst(2026, 10, 3, 12), 500)
    s.visit(ids["A"], cst(2026, 10, 5, 12), 200)
    s.visit(ids["A"], cst(2026, 10, 6, 12), 300)
    s.visit(ids["C"], cst(2026, 10, 10, 12), 1000)
    ids["D"] = s.member("丁四", cst(2026, 10, 15, 12))
    for d in (20, 21, 22, 23):
        s.visit(ids["D"], cst(2026, 10, d, 12), 600)
    s.visit(ids["D"], cst(2026, 10, 24, 12), 100)
    s.visit(ids["E"], utc(2026, 10, 31, 16, 30), 70)

    # Surveys.
    s.at(cst(2026, 9, 20, 12))
    record_survey(ctx, 1, member_id=ids["A"])
    for day, score in ((2, 5), (9, 4), (16, 3), (23, 5), (30, 2)):
        s.at(cst(2026, 10, day, 15))
        record_survey(ctx, score, member_id=ids["A"])

    # Complaints.
    def log(category: str, channel: str, when: datetime) -> int:
        s.at(when)
        data = cp.ComplaintInput(channel, category, "…", guest_name="散客")
        return cp.log_complaint(ctx, data).id

    c1 = log("service", "phone", cst(2026, 10, 8, 10))
    s.at(cst(2026, 10, 8, 10, 10))
    cp.respond(ctx, c1, "sorry")
    s.at(cst(2026, 10, 8, 12))
    cp.answer(ctx, c1, "fixed")
    c2 = log("facilities", "counter", cst(2026, 10, 12, 10))
    s.at(cst(2026, 10, 12, 10, 7))
    cp.respond(ctx, c2, "moved the guest")
    log("service", "counter", cst(2026, 10, 20, 10))
    log("food", "online", cst(2026, 11, 1, 10))

    # Coupons.
    s.at(cst(2026, 10, 1, 9))
    terms = cu.CouponTerms(kind="amount", value=1000, valid_days=60)
    x = cu.create_campaign(ctx, "festival", "国庆", terms, per_member=1)
    y = cu.create_campaign(ctx, "member_day", "会员日", terms, per_member=1)
    s.at(cst(2026, 10, 15, 13))
    xs = cu.issue_campaign(ctx, x.id, [ids["A"], ids["B"], ids["C"], ids["D"]]).coupons
    s.at(cst(2026, 10, 16, 13))
    cu.redeem(ctx, xs[0].code, 20000)
    s.at(cst(2026, 10, 25, 13))
    for c in cu.issue_campaign(ctx, y.id, [ids["A"], ids["B"]]).coupons:
        cu.redeem(ctx, c.code, 20000)
    s.at(cst(2026, 10, 26, 13))
    cu.issue_coupon(ctx, terms, member_id=ids["E"])
    ids["X"], ids["Y"] = x.id, y.id
    s.at(cst(2026, 11, 2, 10))
    return ids


PASSWORD = "secret-1"
STAFF = {
    "owner": ("boss", "王老板"),
    "manager": ("mgr", "李经理"),
    "receptionist": ("desk", "小周"),
}


def sign_in_as(ctx: AppContext, role: str) -> None:
    """Signs in one of the store's three people (the owner account is made first, as at a
    store's first start; the others by the owner)."""
    from app import staff

    user, name = STAFF["owner"]
    if not staff.has_staff(ctx):
        staff.create_staff(ctx, user, name, "owner", PASSWORD)
    staff.login(ctx, user, PASSWORD)
    if role != "owner":
        user, name = STAFF[role]
        if user not in {s.username for s in staff.list_staff(ctx)}:
            staff.create_staff(ctx, user, name, role, PASSWORD)
        staff.login(ctx, user, PASSWORD)


@contextmanager
def refused(
    code: str, kind: type[FrontdeskError] = FrontdeskError, **params: object
) -> Iterator[None]:
    """The action is refused with this error code (what the user will read), of this
    kind, with these parameters; not merely "some error"."""
    with pytest.raises(kind) as caught:
        yield
    assert caught.value.code == code, f"refused with {caught.value.code!r}, not {code!r}"
    for key, value in params.items():
        assert caught.value.params.get(key) == value, (key, caught.value.params)


def open_other_store(data_dir: Path, clock: FakeClock | None = None) -> AppContext:
    """A second, separate store in the same test (a CSV imported into a new store): on a
    server run, a database of its own too."""
    url = pg.fresh() if pg.enabled() else None
    return open_store(data_dir, clock, db_url=url, system=True)


def race_card(
    data_dir: str,
    member_ids: list[int],
    amount_cents: int,
    request_ids: list[str],
    barrier: object,
    results: object,
    checkout: bool = False,
) -> None:
    """A counter process paying from stored-value cards: try i pays `amount_cents` from
    card member_ids[i % len] under request_ids[i], each try at the same instant as the
    other counter's (a spend, or a checkout paid wholly from the card). Puts (request id,
    outcome, principal after, bonus after) per try; outcome "ok" or the refusal's code."""
    from app import prepaid
    from app.core.errors import Conflict

    ctx = open_store(data_dir, system=True)
    try:
        for i, request_id in enumerate(request_ids):
            member_id = member_ids[i % len(member_ids)]
            barrier.wait()  # type: ignore[attr-defined]
            try:
                if checkout:
                    done = prepaid.checkout(
                        ctx, member_id, amount_cents, "搓澡",
                        from_card_cents=amount_cents, request_id=request_id,
                    )  # fmt: skip
                    after = (done.principal_after, done.bonus_after)
                else:
                    e = prepaid.spend(ctx, member_id, amount_cents, request_id=request_id)
                    after = (e.principal_after, e.bonus_after)
                results.put((request_id, "ok", *after))  # type: ignore[attr-defined]
            except Conflict as exc:
                results.put((request_id, exc.code, None, None))  # type: ignore[attr-defined]
    finally:
        ctx.close()


def card_ledger_problems(ctx: AppContext) -> list[str]:
    """What is wrong with the stored-value cards, read from the database: a balance below
    zero, a ledger line whose balances after are not those before plus what it changed,
    a card that is not the sum of its ledger. Empty when all is well."""
    from sqlalchemy import select

    from db.models import PrepaidAccount, PrepaidEntry

    problems: list[str] = []
    with ctx.uow() as uow:
        s = uow.session
        running: dict[int, tuple[int, int]] = {}
        for e in s.scalars(select(PrepaidEntry).order_by(PrepaidEntry.id)):
            p, b = running.get(e.member_id, (0, 0))
            p, b = p + e.principal_cents, b + e.bonus_cents
            if (e.principal_after, e.bonus_after) != (p, b):
                problems.append(
                    f"entry {e.id}: after {e.principal_after}/{e.bonus_after}, sum {p}/{b}"
                )
            if p < 0 or b < 0:
                problems.append(f"entry {e.id}: below zero ({p}/{b})")
            running[e.member_id] = (p, b)
        for a in s.scalars(select(PrepaidAccount)):
            have = (a.principal_cents, a.bonus_cents)
            if min(have) < 0:
                problems.append(f"card {a.member_id}: below zero {have}")
            if running.get(a.member_id, (0, 0)) != have:
                problems.append(f"card {a.member_id}: {have}, ledger {running.get(a.member_id)}")
            if a.status == "closed" and have != (0, 0):
                problems.append(f"card {a.member_id}: closed holding {have}")
    return problems
