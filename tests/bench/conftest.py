"""Benchmarks: real data sets built once into bench-data/ (git-ignored) and reused.
The Qt application is set up as the real one is (bundled font, style)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _app_setup(qapp: QApplication) -> None:
    from ui.style import apply_style, register_fonts

    register_fonts(qapp)
    apply_style(qapp)
