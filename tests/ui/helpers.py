"""Builders and input helpers shared by the GUI tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.context import AppContext
from ui.main_window import MainWindow


def open_window(qtbot: QtBot, ctx: AppContext, auto_review: bool = False) -> MainWindow:
    """The real main window on the test's database, shown, exposed and active (so keys
    reach the focused widget, as on the counter); auto_review: as at a start, with the
    background upkeep."""
    QApplication.processEvents()  # what earlier windows had queued (focus after a dialog)
    win = MainWindow(ctx, auto_review=auto_review)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    return win


def focused() -> QWidget:
    """The widget a keystroke would go to; fails when there is none (a dead shortcut, or
    focus lost after a dialog closed)."""
    QApplication.processEvents()
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus: the key would go nowhere"
    return widget


def press(
    qtbot: QtBot,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    on: QWidget | None = None,
) -> QWidget:
    """Presses a key where the user's keystroke goes: the focused widget (which must be
    `on`, when given: the user expects to be typing there). Returns it."""
    widget = focused()
    if on is not None:
        assert widget is on, f"focus is on {widget.objectName() or widget}, not {on.objectName()}"
    qtbot.keyClick(widget, key, modifier)
    QApplication.processEvents()
    return widget


def type_text(qtbot: QtBot, text: str) -> QWidget:
    """Types into the focused widget (Chinese arrives whole, as an input method commits)."""
    widget = focused()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        insert = getattr(widget, "insert", None) or getattr(widget, "insertPlainText", None)
        assert insert is not None, f"{widget.objectName()} does not take text"
        insert(text)
    return widget
