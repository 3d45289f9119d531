"""The owner's administration: staff, audit trail, backups, restore at next start."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app import staff as st
from app.admin import backup as bk
from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from db.engine import DB_FILENAME
from tests.helpers import PASSWORD, make_member, refused
from tests.ui.helpers import open_window
from ui.admin.page import StaffDialog


def test_owner_adds_staff_checks_audit_and_schedules_restore(
    qtbot: QtBot,
    ctx: AppContext,
    clock: FakeClock,
    data_dir: Path,
    tmp_path: Path,
    english: None,
) -> None:
    win = open_window(qtbot, ctx)
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

    def confirm(answer: QMessageBox.StandardButton) -> str:
        page.on_restore()
        boxes = [b for b in page.findChildren(QMessageBox, "confirmRestore") if b.isVisible()]
        assert len(boxes) == 1
        box = boxes[0]
        text = box.text()
        box.button(answer).click()
        qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
        box.deleteLater()
        return text

    # The preview comes first, in the store's time, and No (the default) schedules nothing.
    shown = confirm(QMessageBox.StandardButton.No)
    taken = clock.now().astimezone(ZoneInfo("Asia/Shanghai"))  # in the store's time
    assert "1 members" in shown and f"02 Nov 2026 {taken:%H:%M}" in shown
    assert ".sqlite3" not in shown
    assert bk.pending_restore(ctx) is None and "Nothing was scheduled" in page.message.text()
    confirm(QMessageBox.StandardButton.Yes)
    assert bk.pending_restore(ctx) is not None and not page.cancel_restore_button.isHidden()
    page.cancel_restore_button.click()  # taken back: nothing will happen
    assert bk.pending_restore(ctx) is None and page.cancel_restore_button.isHidden()
    confirm(QMessageBox.StandardButton.Yes)
    ctx.close()
    kept = bk.apply_pending_restore(data_dir)
    assert kept is not None and (data_dir / DB_FILENAME).exists()
    again = open_store(data_dir, system=True)
    try:
        from app import members
        from app.core import audit

        report = bk.finish_restore(again)
        assert report is not None and report.carried >= 3  # scheduled, cancelled, scheduled
        assert [r.name for r in members.search(again, "ls").rows] == []
        assert [r.name for r in members.search(again, "zs").rows] == ["张三"]
        actions = [e.action for e in audit.entries(again)]
        assert actions[0] == "backup.restored"
        assert {"backup.restore", "backup.restore_cancelled"} <= set(actions)
        assert audit.verify(again) is None  # the chain holds, history kept
        assert bk.finish_restore(again) is None  # done once
    finally:
        again.close()
    assert bk.apply_pending_restore(data_dir) is None  # done once


@pytest.mark.parametrize("role", ["receptionist"])
def test_receptionist_does_not_see_administration(qtbot: QtBot, ctx: AppContext) -> None:
    win = open_window(qtbot, ctx)
    assert win.nav.item(win.admin_index).isHidden()
    win.show_page(win.admin_index)  # F9 does the same
    assert win.pages.currentWidget() is not win.admin


def test_owner_disables_staff_and_resets_a_password(
    qtbot: QtBot, ctx: AppContext, english: None
) -> None:
    from app.core.errors import Conflict, FrontdeskError
    from ui.admin.page import PasswordDialog

    st.create_staff(ctx, "desk", "小李", "receptionist", "desk-pass")
    win = open_window(qtbot, ctx)
    win.show_page(win.admin_index)
    page = win.admin
    page.staff_view.selectRow(1)  # 小李
    page.on_toggle_staff()
    assert "can no longer sign in" in page.message.text()
    assert [r.active for r in st.list_staff(ctx)] == [True, False]
    boss = st.login(ctx, "boss", PASSWORD)
    with refused("login.failed", FrontdeskError):
        st.login(ctx, "desk", "desk-pass")  # disabled: refused like an unknown user
    st.login(ctx, "boss", PASSWORD)
    page.staff_view.selectRow(1)
    page.on_toggle_staff()
    assert [r.active for r in st.list_staff(ctx)] == [True, True]
    # Nobody disables themselves; the last owner stays.
    page.staff_view.selectRow(0)
    page.on_toggle_staff()
    assert st.list_staff(ctx)[0].active
    with refused("staff.self_disable", Conflict):
        st.set_active(ctx, boss.id, False)
    # Five wrong passwords lock 小李 out; the owner sets a new one, which also unlocks.
    for _ in range(5):
        with refused("login.failed", FrontdeskError):
            st.login(ctx, "desk", "wrong-pass")
    st.login(ctx, "boss", PASSWORD)
    page.reload()
    page.staff_view.selectRow(1)
    dialog = page.open_password_dialog()
    assert isinstance(dialog, PasswordDialog)
    dialog.password.setText("fresh-pass")
    dialog.again.setText("fresh-pazz")
    dialog.on_save()
    assert "differ" in dialog.error.text() and dialog.result() == 0
    dialog.again.setText("fresh-pass")
    dialog.on_save()
    assert dialog.result() == 1
    assert st.login(ctx, "desk", "fresh-pass").username == "desk"
    from app.core import audit

    st.login(ctx, "boss", PASSWORD)
    actions = [e.action for e in audit.entries(ctx, None)]
    assert {"staff.disable", "staff.enable", "staff.password"} <= set(actions)


def test_owner_exports_and_imports_members_from_the_page(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: None
) -> None:
    from ui.admin import page as admin_page

    make_member(ctx, "张三", "13800138000")
    win = open_window(qtbot, ctx)
    win.show_page(win.admin_index)
    page = win.admin
    out = tmp_path / "members.csv"
    monkeypatch.setattr(admin_page, "save_path", lambda *_a: str(out))
    page.on_export_members()
    assert "1 members exported" in page.message.text() and out.exists()
    incoming = tmp_path / "in.csv"
    incoming.write_text("姓名,手机号\n李四,13900139000\n王五,12345\n", encoding="utf-8")
    monkeypatch.setattr(admin_page, "open_path", lambda *_a: str(incoming))
    page.on_import_members()
    assert "1 members imported, 1 rows refused" in page.message.text()
    assert "Line 3" in page.import_report.toPlainText()
    from app.core import audit

    assert {"members.export", "members.import"} <= {e.action for e in audit.entries(ctx)}
