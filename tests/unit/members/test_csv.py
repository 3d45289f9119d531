"""Member import/export: bad rows reported, good rows land, spreadsheets stay safe."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app import members
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.members.csvio import export_members, import_members, neutralise_cell, restore_cell
from tests.helpers import make_member, open_other_store, refused

GOOD_AND_BAD = (
    "姓名,手机号,性别,生日,卡号,标签\n"
    "张三,13800138000,男,1990-01-02,,常客;商务\n"
    "李四,12345,女,,,\n"  # bad phone
    "王五,13900139000,x,,,\n"  # bad gender
    "赵六,13800138000,,,,\n"  # duplicate of line 2
    "钱七,13700137000,,1990/2/30,,\n"  # no such date
    "孙八,13600136000,F,1985-5-6,CARD0001,\n"
    "\n"
    "周九,13500135000,,,,,extra\n"  # too many cells
)


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "members.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_reports_bad_rows_and_keeps_good(ctx: AppContext, tmp_path: Path) -> None:
    report = import_members(ctx, write(tmp_path, GOOD_AND_BAD))
    assert report.imported == 2
    assert [(e.line, e.code) for e in report.errors] == [
        (3, "phone.invalid"),
        (4, "gender.invalid"),
        (5, "phone.duplicate"),
        (6, "birthday.invalid"),
        (9, "csv.too_many_cells"),
    ]
    zs = members.search(ctx, "zs").rows[0]
    profile = members.get_profile(ctx, zs.id)
    assert profile.gender == "M"
    assert set(profile.tags) == {"常客", "商务"}
    assert members.resolve_code(ctx, "CARD0001") is not None
    # Every rejected row left nothing behind.
    assert members.search(ctx, "ls").rows == []


def test_import_gbk_file(ctx: AppContext, tmp_path: Path) -> None:
    report = import_members(ctx, write(tmp_path, "姓名,电话\n张三,13800138000\n", "gb18030"))
    assert report.imported == 1


def test_import_without_phone_column_refused(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        import_members(ctx, write(tmp_path, "name,email\n张三,a@b.c\n"))
    assert err.value.code == "csv.missing_columns"


def test_import_empty_file(ctx: AppContext, tmp_path: Path) -> None:
    with refused("csv.empty", ValidationError):
        import_members(ctx, write(tmp_path, ""))


def test_export_round_trip_and_formula_neutralised(ctx: AppContext, tmp_path: Path) -> None:
    make_member(ctx, "张三", "13800138000", notes='=HYPERLINK("http://x")', tags=("常客",))
    make_member(ctx, "李四", "13900139000")
    out = tmp_path / "out.csv"
    assert export_members(ctx, out) == 2
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == ["张三", "李四"]
    assert rows[0]["notes"].startswith("'=")
    assert rows[0]["tags"] == "常客"
    # The export imports back into a new store, losing nothing: the formula comes back as
    # the text it was (not "'=..."), a deactivated member stays deactivated.
    members.set_active(ctx, 2, False)
    export_members(ctx, out)
    other = open_other_store(tmp_path / "other", ctx.clock)
    try:
        report = import_members(other, out)
        assert report.imported == 2, report.errors
        for original in (members.get_profile(ctx, 1), members.get_profile(ctx, 2)):
            found = members.resolve_code(other, original.phone)
            assert found is not None
            copy = members.get_profile(other, found)
            fields = ("name", "phone", "notes", "tags", "active", "card_no", "birthday")
            assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]
        assert members.get_profile(other, 1).notes == '=HYPERLINK("http://x")'
        assert not members.get_profile(other, 2).active
    finally:
        other.close()


def test_a_formula_typed_with_a_leading_apostrophe_is_restored_only_once() -> None:
    assert restore_cell("'=1+1") == "=1+1"
    assert restore_cell("'abc") == "'abc"  # not ours: an apostrophe the store wrote
    assert restore_cell("'") == "'"
    assert restore_cell(neutralise_cell("+8613800138000")) == "+8613800138000"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_neutralise(cell: str) -> None:
    assert neutralise_cell(cell).startswith("'")


def test_plain_cells_untouched() -> None:
    assert neutralise_cell("张三") == "张三"
