"""frontdesk-admin, run as the owner would."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.admin.cli import main
from app.bootstrap import open_store


def test_demo_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["--data-dir", str(store), "demo", "--members", "120", "--visits", "1"]) == 0
    out = tmp_path / "m.csv"
    assert main(["--data-dir", str(store), "export-members", str(out)]) == 0
    assert "exported 120 members" in capsys.readouterr().out
    # Importing the same file again: every row is a duplicate, reported, none added.
    assert main(["--data-dir", str(store), "import-members", str(out)]) == 3
    captured = capsys.readouterr()
    assert "imported 0, rejected 120" in captured.out
    assert "already belongs to member" in captured.err


def test_missing_file_columns_gives_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "s"), "import-members", str(bad)]) == 2
    assert "no column for: name,phone" in capsys.readouterr().err


def test_demo_twice_adds_members_that_do_not_collide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store that already has members gets more demo members, not a UNIQUE error."""
    store = tmp_path / "store"
    for _ in range(2):
        assert main(["--data-dir", str(store), "demo", "--members", "500", "--visits", "1"]) == 0
    assert capsys.readouterr().out.count("added 500 demo members") == 2
    assert main(["--data-dir", str(store), "check"]) == 0
    ctx = open_store(store, system=True)  # (the SQLite file, or the test's server database)
    try:
        with ctx.engine.connect() as con:
            count, phones, cards, nos = con.execute(
                text(
                    "SELECT count(*), count(DISTINCT phone), count(DISTINCT card_no), "
                    "count(DISTINCT member_no) FROM members"
                )
            ).one()
            with_card = con.execute(
                text("SELECT count(*) FROM members WHERE card_no IS NOT NULL")
            ).one()
    finally:
        ctx.close()
    assert count == phones == nos == 1000
    assert cards == with_card[0]
