"""Every shortcut the README promises, pressed where the user presses it: on whatever has
the keyboard focus, after each page change and each dialog (focus must land somewhere
useful, never nowhere)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.core.context import AppContext
from tests.helpers import make_member
from tests.ui.helpers import focused, press, type_text
from ui.main_window import MainWindow

F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def active_dialog(qtbot: QtBot, name: str) -> QDialog:
    def shown() -> bool:
        w = QApplication.activeModalWidget() or QApplication.activeWindow()
        return w is not None and w.objectName() == name

    qtbot.waitUntil(shown, timeout=2000)
    dialog = QApplication.activeModalWidget() or QApplication.activeWindow()
    assert isinstance(dialog, QDialog)
    return dialog


def close_with_escape(qtbot: QtBot, name: str) -> None:
    dialog = active_dialog(qtbot, name)
    press(qtbot, F.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_pages_by_function_key(qtbot: QtBot, window: MainWindow) -> None:
    assert focused() is window.member_desk.search_box
    for key, page, focus in (
        (F.Key_F4, window.complaints, "complaintList"),
        (F.Key_F6, window.coupons, "couponCodeBox"),
        (F.Key_F7, window.care, None),
        (F.Key_F9, window.admin, None),
        (F.Key_F10, window.dashboard, None),
        (F.Key_F1, window.member_desk, "memberSearchBox"),
    ):
        press(qtbot, key)
        assert window.pages.currentWidget() is page, key
        where = focused()  # never nowhere
        assert where.window() is window
        if focus is not None:
            assert where.objectName() == focus, (key, where.objectName())


def test_member_shortcuts_after_opening_with_enter(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "张三", "13800138000")
    desk = window.member_desk
    with qtbot.waitSignal(desk.search_done, timeout=2000):
        type_text(qtbot, "8000")
    with qtbot.waitSignal(desk.member_opened, timeout=2000):
        press(qtbot, F.Key_Return)
    assert desk.profile.profile is not None and desk.profile.profile.id == member.id
    for key, modifier, dialog in (
        (F.Key_F2, Qt.KeyboardModifier.NoModifier, "memberDialog"),
        (F.Key_F5, Qt.KeyboardModifier.NoModifier, "visitDialog"),
        (F.Key_F8, Qt.KeyboardModifier.NoModifier, "pointsRedeemDialog"),
        (F.Key_L, CTRL, "complaintDialog"),
    ):
        if window.pages.currentWidget() is not desk:
            press(qtbot, F.Key_F1)
            assert desk.stack.currentWidget() is desk.profile
        press(qtbot, key, modifier)
        close_with_escape(qtbot, dialog)
        assert focused().window() is window  # focus comes back to the window
    # F3 and Ctrl+F: back to the search box, ready for the next guest.
    press(qtbot, F.Key_F1)
    press(qtbot, F.Key_F3)
    assert focused() is desk.search_box
    with qtbot.waitSignal(desk.member_opened, timeout=2000):
        press(qtbot, F.Key_Return)
    press(qtbot, F.Key_F, CTRL)
    assert focused() is desk.search_box


def test_settings_and_quit_by_key(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, F.Key_Comma, CTRL)
    dialog = active_dialog(qtbot, "settingsDialog")
    assert focused().objectName() == "storeName"  # where typing goes, not nowhere
    assert dialog.isVisible()
    close_with_escape(qtbot, "settingsDialog")
    assert focused() is window.member_desk.search_box
    press(qtbot, F.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)


@pytest.mark.parametrize("role", ["receptionist"])
def test_keys_for_pages_a_role_may_not_see_do_nothing(qtbot: QtBot, window: MainWindow) -> None:
    for key in (F.Key_F9, F.Key_F10):
        press(qtbot, key)
        assert window.pages.currentWidget() is window.member_desk
    press(qtbot, F.Key_Comma, CTRL)
    assert QApplication.activeModalWidget() is None
