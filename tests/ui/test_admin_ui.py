"""The owner's administration: staff, audit trail, backups, restore at next start."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app import backup as bk
from app import staff as st
from app.context import AppContext
from db.engine import DB_FILENAME
from tests.helpers import make_member
from ui.admin.page import StaffDialog
from ui.main_window import MainWindow


def test_owner_adds_staff_checks_audit_and_schedules_restore(
    qtbot: QtBot, ctx: AppContext, data_dir: Path, tmp_path: Path, english: None
) -> None:
    st.create_staff(ctx, "boss", "老板", "owner", "secret1")
    st.login(ctx, "boss", "secret1")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.show_page(win.admin_index)
    page = win.admin
    assert win.pages.currentWidget() is page
    dialog = page.open_staff_dialog()
    assert isinstance(dialog, StaffDialog)
    dialog.username.setText("desk")
    dialog.display.setText("小李")
    dialog.password.setText("desk-pass")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert [r.username for r in st.list_staff(ctx)] == ["boss", "desk"]
    assert page.staff_model.rowCount() == 2
    page.on_verify()
    assert "intact" in page.message.text()
    # Backups to a folder the owner chooses, then a restore scheduled for next start.
    page.folder.setText(str(tmp_path / "usb"))
    page.on_folder()
    make_member(ctx, "张三", "13800138000")
    page.on_backup()
    assert page.backup_model.rowCount() == 1
    make_member(ctx, "李四", "13900139000")  # after the backup
    page.backup_view.selectRow(0)
    page.on_restore()
    assert "1 members" in page.message.text()
    ctx.close()
    kept = bk.apply_pending_restore(data_dir)
    assert kept is not None and (data_dir / DB_FILENAME).exists()
    again = AppContext.open(data_dir)
    try:
        from app import members

        assert [r.name for r in members.search(again, "ls").rows] == []
        assert [r.name for r in members.search(again, "zs").rows] == ["张三"]
    finally:
        again.close()
    assert bk.apply_pending_restore(data_dir) is None  # done once


def test_receptionist_does_not_see_administration(qtbot: QtBot, ctx: AppContext) -> None:
    st.create_staff(ctx, "boss", "老板", "owner", "secret1")
    st.login(ctx, "boss", "secret1")
    st.create_staff(ctx, "desk", "小李", "receptionist", "desk-pass")
    st.login(ctx, "desk", "desk-pass")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.nav.item(win.admin_index).isHidden()
    win.show_page(win.admin_index)  # F9 does the same
    assert win.pages.currentWidget() is not win.admin
