"""Signing in: the owner's account at first start, wrong passwords, the idle lock, and
buttons a role may not use."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import staff as st
from app.core.context import AppContext
from tests.helpers import PASSWORD
from tests.ui.helpers import press
from ui.login import LoginDialog, SetupOwnerDialog
from ui.main_window import MainWindow


def test_first_start_creates_the_owner(qtbot: QtBot, fresh_ctx: AppContext) -> None:
    ctx = fresh_ctx
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


def test_login_with_wrong_then_right_password(qtbot: QtBot, fresh_ctx: AppContext) -> None:
    ctx = fresh_ctx
    st.create_staff(ctx, "boss", "老板", "owner", "secret1")
    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitActive(dialog)
    qtbot.keyClicks(dialog.username, "boss")
    press(qtbot, Qt.Key.Key_Return, on=dialog.username)
    qtbot.keyClicks(dialog.password, "nope")
    press(qtbot, Qt.Key.Key_Return, on=dialog.password)
    assert "Wrong user name or password" in dialog.error.text()
    assert dialog.password.text() == ""
    with ctx.engine.connect() as con:  # one wrong password counts once (it counted 3×)
        assert con.exec_driver_sql("SELECT failed_attempts FROM staff").scalar() == 1
    qtbot.keyClicks(dialog.password, "secret1")
    press(qtbot, Qt.Key.Key_Return, on=dialog.password)
    assert ctx.staff is not None and ctx.staff.username == "boss"


@pytest.mark.parametrize("role", ["receptionist"])
def test_idle_lock_and_role_buttons(qtbot: QtBot, ctx: AppContext, english: None) -> None:
    win = MainWindow(ctx, idle_minutes=10)
    qtbot.addWidget(win)
    win.show()
    assert "小周 (receptionist)" in win.staff_label.text()
    assert not win.coupons.buttons["voidCouponButton"].isVisibleTo(win.coupons)
    assert not win.care.tiers_button.isVisibleTo(win.care)
    assert not win.check_idle(win._last_input + 9 * 60)
    assert win.check_idle(win._last_input + 10 * 60 + 1)  # (a + 600) - a may be 599.99…
    assert ctx.staff is None  # signed out while the counter is unattended
    dialog = win.findChild(LoginDialog)
    assert dialog is not None and dialog.isVisible()
    press(qtbot, Qt.Key.Key_Escape, on=dialog.username)  # Esc does not get past the lock
    dialog.reject()  # nor does closing the box
    assert dialog.isVisible() and ctx.staff is None
    qtbot.keyClicks(dialog.username, "boss")
    press(qtbot, Qt.Key.Key_Return, on=dialog.username)
    qtbot.keyClicks(dialog.password, PASSWORD)
    press(qtbot, Qt.Key.Key_Return, on=dialog.password)
    assert ctx.staff is not None and ctx.staff.role == "owner"
    assert not dialog.isVisible()
    assert win.coupons.buttons["voidCouponButton"].isVisibleTo(win.coupons)
    assert "王老板 (owner)" in win.staff_label.text()
