"""frontdesk-admin, run as the owner would."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main


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
