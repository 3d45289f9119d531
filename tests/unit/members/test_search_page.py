"""The lookup's one statement (db.repositories.search_page) against the rule it stands
for, written plainly in Python; and what happens when its database fails it.

On SQLite here, on PostgreSQL under `make test-pg` (the same store fixtures)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, event, text, update
from sqlalchemy.exc import DBAPIError

from app import members
from app.admin.demo import seed_demo
from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import Forbidden, Unavailable
from db.engine import DB_FILENAME, driver_cursor, fetch_direct, make_engine, make_session_factory
from db.models import Member
from db.repositories import FUZZY, KEY_END, PLAIN, RARE, MemberRepository, search_page
from tests import pg
from tests.helpers import make_member

PEOPLE = 7
# Few letters, short keys: prefixes that overlap, exact keys, members found several ways.
KEYS = st.text(alphabet="xyz", min_size=1, max_size=3)
STATS = st.tuples(
    st.booleans(),  # active
    st.none() | st.integers(min_value=0, max_value=3),  # last visit, days ago (few: ties)
    st.integers(min_value=0, max_value=2),  # visits
)
PLANS = st.lists(
    st.tuples(KEYS, st.sampled_from((PLAIN, RARE, FUZZY))), min_size=1, max_size=5
).map(lambda plan: sorted(plan, key=lambda p: p[1]))  # plain, rare, then fuzzy prefixes
NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def expected(
    keys: dict[int, set[str]],
    stats: dict[int, tuple[bool, int | None, int]],
    plan: list[tuple[str, int]],
    limit: int,
) -> list[int]:
    """The documented rule: each prefix's first `limit` keys in byte order; a member at
    their best (tier: 0 exact, 1 prefix of a plain prefix, 2 and 3 of a rare one, 4 fuzzy;
    then the scan, the key); the tiers after
    the limit-th candidate's cut; ranked by tier, active, seen recently (never last),
    often, then how they were found, then id."""
    every = sorted((k, m) for m, ks in keys.items() for k in ks)
    best: dict[int, tuple[int, int, str]] = {}
    for i, (prefix, grade) in enumerate(plan):
        found = [(k, m) for k, m in every if prefix <= k < prefix + KEY_END][:limit]
        for k, m in found:
            tier = 4 if grade == FUZZY else 2 * grade + (0 if k == prefix else 1)
            rank = (tier, i, k)
            best[m] = min(best.get(m, rank), rank)
    tiers = sorted(rank[0] for rank in best.values())
    last_tier = tiers[limit - 1] if len(tiers) >= limit else 9

    def order(m: int) -> tuple[Any, ...]:
        active, days_ago, visits = stats[m]
        return (best[m][0], not active, 99 if days_ago is None else days_ago, -visits, best[m], m)

    return sorted((m for m in best if best[m][0] <= last_tier), key=order)[:limit]


@pytest.fixture
def people(ctx: AppContext) -> list[int]:
    return [make_member(ctx, f"客人{i}", f"1380000{i:04d}").id for i in range(PEOPLE)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sets(KEYS, max_size=4), min_size=PEOPLE, max_size=PEOPLE),
    st.lists(STATS, min_size=PEOPLE, max_size=PEOPLE),
    PLANS,
    st.integers(min_value=1, max_value=5),
)
def test_the_page_is_the_rule(
    ctx: AppContext,
    people: list[int],
    key_sets: list[set[str]],
    stat_list: list[tuple[bool, int | None, int]],
    plan: list[tuple[str, int]],
    limit: int,
) -> None:
    keys = dict(zip(people, key_sets, strict=True))
    stats = dict(zip(people, stat_list, strict=True))
    with ctx.uow(write=True) as uow:
        MemberRepository(uow.session).replace_keys_of(keys)
        for m, (active, days_ago, visits) in stats.items():
            last = None if days_ago is None else NOON - timedelta(days=days_ago)
            uow.session.execute(
                update(Member)
                .where(Member.id == m)
                .values(active=active, last_visit_at=last, visit_count=visits)
            )
        uow.commit()
    got = ctx.direct_read(search_page, plan, limit)
    assert [row[0] for row in got] == expected(keys, stats, plan, limit)
    for row in got:  # typed as through SQLAlchemy
        assert isinstance(row[10], bool)
        assert row[9] is None or row[9].tzinfo is UTC


def test_nothing_asked_nothing_read(ctx: AppContext) -> None:
    assert search_page(ctx.engine, [], 30) == []
    assert search_page(ctx.engine, [("n张", PLAIN)], 0) == []
    with pytest.raises(ValueError, match="order"):
        search_page(ctx.engine, [("fzs", FUZZY), ("izs", PLAIN)], 30)
    with pytest.raises(ValueError, match="order"):
        search_page(ctx.engine, [("rzs", RARE), ("izs", PLAIN)], 30)


def test_signed_out_nothing_is_looked_up(ctx: AppContext) -> None:
    make_member(ctx, "张三", "13800138000")
    counter = ctx.as_system()
    counter.system = False  # the counter app with nobody signed in
    with pytest.raises(Forbidden):
        members.search(counter, "zs")
    with pytest.raises(Forbidden):
        counter.direct_read(search_page, [("izs", PLAIN)], 30)


def test_a_database_error_comes_out_as_sqlalchemys_and_the_connection_is_kept(
    tmp_path: Any,
) -> None:
    engine = make_engine(tmp_path / "empty.sqlite3")  # no tables: the statement fails
    try:
        with pytest.raises(DBAPIError) as failed:
            search_page(engine, [("izs", PLAIN)], 30)
        assert not failed.value.connection_invalidated
        assert engine.pool.checkedout() == 0  # given back
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_lookups_racing_on_two_threads_each_find_their_own(ctx: AppContext) -> None:
    """The engine keeps one connection for lookups; a second caller meanwhile (another
    thread) reads on a pooled one: every answer right, nothing left checked out."""
    make_member(ctx, "张三", "13800138000")
    make_member(ctx, "李四", "13900139000")
    wrong: list[object] = []

    def look(prefix: str, name: str) -> None:
        for _ in range(150):
            got = search_page(ctx.engine, [(prefix, PLAIN)], 30)
            if [row[3] for row in got] != [name]:
                wrong.append(got)

    threads = [
        threading.Thread(target=look, args=("n张", "张三")),
        threading.Thread(target=look, args=("n李", "李四")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong
    assert ctx.engine.pool.checkedout() == 0


MAPS = Path("/proc/self/maps")
PAGEMAP = Path("/proc/self/pagemap")


def _mapped_pages(path: Path, pages: list[int]) -> list[int]:
    """Those of the file's pages (1-based, 4 kB: the store's page size) that this process
    has in its page tables, in some mapping of the whole file (Linux's /proc/self/pagemap:
    bit 63 of a virtual page's entry says it is present)."""
    starts = [
        int(line.split("-")[0], 16)
        for line in MAPS.read_text().splitlines()
        if line.endswith(" " + str(path)) and line.split()[2] == "00000000"
    ]
    present = set()
    with PAGEMAP.open("rb") as pagemap:
        for start in starts:
            for page in pages:
                pagemap.seek((start // 4096 + page - 1) * 8)
                if int.from_bytes(pagemap.read(8), "little") >> 63:
                    present.add(page)
    return sorted(present)


@pytest.mark.sqlite_only("each connection's own mapping of the file")
@pytest.mark.skipif(not PAGEMAP.exists(), reason="reads Linux's view of the process's memory")
def test_the_warm_up_maps_every_page_a_lookup_reads_on_its_connection(
    ctx: AppContext, data_dir: Path, clock: FakeClock
) -> None:
    """Once after the store opens, the lookup's own connection reads every page of the
    search keys and of the members (the first read of a page through a connection's
    mapping of the file is a page fault, dear on a virtual machine): those pages are then
    in the process's page tables, before any keystroke."""
    seed_demo(ctx, 2000, visits_per_member=0)
    ctx.close()  # the day's start: the store as the last close left it
    store = (data_dir / DB_FILENAME).resolve()
    with sqlite3.connect(store) as con:
        assert con.execute("PRAGMA page_size").fetchone() == (4096,)
        pages = [
            page
            for (page,) in con.execute(
                "SELECT pageno FROM dbstat WHERE name IN ('members', 'member_search_keys')"
            )
        ]
    assert len(pages) > 200
    opened = open_store(data_dir, clock, system=True)
    try:
        assert len(_mapped_pages(store, pages)) < len(pages) / 2  # opening reads few
        assert members.warm_lookup(opened) == 2000
        assert _mapped_pages(store, pages) == sorted(pages)
        assert members.search(opened, "1").rows  # (and the lookup reads on it)
    finally:
        opened.close()


@pytest.mark.server_only
def test_nothing_to_warm_on_a_server(ctx: AppContext) -> None:
    make_member(ctx, "张三", "13800138000")
    assert members.warm_lookup(ctx) == -1  # the server's cache is its own
    assert [row.name for row in members.search(ctx, "zs").rows] == ["张三"]


def _backends(ctx: AppContext, name: str) -> list[str]:
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT state FROM pg_stat_activity WHERE application_name = :name"),
                {"name": name},
            ).scalars()
        )


@pytest.mark.server_only
def test_a_lookup_after_the_server_dropped_its_connection(ctx: AppContext) -> None:
    """The server restarted between two keystrokes: the lookup's kept connection is found
    broken, replaced and the lookup done on the new one (as the pool's pre-ping would
    have). Between lookups no transaction is left open; dispose closes it."""
    make_member(ctx, "张三", "13800138000")
    url = ctx.engine.url.render_as_string(hide_password=False)
    engine = create_engine(
        url, pool_size=1, max_overflow=0, connect_args={"application_name": "fd-lookup-test"}
    )
    counter = AppContext(engine=engine, session_factory=make_session_factory(engine), system=True)

    try:
        assert len(search_page(engine, [("n张", PLAIN)], 30)) == 1
        assert _backends(ctx, "fd-lookup-test") == ["idle"]  # not "idle in transaction"
        assert pg.terminate(ctx.engine, "fd-lookup-test") == 1
        assert len(search_page(engine, [("n张", PLAIN)], 30)) == 1  # on a new connection
        assert pg.terminate(ctx.engine, "fd-lookup-test") == 1
        assert [r.name for r in members.search(counter, "张").rows] == ["张三"]
        with engine.connect() as conn:  # the pool's own connections work alongside
            assert conn.execute(text("SELECT 1")).scalar() == 1
        assert engine.pool.checkedout() == 0
    finally:
        engine.dispose()
    assert _backends(ctx, "fd-lookup-test") == []  # closed with the pool's


@pytest.mark.server_only
def test_a_lookup_whose_pooled_connection_the_server_dropped(ctx: AppContext) -> None:
    """The pooled path (a second caller's): the break met mid-statement (no pre-ping)
    comes out as an error that says so, the broken connection dropped from the pool and
    the next read on a new one."""
    url = ctx.engine.url.render_as_string(hide_password=False)
    engine = create_engine(
        url, pool_size=1, max_overflow=0, connect_args={"application_name": "fd-pooled-test"}
    )

    def read() -> object:
        with driver_cursor(engine) as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchall()

    try:
        assert read() == [(1,)]
        assert pg.terminate(ctx.engine, "fd-pooled-test") == 1
        with pytest.raises(DBAPIError) as failed:
            read()
        assert failed.value.connection_invalidated
        assert read() == [(1,)]
    finally:
        engine.dispose()


@pytest.mark.server_only
def test_a_lookup_with_the_server_gone_says_it_cannot_be_reached(ctx: AppContext) -> None:
    url = ctx.engine.url.set(port=1).render_as_string(hide_password=False)  # nobody there
    engine = make_engine(url)
    counter = AppContext(engine=engine, session_factory=make_session_factory(engine), system=True)
    try:
        with pytest.raises(Unavailable) as unavailable:
            counter.direct_read(search_page, [("n张", PLAIN)], 30)
        assert unavailable.value.code == "db.unreachable"
        with pytest.raises(Unavailable):  # and again: nothing half-made was kept
            members.search(counter, "张")
    finally:
        engine.dispose()


@pytest.mark.server_only
def test_the_lookup_is_planned_once_on_a_server(ctx: AppContext) -> None:
    """Keystroke after keystroke the server runs the lookup's one prepared plan: none
    made again for each new value (its 'auto' mode did, 0.2-2 ms a keystroke). A second
    store's lookups on the same server go unchanged by it: set on the kept connection
    only."""
    make_member(ctx, "张三", "13800138000")
    for typed in ("z", "zh", "zha", "zhan", "zhang", "zhangs", "zhangsa", "zhangsan", "zs"):
        assert members.search(ctx, typed).rows[0].name == "张三"
    plans = fetch_direct(
        ctx.engine,
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE %(like)s",
        {"like": "%member_search_keys%"},
    )
    assert plans, "the lookup was not prepared"
    assert sum(g for g, _ in plans) >= 1
    assert sum(c for _, c in plans) == 0
    with ctx.engine.connect() as conn:  # the pool's connections keep the server's default
        assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "auto"


@pytest.mark.server_only
def test_a_lookup_whose_new_connection_the_server_dropped_at_once(ctx: AppContext) -> None:
    """The server goes between the lookup's connect and its first statement: the
    counter is told the server cannot be reached (not the driver's raw error), the
    half-made connection is closed, and the next keystroke's lookup works."""
    make_member(ctx, "张三", "13800138000")
    url = ctx.engine.url.render_as_string(hide_password=False)
    engine = create_engine(
        url, pool_size=1, max_overflow=0, connect_args={"application_name": "fd-half-made"}
    )
    counter = AppContext(engine=engine, session_factory=make_session_factory(engine), system=True)
    dropped: list[int] = []

    def drop_first(*_args: object) -> None:
        if not dropped:
            dropped.append(pg.terminate(ctx.engine, "fd-half-made"))

    event.listen(engine, "checkout", drop_first)
    try:
        with pytest.raises(Unavailable) as unavailable:
            members.search(counter, "张")
        assert unavailable.value.code == "db.unreachable"
        assert dropped == [1]
        assert _backends(ctx, "fd-half-made") == []  # nothing left open on the server
        assert [r.name for r in members.search(counter, "张").rows] == ["张三"]
    finally:
        engine.dispose()
