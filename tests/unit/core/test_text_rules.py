"""Pinyin keys, phone numbers and money parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.core.money import format_cents, parse_amount
from app.core.names import (
    MAX_READINGS,
    fuzzy,
    member_keys,
    name_pinyin,
    name_readings,
    name_suffixes,
    simplified,
)
from app.core.phones import mask_phone, normalize_phone
from tests.helpers import refused


@pytest.mark.parametrize(
    ("name", "full", "initials", "also"),
    [
        ("张三", "zhangsan", "zs", []),
        # Surnames read their own way are among the readings (no table of surnames).
        ("单田芳", "dantianfang", "dtf", ["shantianfang"]),
        ("曾小贤", "cengxiaoxian", "cxx", ["zengxiaoxian"]),
        ("覃红", "tanhong", "th", ["qinhong"]),
        # Compound surnames (复姓) read as pypinyin's phrases read them.
        ("万俟卨", "moqixie", "mqx", []),
        ("单于春", "chanyuchun", "cyc", []),
        ("长孙无忌", "zhangsunwuji", "zswj", []),
        # Traditional characters read as their Simplified forms.
        ("陳大文", "chendawen", "cdw", []),
        ("Tom Smith", "tomsmith", "ts", []),
        ("李 四", "lisi", "ls", []),
    ],
)
def test_pinyin(name: str, full: str, initials: str, also: list[str]) -> None:
    assert name_pinyin(name) == (full, initials)
    readings = ["".join(r) for r in name_readings(name)]
    assert readings[0] == full and set(also) <= set(readings)
    assert len(readings) <= MAX_READINGS


def test_traditional_and_simplified_find_each_other() -> None:
    assert simplified("陳張鄭") == "陈张郑"
    keys = member_keys("1", None, "陳大文", "13800138000")
    assert {"n陳大文", "v陈大文", "n大文"} <= keys and "v大文" not in keys


def test_fuzzy_pinyin_hears_as_input_methods_do() -> None:
    assert fuzzy("zhangshan") == fuzzy("zangsan") == fuzzy("zhansan")
    assert fuzzy("liming") == fuzzy("nimin") == fuzzy("nimin")
    assert fuzzy("chenfeng") == fuzzy("cenfen")
    assert fuzzy("wang") != fuzzy("wei")
    assert fuzzy("lvbu") == fuzzy("lubu") and fuzzy("nv") == fuzzy("lu")


def test_a_given_names_rarer_readings_are_keys_of_their_own_kind() -> None:
    """俊 is jun, rarely shun or dun: those readings find 赵俊颖 only by r keys (ranked
    after the everyday ones); a surname's own reading (单 shan) is an everyday one."""
    keys = member_keys("1", None, "赵俊颖", "13800138000")
    assert {"yzhaojunying", "izjy", "sjunying", "sying"} <= keys
    assert {"rzhaoshunying", "rzsy", "rshunying", "rzdy"} <= keys
    assert not {"izsy", "yzhaoshunying", "sshunying", "rying"} & keys
    assert {"yshantianfang", "istf"} <= member_keys("1", None, "单田芳", "13800138000")


def test_name_suffixes() -> None:
    assert name_suffixes("张三丰") == ["张三丰", "三丰", "丰"]
    assert name_suffixes("Tom  Smith") == ["tomsmith", "smith"]


def test_member_keys_cover_every_way_in() -> None:
    keys = member_keys("100001", "FD01", "张三", "13800138000")
    assert {
        "m100001",
        "cfd01",
        "p13800138000",
        "t00083100831",
        "n张三",
        "n三",
        "yzhangsan",
        "ssan",
        "izs",
        "fzalsal",
        "jzs",
    } == keys


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("010-12345678", "01012345678"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_normalised(raw: str, stored: str) -> None:
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "phone.required")]
    + [(raw, "phone.invalid") for raw in ("12345", "1380013800", "138001380001", "abc", "1" * 40)],
)
def test_phone_refused(raw: str, code: str) -> None:
    with refused(code, ValidationError, field="phone"):
        normalize_phone(raw)


def test_mask() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("01012345678") == "010****5678"


@pytest.mark.parametrize(
    ("text", "cents"),
    [("128", 12800), ("128.5", 12850), ("¥128.50", 12850), ("0", 0), (" 99.99 元", 9999)],
)
def test_parse_amount(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "amount.required"),
        ("-1", "amount.negative"),
        ("12.345", "amount.invalid"),
        ("abc", "amount.invalid"),
        ("1e5", "amount.invalid"),
        ("1,000", "amount.invalid"),
        ("99999999999", "amount.too_large"),
    ],
)
def test_parse_amount_refused(text: str, code: str) -> None:
    with refused(code, ValidationError, field="amount"):
        parse_amount(text)


@given(st.integers(min_value=0, max_value=10_000_000_00))
def test_amount_round_trip(cents: int) -> None:
    assert parse_amount(format_cents(cents).replace(",", "")) == cents


@given(st.text(max_size=60))
def test_parse_amount_never_crashes(text: str) -> None:
    try:
        cents = parse_amount(text)
    except ValidationError as exc:
        assert exc.code.startswith("amount.")
    else:
        assert 0 <= cents <= 10_000_000_00
