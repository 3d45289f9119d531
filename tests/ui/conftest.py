"""GUI test fixtures: the real main window on a temp database, offscreen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.context import AppContext
from ui.main_window import MainWindow
from ui.style import apply_style, install_translations, register_fonts


@pytest.fixture(scope="session", autouse=True)
def _app_setup(qapp: QApplication) -> None:
    register_fonts(qapp)
    apply_style(qapp)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_translations(qapp, "en")
    yield


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, english: None) -> MainWindow:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win
