"""Where the store's data lives: --data-dir, then FRONTDESK_DATA_DIR, then the user's
data folder (platformdirs); the folder is made when missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.paths import default_data_dir, resolve_data_dir, resources_dir


def test_the_argument_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path / "from-env"))
    chosen = resolve_data_dir(tmp_path / "from-arg" / "store")
    assert chosen == tmp_path / "from-arg" / "store" and chosen.is_dir()
    assert not (tmp_path / "from-env").exists()


def test_then_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path / "from-env"))
    assert resolve_data_dir(None) == tmp_path / "from-env"
    assert (tmp_path / "from-env").is_dir()


def test_then_the_users_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTDESK_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "Frontdesk"
    assert resolve_data_dir("") == tmp_path / "xdg" / "Frontdesk"
    assert (tmp_path / "xdg" / "Frontdesk").is_dir()


def test_a_home_relative_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_data_dir("~/store") == tmp_path / "store"


def test_resources_are_found() -> None:
    assert (resources_dir() / "fonts").is_dir()
