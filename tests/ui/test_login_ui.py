"""Signing in: the owner's account at first start, wrong passwords, the idle lock, and
buttons a role may not use."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import staff as st
from app.context import AppContext
from ui.login import LoginDialog, SetupOwnerDialog
from ui.main_window import MainWindow


def test_first_start_creates_the_owner(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = SetupOwnerDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "boss")
    dialog.display.setText("老板")
    qtbot.keyClicks(dialog.password, "secret1")
    qtbot.keyClicks(dialog.again, "secret2")
    dialog.on_save()
    assert "differ" in dialog.error.text() and not st.has_staff(ctx)
    dialog.again.setText("secret1")
    dialog.on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert ctx.staff is not None and ctx.staff.role == "owner"


def test_login_with_wrong_then_right_password(qtbot: QtBot, ctx: AppContext) -> None:
    st.create_staff(ctx, "boss", "老板", "owner", "secret1")
    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "boss")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.password, "nope")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "Wrong user name or password" in dialog.error.text()
    assert dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, "secret1")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert ctx.staff is not None and ctx.staff.username == "boss"


def test_idle_lock_and_role_buttons(qtbot: QtBot, ctx: AppContext, english: None) -> None:
    st.create_staff(ctx, "boss", "老板", "owner", "secret1")
    st.login(ctx, "boss", "secret1")
    st.create_staff(ctx, "desk", "小李", "receptionist", "secret2")
    st.logout(ctx)
    st.login(ctx, "desk", "secret2")
    win = MainWindow(ctx, idle_minutes=10)
    qtbot.addWidget(win)
    win.show()
    assert "小李 (receptionist)" in win.staff_label.text()
    assert not win.coupons.buttons["voidCouponButton"].isVisibleTo(win.coupons)
    assert not win.care.tiers_button.isVisibleTo(win.care)
    assert not win.check_idle(win._last_input + 9 * 60)
    assert win.check_idle(win._last_input + 10 * 60 + 1)  # (a + 600) - a may be 599.99…
    assert ctx.staff is None  # signed out while the counter is unattended
    dialog = win.findChild(LoginDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()  # Esc does not get past the lock
    assert dialog.isVisible() or ctx.staff is None
    dialog.username.setText("boss")
    dialog.password.setText("secret1")
    dialog.on_save()
    assert ctx.staff is not None and ctx.staff.role == "owner"
    assert win.coupons.buttons["voidCouponButton"].isVisibleTo(win.coupons)
    assert "老板 (owner)" in win.staff_label.text()
