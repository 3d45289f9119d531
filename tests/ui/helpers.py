"""Builders shared by the GUI tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.context import AppContext
from ui.main_window import MainWindow


def open_window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    """The real main window on the test's database, shown and exposed."""
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win
