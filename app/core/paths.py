"""Where the store's data lives: --data-dir, FRONTDESK_DATA_DIR, or the user data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Frontdesk"


def default_data_dir() -> Path:
    env = os.environ.get("FRONTDESK_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(arg: str | os.PathLike[str] | None) -> Path:
    path = Path(arg).expanduser() if arg else default_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The resources folder, in a source checkout or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
