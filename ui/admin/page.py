"""Administration (owner): staff accounts, the audit trail, backups and restore."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import staff as st
from app.admin import backup as bk
from app.core import audit, store
from app.core import settings as st_settings
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.members import csvio
from ui.actions import call, error_text, role_names
from ui.files import open_path, save_path
from ui.format import local_datetime
from ui.forms import FormDialog
from ui.table import DISPLAY, RowsTableModel


class StaffModel(RowsTableModel[st.StaffRow]):
    def headers(self) -> list[str]:
        return [self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Status")]

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        r = self._rows[index.row()]
        status = (
            self.tr("locked")
            if r.locked
            else (self.tr("active") if r.active else self.tr("disabled"))
        )
        return [r.username, r.display_name, role_names().get(r.role, r.role), status][
            index.column()
        ]


def audit_actions() -> dict[str, str]:
    """What each audit entry's action code means, in the UI's language."""
    return {
        "login": QCoreApplication.translate("audit", "signed in"),
        "login.failed": QCoreApplication.translate("audit", "sign-in failed"),
        "logout": QCoreApplication.translate("audit", "signed out"),
        "staff.create": QCoreApplication.translate("audit", "staff account added"),
        "staff.disable": QCoreApplication.translate("audit", "staff account disabled"),
        "staff.enable": QCoreApplication.translate("audit", "staff account enabled"),
        "staff.password": QCoreApplication.translate("audit", "password reset"),
        "coupon.issue": QCoreApplication.translate("audit", "coupon issued"),
        "coupon.void": QCoreApplication.translate("audit", "coupon voided"),
        "campaign.create": QCoreApplication.translate("audit", "campaign created"),
        "campaign.issue": QCoreApplication.translate("audit", "campaign coupons issued"),
        "points.adjust": QCoreApplication.translate("audit", "points adjusted"),
        "phone.view": QCoreApplication.translate("audit", "full phone number viewed"),
        "member.deactivate": QCoreApplication.translate("audit", "member deactivated"),
        "member.active": QCoreApplication.translate("audit", "member reactivated"),
        "members.export": QCoreApplication.translate("audit", "members exported"),
        "members.import": QCoreApplication.translate("audit", "members imported"),
        "settings": QCoreApplication.translate("audit", "settings changed"),
        "sla.policy": QCoreApplication.translate("audit", "SLA policy changed"),
        "tiers.edit": QCoreApplication.translate("audit", "tiers changed"),
        "backup.folder": QCoreApplication.translate("audit", "backup folder changed"),
        "backup.restore": QCoreApplication.translate("audit", "restore scheduled"),
        "backup.restore_cancelled": QCoreApplication.translate("audit", "restore cancelled"),
        "backup.restored": QCoreApplication.translate("audit", "backup restored"),
    }


class AuditModel(RowsTableModel[audit.AuditLine]):
    def headers(self) -> list[str]:
        return [
            self.tr("Time"),
            self.tr("Staff"),
            self.tr("Action"),
            self.tr("Target"),
            self.tr("Detail"),
        ]

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        e = self._rows[index.row()]
        action = audit_actions().get(e.action, e.action)
        return [local_datetime(e.at), e.staff, action, e.target, e.detail][index.column()]


class BackupModel(RowsTableModel[bk.BackupInfo]):
    def headers(self) -> list[str]:
        return [self.tr("Taken"), self.tr("File"), self.tr("Size")]

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        b = self._rows[index.row()]
        return [local_datetime(b.taken_at), b.path.name, f"{b.size_bytes / 1_048_576:.1f} MB"][
            index.column()
        ]


class StaffDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffDialog")
        self.setWindowTitle(self.tr("Add staff"))
        self.ctx = ctx
        self.username = QLineEdit(objectName="staffUsername")
        self.display = QLineEdit(objectName="staffName")
        self.role = QComboBox(objectName="staffRole")
        for code, text in (
            ("receptionist", self.tr("Receptionist")),
            ("manager", self.tr("Manager")),
            ("owner", self.tr("Owner")),
        ):
            self.role.addItem(text, code)
        self.password = QLineEdit(objectName="staffPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_rows(
            (
                (self.tr("User name"), self.username, "username"),
                (self.tr("Name"), self.display, "name"),
                (self.tr("Role"), self.role, "role"),
                (self.tr("First password"), self.password, "password"),
            )
        )

    def on_save(self) -> None:
        if (
            call(
                self,
                st.create_staff,
                self.ctx,
                self.username.text(),
                self.display.text(),
                str(self.role.currentData()),
                self.password.text(),
            )
            is not None
        ):
            self.accept()


class PasswordDialog(FormDialog):
    """The owner sets a new password for someone (forgotten, or locked out)."""

    def __init__(self, ctx: AppContext, row: st.StaffRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.setWindowTitle(self.tr("New password for %1").replace("%1", row.display_name))
        self.ctx, self.row = ctx, row
        self.password = QLineEdit(objectName="newPassword")
        self.again = QLineEdit(objectName="newPasswordAgain")
        for box in (self.password, self.again):
            box.setEchoMode(QLineEdit.EchoMode.Password)
        whose = QLabel(f"{row.display_name} ({row.username})", objectName="passwordFor")
        whose.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.tr("Account"), whose)
        self.add_rows(
            (
                (self.tr("New password"), self.password, "password"),
                (self.tr("Once more"), self.again, "again"),
            )
        )

    def on_save(self) -> None:
        if self.password.text() != self.again.text():
            self.show_error(error_text(FrontdeskError("staff.password_mismatch")), "again")
            return
        if call(self, st.reset_password, self.ctx, self.row.id, self.password.text()):
            self.accept()


def _table(name: str, model: RowsTableModel[Any]) -> QTableView:
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


class AdminPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminPage")
        self.ctx = ctx
        self.message = QLabel(objectName="adminMessage")
        self.message.setWordWrap(True)
        self.staff_model, self.audit_model = StaffModel(self), AuditModel(self)
        self.backup_model = BackupModel(self)

        add = QPushButton(self.tr("Add staff…"), objectName="addStaffButton")
        add.clicked.connect(self.open_staff_dialog)
        toggle = QPushButton(self.tr("Disable / enable"), objectName="toggleStaffButton")
        toggle.clicked.connect(self.on_toggle_staff)
        reset = QPushButton(self.tr("Reset password…"), objectName="resetPasswordButton")
        reset.clicked.connect(self.open_password_dialog)
        staff_buttons = QHBoxLayout()
        for button in (add, toggle, reset):
            staff_buttons.addWidget(button)
        staff_buttons.addStretch(1)
        self.staff_view = _table("staffList", self.staff_model)
        staff_tab = QWidget()
        staff_layout = QVBoxLayout(staff_tab)
        staff_layout.addLayout(staff_buttons)
        staff_layout.addWidget(self.staff_view, 1)

        self.action_filter = QComboBox(objectName="auditFilter")
        self.action_filter.addItem(self.tr("All actions"), "")
        for code, text in sorted(audit_actions().items(), key=lambda kv: kv[1]):
            self.action_filter.addItem(text, code)
        self.action_filter.currentIndexChanged.connect(lambda _i: self.reload())
        verify = QPushButton(self.tr("Verify the chain"), objectName="verifyAuditButton")
        verify.clicked.connect(self.on_verify)
        audit_tab = QWidget()
        audit_layout = QVBoxLayout(audit_tab)
        row = QHBoxLayout()
        row.addWidget(self.action_filter, 1)
        row.addWidget(verify)
        audit_layout.addLayout(row)
        audit_view = _table("auditList", self.audit_model)
        for col, width in enumerate((150, 90, 200, 180)):
            audit_view.setColumnWidth(col, width)
        audit_layout.addWidget(audit_view, 1)

        self.folder = QLineEdit(objectName="backupFolder")
        save_folder = QPushButton(self.tr("Use this folder"), objectName="backupFolderButton")
        save_folder.clicked.connect(self.on_folder)
        backup_now = QPushButton(self.tr("Back up now"), objectName="backupNowButton")
        backup_now.clicked.connect(self.on_backup)
        self.restore_button = QPushButton(
            self.tr("Restore selected at next start…"), objectName="restoreButton"
        )
        self.restore_button.clicked.connect(self.on_restore)
        self.cancel_restore_button = QPushButton(
            self.tr("Cancel the restore"), objectName="cancelRestoreButton"
        )
        self.cancel_restore_button.clicked.connect(self.on_cancel_restore)
        self.pending = QLabel(objectName="pendingRestore")
        self.pending.setWordWrap(True)
        self.pending.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.backup_view = _table("backupList", self.backup_model)
        backup_tab = QWidget()
        backup_layout = QVBoxLayout(backup_tab)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Backup folder")))
        row.addWidget(self.folder, 1)
        row.addWidget(save_folder)
        backup_layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(backup_now)
        row.addWidget(self.restore_button)
        row.addWidget(self.cancel_restore_button)
        row.addStretch(1)
        backup_layout.addLayout(row)
        backup_layout.addWidget(self.pending)
        backup_layout.addWidget(self.backup_view, 1)

        self.tabs = QTabWidget(objectName="adminTabs")
        self.tabs.addTab(staff_tab, self.tr("Staff"))
        self.tabs.addTab(audit_tab, self.tr("Audit trail"))
        self.tabs.addTab(backup_tab, self.tr("Backups"))

        # Members in and out of a spreadsheet (CSV, opens in Excel; GBK files too).
        csv_tab = QWidget()
        csv_layout = QVBoxLayout(csv_tab)
        row = QHBoxLayout()
        export = QPushButton(self.tr("Export members…"), objectName="exportMembersButton")
        export.clicked.connect(self.on_export_members)
        import_ = QPushButton(self.tr("Import members…"), objectName="importMembersButton")
        import_.clicked.connect(self.on_import_members)
        row.addWidget(export)
        row.addWidget(import_)
        row.addStretch(1)
        csv_layout.addLayout(row)
        help_text = QLabel(
            self.tr(
                "Columns: name, phone, gender, birthday, card_no, preferences, allergies, notes, "
                "tags (separated by ;). Chinese headers such as 姓名, 手机号 work too. Each bad "
                "row is listed below with its line and reason; the good rows are added."
            )
        )
        help_text.setWordWrap(True)
        csv_layout.addWidget(help_text)
        self.import_report = QTextBrowser(objectName="importReport")
        csv_layout.addWidget(self.import_report, 1)
        self.tabs.addTab(csv_tab, self.tr("Members CSV"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    @Slot()
    def on_export_members(self) -> None:
        folder = Path(self.ctx.data_dir or ".") / "exports"
        name = f"members-{store.today(self.ctx).isoformat()}.csv"
        path = save_path(self, self.tr("Export members"), folder, name, "CSV (*.csv)")
        if not path:
            return
        count = call(self, csvio.export_members, self.ctx, Path(path))
        if count is not None:
            self.say(
                self.tr("%1 members exported to %2.")
                .replace("%1", f"{count:,}")
                .replace("%2", path)
            )

    @Slot()
    def on_import_members(self) -> None:
        path = open_path(self, self.tr("Import members"), "", "CSV (*.csv *.txt)")
        if not path:
            return
        report = call(self, csvio.import_members, self.ctx, Path(path))
        if report is None:
            return
        lines = [
            self.tr("Line %1: %2")
            .replace("%1", str(e.line))
            .replace("%2", error_text(FrontdeskError(e.code, **e.params)))
            for e in report.errors
        ]
        self.import_report.setPlainText("\n".join(lines))
        self.say(
            self.tr("%1 members imported, %2 rows refused (listed below).")
            .replace("%1", f"{report.imported:,}")
            .replace("%2", f"{report.rejected:,}"),
            error=bool(report.rejected),
        )

    def reset(self) -> None:
        self.message.clear()
        self.staff_model.set_rows([])
        self.audit_model.set_rows([])
        self.backup_model.set_rows([])

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #0a7d32;")
        self.message.setText(text)

    def reload(self) -> None:
        """Refused quietly for roles that may not see it (the page is hidden for them)."""
        try:
            self.staff_model.set_rows(st.list_staff(self.ctx))
            self.audit_model.set_rows(
                audit.entries(self.ctx, str(self.action_filter.currentData() or "") or None)
            )
        except FrontdeskError as exc:
            self.say(html.escape(error_text(exc)), error=True)
            return
        folder = bk.backup_dir(self.ctx)
        self.folder.setText(str(folder))
        self.backup_model.set_rows(bk.list_backups(folder) if folder.exists() else [])
        self.show_pending()

    def show_pending(self) -> None:
        chosen = bk.pending_restore(self.ctx)
        self.pending.setText(
            self.tr(
                "%1 will be restored when Frontdesk next starts. Until then you can cancel."
            ).replace("%1", chosen.name)
            if chosen is not None
            else ""
        )
        self.pending.setVisible(chosen is not None)
        self.cancel_restore_button.setVisible(chosen is not None)

    def showEvent(self, event: Any) -> None:
        self.reload()
        super().showEvent(event)

    def open_staff_dialog(self) -> StaffDialog:
        dialog = StaffDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()
        return dialog

    def selected_staff(self) -> st.StaffRow | None:
        row = self.staff_model.row_at(self.staff_view.currentIndex().row())
        if row is None:
            self.say(self.tr("Choose a staff member in the list first."), error=True)
        return row

    @Slot()
    def on_toggle_staff(self) -> None:
        row = self.selected_staff()
        if row is None:
            return
        if call(self, st.set_active, self.ctx, row.id, not row.active):
            self.reload()
            text = (
                self.tr("%1 can sign in again.")
                if not row.active
                else self.tr("%1 can no longer sign in.")
            )
            self.say(text.replace("%1", row.display_name))

    def open_password_dialog(self) -> PasswordDialog | None:
        row = self.selected_staff()
        if row is None:
            return None
        self.say("")  # the last message was about something else
        dialog = PasswordDialog(self.ctx, row, self)

        def done(result: int) -> None:
            self.reload()
            if result:
                self.say(
                    self.tr("New password set for %1; they can sign in with it now.").replace(
                        "%1", row.display_name
                    )
                )

        dialog.finished.connect(done)
        dialog.open()
        return dialog

    @Slot()
    def on_verify(self) -> None:
        broken = call(self, audit.verify, self.ctx)
        if broken is None:
            self.say(self.tr("The audit trail is intact."))
        else:
            self.say(
                self.tr("The audit trail was altered at entry %1.").replace("%1", str(broken)),
                error=True,
            )

    @Slot()
    def on_folder(self) -> None:
        if call(self, bk.set_backup_dir, self.ctx, self.folder.text()) is not None:
            self.say(self.tr("Backups will be written to %1.").replace("%1", self.folder.text()))
            self.reload()

    @Slot()
    def on_backup(self) -> None:
        keep = st_settings.load(self.ctx).backup_keep
        info = call(self, bk.backup_now, self.ctx, bk.backup_dir(self.ctx), keep)
        if info is not None:
            self.say(self.tr("Backup written: %1").replace("%1", str(info.path)))
            self.reload()

    @Slot()
    def on_restore(self) -> None:
        index = self.backup_view.currentIndex()
        chosen = self.backup_model.row_at(index.row()) if index.isValid() else None
        if chosen is None:
            self.say(self.tr("Choose a backup first."), error=True)
            return
        shown = bk.preview(chosen.path)
        if not shown.ok:
            self.say(
                self.tr("This backup is damaged and cannot be restored: %1").replace(
                    "%1", html.escape("; ".join(shown.problems[:2]))
                ),
                error=True,
            )
            return
        question = (
            self.tr(
                "Restore the backup taken %1?\n\nIt holds %2 members, %3 visits, "
                "%4 complaints and %5 coupons; its last visit was %6.\n\nEverything "
                "entered after it will be replaced when Frontdesk next starts (the current "
                "data is kept beside it, and the audit trail keeps what happened). You can "
                "cancel until then."
            )
            .replace("%1", local_datetime(chosen.taken_at))
            .replace("%2", f"{shown.members:,}")
            .replace("%3", f"{shown.visits:,}")
            .replace("%4", f"{shown.complaints:,}")
            .replace("%5", f"{shown.coupons:,}")
            .replace("%6", local_datetime(shown.last_visit) or "—")
        )
        self.confirm_restore(question, chosen.path)

    def confirm_restore(self, question: str, path: Path) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Restore a backup"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmRestore")
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter does not restore
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmRestoreYes")

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is None or box.standardButton(clicked) != QMessageBox.StandardButton.Yes:
                self.say(self.tr("Nothing was scheduled."))
                return
            if call(self, bk.schedule_restore, self.ctx, path) is not None:
                self.say(self.tr("The restore is scheduled for the next start."))
                self.show_pending()

        box.finished.connect(answered)
        box.open()
        return box

    @Slot()
    def on_cancel_restore(self) -> None:
        if call(self, bk.cancel_restore, self.ctx):
            self.say(self.tr("The scheduled restore was cancelled; nothing will change."))
        self.show_pending()
