"""Search that forgives, as properties over random names: every reading, its initials,
its fuzzy form, any later syllable and the other script (Traditional / Simplified) find
the member; no query returns more than a page; an old store's keys are made again."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, insert

from app import members
from app.admin.demo import seed_demo
from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.names import fuzzy, name_readings
from app.members import MemberInput
from db.models import MemberSearchKey, Setting

# Common surnames (single, compound, and ones read their own way), given-name characters
# with several readings, and Traditional forms.
SURNAMES = [
    "张",
    "王",
    "李",
    "陈",
    "陳",
    "刘",
    "单",
    "曾",
    "覃",
    "区",
    "欧阳",
    "万俟",
    "长孙",
    "诸葛",
]
GIVEN = list("三丰珊乐长行重明宁林生声小大文和朝曲")
PHONES = itertools.count(13000000000)
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> AppContext:
    return open_store(tmp_path_factory.mktemp("forgives"), FakeClock(), system=True)


def add(ctx: AppContext, name: str) -> int:
    return members.create_member(ctx, MemberInput(name=name, phone=str(next(PHONES)))).id


def found(ctx: AppContext, query: str) -> list[int]:
    result = members.search(ctx, query)
    assert len(result.rows) <= members.SEARCH_LIMIT
    return [r.id for r in result.rows]


@PROPERTY
@given(
    surname=st.sampled_from(SURNAMES),
    given_name=st.text(st.sampled_from(GIVEN), min_size=1, max_size=2),
)
def test_every_way_a_name_is_heard_finds_the_member(
    store: AppContext, surname: str, given_name: str
) -> None:
    name = surname + given_name
    member_id = add(store, name)
    for words in name_readings(name):
        full = "".join(words)
        assert member_id in found(store, full), (name, full)
        assert member_id in found(store, "".join(w[0] for w in words)), (name, words)
        assert member_id in found(store, fuzzy(full)), (name, fuzzy(full))
        later = "".join(words[1:])  # from the second syllable on
        if later:
            hits = found(store, later)
            assert member_id in hits or len(hits) == members.SEARCH_LIMIT, (name, later)
    assert member_id in found(store, name)
    assert member_id in found(store, name.replace("陳", "陈"))


@PROPERTY
@given(query=st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz张陈三0123456789"), max_size=6))
def test_no_query_returns_more_than_a_page(store: AppContext, query: str) -> None:
    found(store, query)


def test_an_old_stores_keys_are_made_again(data_dir: Path, clock: FakeClock) -> None:
    ctx = open_store(data_dir, clock, system=True)
    try:
        shan = add(ctx, "单田芳")
        chen = add(ctx, "陳大文")
        # The store as an older version left it: keys by the old rules, no version.
        with ctx.engine.begin() as conn:
            conn.execute(delete(MemberSearchKey))
            conn.execute(delete(Setting).where(Setting.key == "search_keys_version"))
            conn.execute(
                insert(MemberSearchKey),
                [
                    {"key": "yshantianfang", "member_id": shan},
                    {"key": "istf", "member_id": shan},
                    {"key": "n陳大文", "member_id": chen},
                ],
            )
        assert not members.search_keys_current(ctx)
        assert found(ctx, "shantianfang") == [shan]  # the old keys work meanwhile
        assert found(ctx, "陈") == []
        seen: list[tuple[int, int]] = []
        assert members.rebuild_search_keys(ctx, lambda d, t: seen.append((d, t)), batch=1) == 2
        assert seen == [(1, 2), (2, 2)]
        assert members.search_keys_current(ctx)
        assert found(ctx, "陈") == [chen] and found(ctx, "dantianfang") == [shan]
    finally:
        ctx.close()


def test_a_new_store_is_current_without_a_rebuild(ctx: AppContext) -> None:
    assert members.search_keys_current(ctx)
    add(ctx, "张三")
    assert members.search_keys_current(ctx)


@pytest.mark.sqlite_only("caught at SQLite's BEGIN IMMEDIATE; a server locks the rows")
def test_a_member_edited_during_the_rebuild_keeps_the_keys_of_the_edit(ctx: AppContext) -> None:
    """The rebuild makes a batch's keys between its read and its write (so the write
    lock is held only to write); a member renamed in between keeps the keys their save
    made, not the ones made from the name read before."""
    first = add(ctx, "单田芳")
    add(ctx, "陈大文")
    renamed: list[str] = []

    def rename_before_the_first_write(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if statement == "BEGIN IMMEDIATE" and not renamed:  # the rebuild's first write
            renamed.append("李四")
            profile = members.get_profile(ctx, first)
            members.update_member(
                ctx, first, MemberInput(name="李四", phone=profile.phone, gender=profile.gender)
            )

    event.listen(ctx.engine, "before_cursor_execute", rename_before_the_first_write)
    try:
        assert members.rebuild_search_keys(ctx, batch=10) == 2
    finally:
        event.remove(ctx.engine, "before_cursor_execute", rename_before_the_first_write)
    assert renamed
    assert found(ctx, "李四") == [first] and found(ctx, "ls") == [first]
    assert found(ctx, "单田芳") == [] and found(ctx, "stf") == []
    assert found(ctx, "陈大文") != []


@pytest.mark.sqlite_only("SQLite's one writer")
def test_the_counter_saves_members_while_their_keys_are_rebuilt(ctx: AppContext) -> None:
    """After an upgrade the keys are made again in the background, minutes at a big
    store; the counter adds members meanwhile, none refused ("database is locked")."""
    seed_demo(ctx, 3000, visits_per_member=0)
    with ctx.engine.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key == "search_keys_version"))
    rebuilt: list[int] = []
    rebuilding = threading.Thread(
        target=lambda: rebuilt.append(members.rebuild_search_keys(ctx, batch=500))
    )
    rebuilding.start()
    added: list[int] = []
    try:
        while rebuilding.is_alive() or not added:
            added.append(add(ctx, "新客人"))
    finally:
        rebuilding.join()
    assert rebuilt and rebuilt[0] >= 3000
    assert set(found(ctx, "新客人")) <= set(added) and found(ctx, "xkr")
    assert members.search_keys_current(ctx)
