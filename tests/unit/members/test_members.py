"""Member services against a real SQLite file: validation, search, visits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import members
from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.core.errors import Conflict, NotFound, ValidationError
from app.members import MemberInput
from db.models import Member, MemberSearchKey, Visit
from tests.helpers import make_member, refused


def count(ctx: AppContext, model: type) -> int:
    with ctx.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def names(ctx: AppContext, query: str) -> list[str]:
    return [r.name for r in members.search(ctx, query).rows]


class TestCreate:
    def test_create_assigns_member_no_and_normalises(self, ctx: AppContext) -> None:
        p = members.create_member(
            ctx,
            MemberInput(
                name="  张三 ",
                phone="+86 138-0013-8000",
                card_no="fd001234",
                tags=("常客", "常客", "商务"),
                birthday=date(1990, 5, 21),
                gender="M",
            ),
        )
        assert p.member_no == "100001"
        assert p.name == "张三"
        assert p.phone == "13800138000"
        assert p.phone_masked == "138****8000"
        assert p.card_no == "FD001234"
        assert set(p.tags) == {"常客", "商务"}
        assert p.created_at == ctx.clock.now()

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"phone": "12345"}, "phone.invalid"),
            ({"phone": ""}, "phone.required"),
            ({"phone": "abc"}, "phone.invalid"),
            ({"name": ""}, "field.required"),
            ({"name": "1234"}, "name.invalid"),
            ({"name": "张\x00三"}, "text.control_chars"),
            ({"name": "张" * 65}, "text.too_long"),
            ({"card_no": "ab"}, "card.invalid"),
            ({"card_no": "'; DROP TABLE members;--"}, "card.invalid"),
            ({"gender": "X"}, "gender.invalid"),
            ({"birthday": date(2030, 1, 1)}, "birthday.future"),
            ({"birthday": date(1800, 1, 1)}, "birthday.too_old"),
            ({"tags": tuple(f"t{i}" for i in range(30))}, "tags.too_many"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_saved(
        self, ctx: AppContext, fields: dict[str, object], code: str
    ) -> None:
        data = {"name": "李四", "phone": "13900139000", **fields}
        with pytest.raises(ValidationError) as err:
            members.create_member(ctx, MemberInput(**data))  # type: ignore[arg-type]
        assert err.value.code == code
        assert count(ctx, Member) == 0
        assert count(ctx, MemberSearchKey) == 0

    def test_duplicate_phone_names_the_holder(self, ctx: AppContext) -> None:
        first = make_member(ctx, "张三", "13800138000")
        with pytest.raises(Conflict) as err:
            make_member(ctx, "李四", "138 0013 8000")
        assert err.value.code == "phone.duplicate"
        assert err.value.params["member_no"] == first.member_no
        assert count(ctx, Member) == 1

    def test_duplicate_card_refused(self, ctx: AppContext) -> None:
        make_member(ctx, "张三", card_no="CARD0001")
        with pytest.raises(Conflict) as err:
            make_member(ctx, "李四", card_no="card0001")
        assert err.value.code == "card.duplicate"


class TestEdit:
    def test_update_reindexes_search(self, ctx: AppContext, clock: FakeClock) -> None:
        p = make_member(ctx, "张三", "13800138000")
        clock.advance(minutes=5)
        updated = members.update_member(
            ctx, p.id, MemberInput(name="王五", phone="13700137000", allergies="花生")
        )
        assert updated.updated_at > updated.created_at
        assert names(ctx, "zs") == []
        assert names(ctx, "ww") == ["王五"]
        assert names(ctx, "7000") == ["王五"]
        assert names(ctx, "8000") == []

    def test_update_to_anothers_phone_is_refused(self, ctx: AppContext) -> None:
        make_member(ctx, "张三", "13800138000")
        other = make_member(ctx, "李四", "13900139000")
        with refused("phone.duplicate", Conflict):
            members.update_member(ctx, other.id, MemberInput(name="李四", phone="13800138000"))
        assert members.get_profile(ctx, other.id).phone == "13900139000"

    def test_deactivate_keeps_history_and_blocks_visits(self, ctx: AppContext) -> None:
        p = make_member(ctx)
        members.record_visit(ctx, p.id, 5000)
        off = members.set_active(ctx, p.id, False)
        assert not off.active
        assert off.visit_count == 1
        assert len(off.recent_visits) == 1
        with pytest.raises(Conflict) as err:
            members.record_visit(ctx, p.id, 5000)
        assert err.value.code == "member.inactive"
        # Deactivated members are still found, after active ones.
        assert names(ctx, "zs") == ["张三"]
        assert members.set_active(ctx, p.id, True).active

    def test_unknown_member(self, ctx: AppContext) -> None:
        with refused("member.not_found", NotFound):
            members.get_profile(ctx, 999)


class TestSearch:
    @pytest.fixture
    def people(self, ctx: AppContext) -> AppContext:
        make_member(ctx, "张三", "13800138000", card_no="FD00001234")
        make_member(ctx, "张三丰", "13912345678")
        make_member(ctx, "李四", "15000001234")
        make_member(ctx, "单田芳", "18611112222")
        make_member(ctx, "Tom Smith", "13366667777")
        return ctx

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("zs", ["张三", "张三丰"]),
            ("ZS", ["张三", "张三丰"]),
            ("zsf", ["张三丰"]),
            ("zhangsan", ["张三", "张三丰"]),
            ("zhangsanf", ["张三丰"]),
            ("stf", ["单田芳"]),
            ("shantianfang", ["单田芳"]),
            ("dantianfang", ["单田芳"]),  # every reading of 单
            ("sanfeng", ["张三丰"]),  # full pinyin from any syllable
            ("feng", ["张三丰"]),
            ("张", ["张三", "张三丰"]),
            ("三丰", ["张三丰"]),
            ("四", ["李四"]),
            ("13800138000", ["张三"]),
            ("138 0013 8000", ["张三"]),
            ("1391234", ["张三丰"]),
            ("1234", ["李四"]),  # last 4 digits of the phone
            ("5678", ["张三丰"]),
            ("fd00001234", ["张三"]),
            ("100003", ["李四"]),
            ("smith", ["Tom Smith"]),
            ("tom", ["Tom Smith"]),
            ("nobody", []),
            ("", []),
            ("   ", []),
        ],
    )
    def test_query_kinds(self, people: AppContext, query: str, expected: list[str]) -> None:
        assert sorted(names(people, query)) == sorted(expected)

    def test_misheard_pinyin_is_forgiven_after_every_exact_and_prefix_match(
        self, people: AppContext, clock: FakeClock
    ) -> None:
        make_member(people, "张珊", "13700000001")
        make_member(people, "陳大文", "13700000002")
        make_member(people, "刘宁", "13700000003")
        # zhangsan: 张三 exactly, 张三丰 by its start, then 张珊 (zhangshan) by ear.
        assert names(people, "zhangsan") == ["张三", "张三丰", "张珊"]
        assert names(people, "zhangshan") == ["张珊", "张三", "张三丰"]
        assert names(people, "niuning") == ["刘宁"]  # l/n, in/ing
        assert names(people, "nl") == ["刘宁"]  # initials: l/n
        # Traditional and Simplified find each other.
        assert names(people, "陈") == ["陳大文"]
        assert names(people, "陳大") == ["陳大文"]
        assert names(people, "chendawen") == ["陳大文"]
        # Switched off in the settings: only what was typed.
        found = members.search(people, "zhangsan", fuzzy_pinyin=False)
        assert [r.name for r in found.rows] == ["张三", "张三丰"]

    def test_a_rare_reading_or_the_other_script_comes_after_what_was_typed(
        self, people: AppContext, clock: FakeClock
    ) -> None:
        rare = make_member(people, "赵俊颖", "13700000011")  # 俊 jun, rarely shun
        trad = make_member(people, "陳大文", "13700000012")
        simple = make_member(people, "陈方", "13700000013")
        # The rarer readings are seen more recently: still after the everyday ones.
        members.record_visit(people, rare.id, 100)
        members.record_visit(people, trad.id, 100)
        assert names(people, "zs") == ["张三", "张三丰", "赵俊颖"]
        assert names(people, "zhaoshun") == ["赵俊颖"]  # still found by it
        assert names(people, "zhaojun") == ["赵俊颖"]
        # The script typed first, then the other.
        assert names(people, "陈") == ["陈方", "陳大文"]
        assert names(people, "陳") == ["陳大文", "陈方"]
        assert names(people, "陳方") == ["陈方"]
        assert simple.name == "陈方"

    def test_u_with_dots_typed_v_or_u(self, people: AppContext) -> None:
        make_member(people, "吕布", "13700000021")
        make_member(people, "鲁班", "13700000022")
        assert names(people, "lvbu") == ["吕布"]
        assert names(people, "lubu") == ["吕布"]  # by ear: ü written without its dots
        assert names(people, "lu") == ["鲁班", "吕布"]
        found = members.search(people, "lubu", fuzzy_pinyin=False)
        assert found.rows == []

    def test_within_a_kind_of_match_recent_and_frequent_guests_first(
        self, people: AppContext, clock: FakeClock
    ) -> None:
        regular = make_member(people, "张大力", "13700000004")
        make_member(people, "张大山", "13700000005")
        members.record_visit(people, regular.id, 8800, "搓澡")
        assert names(people, "zd") == ["张大力", "张大山"]
        assert names(people, "zhangda") == ["张大力", "张大山"]

    def test_exact_match_comes_first(self, people: AppContext) -> None:
        make_member(people, "赵六", "13800138001")
        assert names(people, "13800138000")[0] == "张三"

    def test_sql_like_wildcards_are_plain_text(self, people: AppContext) -> None:
        assert names(people, "%") == []
        assert names(people, "_") == []
        assert names(people, "' OR 1=1 --") == []

    def test_limit_and_more_flag(self, ctx: AppContext) -> None:
        for i in range(12):
            make_member(ctx, f"王{'一二三四五六七八九十甲乙'[i]}")
        result = members.search(ctx, "王", limit=10)
        assert len(result.rows) == 10
        assert result.more
        assert not members.search(ctx, "王", limit=20).more

    def test_resolve_scanned_codes(self, people: AppContext) -> None:
        zs = members.search(people, "13800138000").rows[0].id
        assert members.resolve_code(people, "FD00001234") == zs
        assert members.resolve_code(people, "fd00001234\n") == zs
        assert members.resolve_code(people, "100001") == zs
        assert members.resolve_code(people, "13800138000") == zs
        assert members.resolve_code(people, "FD99999999") is None
        assert members.resolve_code(people, "zs") is None


class TestVisits:
    def test_visit_updates_totals_and_history(self, ctx: AppContext, clock: FakeClock) -> None:
        p = make_member(ctx)
        members.record_visit(ctx, p.id, 12800, "搓澡", "王丽")
        clock.advance(days=3)
        members.record_visit(ctx, p.id, 6850, "足疗", "李娜")
        # A visit entered late, for yesterday, must not move "last visit" back.
        members.record_visit(ctx, p.id, 100, "茶水", visited_at=clock.now() - timedelta(days=1))
        prof = members.get_profile(ctx, p.id)
        assert prof.visit_count == 3
        assert prof.lifetime_spend_cents == 12800 + 6850 + 100
        assert prof.last_visit_at == clock.now()
        assert [v.items for v in prof.recent_visits] == ["足疗", "茶水", "搓澡"]

    @pytest.mark.parametrize(
        ("amount", "code"),
        [(-1, "amount.negative"), (-12800, "amount.negative"), (10**12, "amount.too_large")],
    )
    def test_bad_amount_changes_nothing(self, ctx: AppContext, amount: int, code: str) -> None:
        p = make_member(ctx)
        with refused(code, ValidationError):
            members.record_visit(ctx, p.id, amount)
        assert count(ctx, Visit) == 0
        assert members.get_profile(ctx, p.id).visit_count == 0

    def test_future_visit_refused(self, ctx: AppContext, clock: FakeClock) -> None:
        p = make_member(ctx)
        with pytest.raises(ValidationError) as err:
            members.record_visit(ctx, p.id, 100, visited_at=clock.now() + timedelta(hours=1))
        assert err.value.code == "visit.in_future"

    def test_history_pages(self, ctx: AppContext, clock: FakeClock) -> None:
        p = make_member(ctx)
        for i in range(7):
            clock.advance(hours=1)
            members.record_visit(ctx, p.id, 100 * (i + 1))
        first = members.list_visits(ctx, p.id, limit=5)
        rest = members.list_visits(ctx, p.id, limit=5, offset=5)
        assert [v.amount_cents for v in first + rest] == [700, 600, 500, 400, 300, 200, 100]

    def test_data_survives_a_restart(self, ctx: AppContext, data_dir, clock: FakeClock) -> None:
        p = make_member(ctx, "张三")
        members.record_visit(ctx, p.id, 5000)
        ctx.close()
        again = open_store(data_dir, clock, system=True)
        try:
            assert members.get_profile(again, p.id).lifetime_spend_cents == 5000
            assert names(again, "zs") == ["张三"]
        finally:
            again.close()
