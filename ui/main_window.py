"""The main window: a navigation rail, one page per job, a status bar."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import loyalty
from app import staff as staff_service
from app.admin.backup import RestoreReport
from app.complaints import BreachAlert, WarningAlert
from app.core import settings as st
from app.core import store
from app.core.calendar import format_seconds
from app.core.context import AppContext
from app.members import MemberProfile
from ui import bus
from ui.actions import role_names
from ui.admin.page import AdminPage
from ui.alerts import AlertCenter
from ui.bus import Changes
from ui.care.page import CarePage
from ui.complaints import labels
from ui.complaints.page import ComplaintsPage
from ui.coupons.page import CouponsPage
from ui.dashboard.page import DashboardPage
from ui.format import local_datetime, set_zone
from ui.forms import FormDialog
from ui.live import LiveLink
from ui.login import LoginDialog
from ui.members.desk import MemberDesk
from ui.settings import SettingsDialog
from ui.style import style_widget

log = logging.getLogger(__name__)
CLOCK_JUMP_SECONDS = 120


class MainWindow(QMainWindow):
    """Signals: language_changed(str) when the settings switch the UI language (main.py
    then opens a new window in that language; this one closes)."""

    language_changed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        auto_review: bool = False,
        idle_minutes: int | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx = ctx
        set_zone(store.zone(ctx))  # times on screen in the store's time zone
        # Idle lock: any key or click counts as activity.
        if idle_minutes is None:
            idle_minutes = st.load(ctx).idle_lock_minutes
        self.idle_minutes = idle_minutes
        self._last_input = time.monotonic()
        self._lock_dialog: QDialog | None = None
        # Called once an hour by the store's clock (the daily backup decides itself whether
        # it is due).
        self.hourly: Callable[[], object] | None = None
        self._last_hourly = ctx.clock.now()
        self.update_title()
        self.resize(1280, 800)

        self.nav = QListWidget(objectName="navList")
        style_widget(self.nav)
        self.nav.setFixedWidth(190)  # "Administration  F9" whole, in English too
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget(objectName="pages")
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        # Pages tell each other of changes through one signal (ui.bus), never directly.
        self.changes = Changes(self)
        self.changes.changed.connect(self._on_changed)
        self.member_desk = MemberDesk(ctx, changes=self.changes)
        self.complaints = ComplaintsPage(ctx, changes=self.changes)
        self.coupons = CouponsPage(ctx, changes=self.changes, load_when_shown=True)
        self.care = CarePage(ctx)
        self.add_page(self.tr("Members  F1"), self.member_desk, "F1")
        self.add_page(self.tr("Complaints  F4"), self.complaints, "F4")
        self.add_page(self.tr("Coupons  F6"), self.coupons, "F6")
        self.add_page(self.tr("Guest care  F7"), self.care, "F7")
        self.admin = AdminPage(ctx)
        self.admin_index = self.add_page(self.tr("Administration  F9"), self.admin, "F9")
        self.dashboard = DashboardPage(ctx)
        self.dashboard_index = self.add_page(self.tr("Dashboard  F10"), self.dashboard, "F10")
        self.dashboard.member_requested.connect(self.open_member)
        self.settings_button = QPushButton(self.tr("Settings  Ctrl+,"), objectName="settingsButton")
        self.settings_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.settings_button.clicked.connect(self.open_settings)
        settings_key = QShortcut(QKeySequence("Ctrl+,"), self)
        settings_key.activated.connect(self.open_settings)
        # Quitting: Ctrl+Q, the Quit button or the window's close button; main.py then
        # writes the exit backup. A shutdown signal sets shutting_down (no questions asked).
        self.shutting_down = False
        self.quit_button = QPushButton(self.tr("Quit  Ctrl+Q"), objectName="quitButton")
        self.quit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.quit_button.clicked.connect(self.close)
        quit_key = QShortcut(QKeySequence("Ctrl+Q"), self)  # (forms pass it on: FormDialog)
        quit_key.activated.connect(self.close)
        self.member_desk.coupon_scanned.connect(self.on_coupon_scanned)
        self.complaints.compensation_requested.connect(self.on_compensation)
        self.member_desk.profile.complaint_requested.connect(self.on_complaint_requested)
        self.member_desk.profile.coupon_issued.connect(self.on_coupon_issued)
        self.member_desk.profile.said.connect(
            lambda text: self.statusBar().showMessage(text, 15000)
        )
        self.member_desk.profile_shortcut("Ctrl+L", self.member_desk.profile.on_complaint)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        rail = QVBoxLayout()
        rail.setContentsMargins(0, 0, 0, 0)
        rail.setSpacing(0)
        rail.addWidget(self.nav, 1)
        rail.addWidget(self.settings_button)
        rail.addWidget(self.quit_button)
        for button in (self.settings_button, self.quit_button):
            button.setFixedWidth(self.nav.width())
            button.setStyleSheet(
                "QPushButton { background: #2f3b4c; color: #e8edf3; border: none; "
                "padding: 12px 14px; text-align: left; font-size: 12pt; } "
                "QPushButton:hover { background: #3b4a5e; }"
            )
        layout.addLayout(rail)
        # Missed deadlines stay in view until someone acknowledges them (the tray message
        # and the beep pass; this does not).
        self.breach_banner = QWidget(objectName="breachBanner")
        self.breach_banner.setStyleSheet(
            "#breachBanner { background: #b00020; } #breachBanner QLabel { color: white; "
            "font-size: 12pt; font-weight: bold; }"
        )
        banner = QHBoxLayout(self.breach_banner)
        banner.setContentsMargins(12, 6, 12, 6)
        self.breach_text = QLabel(objectName="breachText")
        self.breach_text.setWordWrap(True)
        self.breach_ack = QPushButton(self.tr("Seen — show it"), objectName="breachAcknowledge")
        self.breach_ack.clicked.connect(self.on_acknowledge_breaches)
        banner.addWidget(self.breach_text, 1)
        banner.addWidget(self.breach_ack)
        self.breach_banner.hide()
        self.unacknowledged: list[BreachAlert] = []
        work = QVBoxLayout()
        work.setContentsMargins(0, 0, 0, 0)
        work.setSpacing(0)
        work.addWidget(self.breach_banner)
        work.addWidget(self.pages, 1)
        layout.addLayout(work, 1)
        # While locked, a blank cover instead of the pages: nothing of the last person's
        # screen (a full phone number, allergies, a bill) shows behind the sign-in box.
        self.cover = QLabel(self.tr("Locked"), objectName="lockCover")
        self.cover.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.cover.setStyleSheet(
            "background: #2f3b4c; color: #e8edf3; font-size: 20pt; padding-top: 120px;"
        )
        self.layers = QStackedWidget(objectName="screen")
        self.layers.addWidget(central)
        self.layers.addWidget(self.cover)
        self.setCentralWidget(self.layers)

        self.alerts = AlertCenter(self)
        self.follow_label = QLabel(objectName="followUpStatus")
        self.statusBar().addPermanentWidget(self.follow_label)
        self.care.follow_ups_due.connect(self.on_follow_ups_due)
        self.care.refresh_reminders()
        # The deadlines warned of and still to meet: the soonest, counting down.
        self.warning_button = QToolButton(objectName="warningStatus")
        self.warning_button.setAutoRaise(True)
        self.warning_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.warning_button.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.warning_button.clicked.connect(self.open_warned)
        self.warning_button.hide()
        self.statusBar().addPermanentWidget(self.warning_button)
        self.sla_label = QLabel(objectName="slaStatus")
        self.staff_label = QLabel(objectName="staffStatus")
        self.statusBar().addPermanentWidget(self.staff_label)
        self.clock_label = QLabel(objectName="statusClock")
        self.statusBar().addPermanentWidget(self.sla_label)
        self.statusBar().addPermanentWidget(self.clock_label)
        # Server mode: the other counters' changes, and whether the server answers.
        self.live = LiveLink(ctx, self.changes, self)
        self.statusBar().insertPermanentWidget(0, self.live.status)
        self.statusBar().showMessage(self.tr("Ready"))
        self.complaints.counts_changed.connect(self.on_complaint_counts)
        self.complaints.breaches.connect(self.on_breaches)
        self.complaints.warnings.connect(self.on_warnings)
        self.complaints.reload()

        # Wall clock against a monotonic one: a PC clock that is changed while we run
        # is reported (deadlines are stored instants and are not moved by it).
        self._last_wall = self.ctx.clock.now()
        self._last_mono = time.monotonic()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self.on_tick)
        self._tick.start(1000)
        self.on_tick()
        self.nav.setCurrentRow(0)
        self.member_desk.search_box.setFocus()
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        lock_key = QShortcut(QKeySequence("Ctrl+Shift+L"), self)
        lock_key.activated.connect(self.lock)
        self.apply_role()
        self.member_desk.said.connect(lambda text: self.statusBar().showMessage(text, 15000))
        if auto_review:
            self.member_desk.warm_lookup()  # the first keystrokes as quick as the rest
            self.member_desk.upkeep_search_keys()  # once after an upgrade, in the background
        if auto_review and loyalty.refresh_due(ctx.as_system()):
            # Monthly tier review (downgrades, segments) and points expiry, when due,
            # in the background: the counter can work meanwhile.
            self.care.start_review(automatic=True)

    def add_page(self, title: str, page: QWidget, shortcut: str | None = None) -> int:
        index = self.pages.addWidget(page)
        self.nav.addItem(title)
        if shortcut:
            sc = QShortcut(QKeySequence(shortcut), self)
            sc.activated.connect(lambda i=index: self.show_page(i))
        return index

    def show_page(self, index: int) -> None:
        if self.nav.item(index).isHidden():
            return
        self.nav.setCurrentRow(index)
        # Back on the member desk the open member is still there (F3 or Esc: the search).
        self.focus_page(self.pages.widget(index))

    def focus_page(self, page: QWidget | None) -> None:
        """Puts the keyboard focus where the next keystroke belongs on a page."""
        if page is self.member_desk:
            desk = self.member_desk
            if desk.stack.currentWidget() is desk.profile:
                desk.profile.setFocus()
            else:
                desk.search_box.setFocus()
                desk.search_box.selectAll()  # the next guest's search replaces the last
        elif page is self.complaints:
            self.complaints.view.setFocus()
        elif page is self.coupons:
            self.coupons.code_box.setFocus()
        elif page is not None:
            page.setFocus()
            if not page.hasFocus():
                page.focusNextChild()  # the page's first field or list

    @Slot()
    def restore_focus(self) -> None:
        """After a dialog closes: this window is active again and the focus is back where
        it was (or on the page's own field), never nowhere, whatever the window manager
        did. (Without this, a key pressed after Esc in a dialog could go nowhere.)"""
        if QApplication.activeModalWidget() is not None or not self.isVisible():
            return
        active = QApplication.activeWindow()
        if active is not None and active is not self:
            return  # another window of ours has the user's attention
        self.activateWindow()
        last = self.focusWidget()
        if last is None or not last.isVisible() or not last.isEnabled():
            self.focus_page(self.pages.currentWidget())
        else:
            last.setFocus()

    def apply_role(self) -> None:
        """Shows who is signed in and hides what their role may not do (the services
        refuse it anyway)."""
        who = self.ctx.staff
        roles = role_names()
        self.staff_label.setText(
            f"{who.display_name} ({roles.get(who.role, who.role)})" if who else ""
        )
        system = self.ctx.system

        def allowed(permission: str) -> bool:
            # The store itself (smoke test) may do anything; nobody signed in, nothing.
            return who.may(permission) if who is not None else system

        self.coupons.buttons["voidCouponButton"].setVisible(allowed("coupon.void"))
        self.coupons.buttons["newCampaignButton"].setVisible(allowed("campaign.create"))
        self.complaints.policy_button.setVisible(allowed("sla.policy"))
        self.complaints.report_button.setVisible(allowed("sla.report"))
        self.care.tiers_button.setVisible(allowed("tiers.edit"))
        self.care.review_button.setVisible(allowed("tiers.review"))
        self.care.tabs.setTabVisible(self.care.overview_index, allowed("reports.view"))
        profile = self.member_desk.profile
        profile.adjust_button.setVisible(allowed("points.adjust"))
        profile.active_button.setVisible(allowed("member.deactivate"))
        # Only the owner sees Administration, managers and the owner the dashboard and
        # settings (the services refuse everyone else anyway).
        self.nav.item(self.admin_index).setHidden(not allowed("staff.manage"))
        self.nav.item(self.dashboard_index).setHidden(not allowed("dashboard.view"))
        self.settings_button.setVisible(allowed("settings.edit"))
        hidden = self.nav.item(self.pages.currentIndex())
        if hidden is not None and hidden.isHidden():
            self.show_page(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self._last_input = time.monotonic()
        elif (
            kind == QEvent.Type.Hide
            and isinstance(watched, QDialog)
            and (parent := watched.parentWidget()) is not None
            and parent.window() is self
        ):
            QTimer.singleShot(0, self.restore_focus)
        return False

    def check_idle(self, now: float | None = None) -> bool:
        """Locks the counter after idle_minutes without a key or click (0: never)."""
        now = time.monotonic() if now is None else now
        if (
            self.idle_minutes
            and self.ctx.staff is not None
            and self._lock_dialog is None
            and now - self._last_input >= self.idle_minutes * 60
        ):
            self.lock()
            return True
        return False

    @property
    def locked(self) -> bool:
        return self.ctx.staff is None and not self.ctx.system

    @Slot()
    def lock(self) -> None:
        if self.ctx.staff is None or self._lock_dialog is not None:
            return
        log.info("counter locked (%s signed out)", self.ctx.staff.username)
        staff_service.logout(self.ctx)
        self.layers.setCurrentWidget(self.cover)
        self.statusBar().clearMessage()
        self.staff_label.clear()
        dialog = LoginDialog(self.ctx, self, locked=True)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.finished.connect(self._unlocked)
        self._lock_dialog = dialog
        dialog.open()

    def _unlocked(self, _result: int) -> None:
        self._lock_dialog = None
        self._last_input = time.monotonic()
        if self.ctx.staff is None:  # (the lock box cannot be dismissed; never here)
            return
        log.info("signed in as %s (%s)", self.ctx.staff.username, self.ctx.staff.role)
        self.on_signed_in()

    def on_signed_in(self) -> None:
        """Every page is drawn again for the person now signed in, under their role."""
        for page in (self.member_desk, self.complaints, self.coupons, self.care, self.admin):
            page.reset()
        self.apply_role()
        self.care.refresh_reminders()
        self.layers.setCurrentIndex(0)
        self.show_page(self.pages.indexOf(self.member_desk))
        self.statusBar().showMessage(
            self.tr("Signed in: %1").replace("%1", self.ctx.staff.display_name)
            if self.ctx.staff is not None
            else ""
        )

    @Slot()
    def on_tick(self) -> None:
        self.check_idle()
        now = self.ctx.clock.now()
        if now < self._last_hourly:
            self._last_hourly = now  # the PC's clock was set back
        if self.hourly is not None and now - self._last_hourly >= timedelta(hours=1):
            self._last_hourly = now
            self.hourly()
        mono = time.monotonic()
        drift = (now - self._last_wall).total_seconds() - (mono - self._last_mono)
        if abs(drift) > CLOCK_JUMP_SECONDS:
            log.warning("system clock changed by %+.0f s", drift)
            self.statusBar().showMessage(
                self.tr(
                    "The PC clock was changed by %1 minutes. Deadlines are unchanged; "
                    "please check the time."
                ).replace("%1", f"{drift / 60:+.0f}"),
                60000,
            )
        self._last_wall, self._last_mono = now, mono
        self.clock_label.setText(local_datetime(now))
        self.complaints.tick(locked=self.locked)
        if not self.locked:
            self.show_warnings()

    def show_warnings(self) -> None:
        """The soonest deadline warned of and not yet met, its countdown live, and how
        many more; nothing once they are met, missed or closed."""
        heed = self.complaints.warnings_to_heed()
        if not heed:
            self.warning_button.hide()
            return
        first = heed[0]
        left = int((first.due_at - self.ctx.clock.now()).total_seconds())
        text = (
            self.tr("%1 %2: %3 due in %4")
            .replace("%1", first.ref)
            .replace("%2", first.guest)
            .replace("%3", labels.stages().get(first.stage, first.stage))
            .replace("%4", format_seconds(max(left, 0)))
        )
        if len(heed) > 1:
            text += " " + self.tr("(+%1 more)").replace("%1", str(len(heed) - 1))
        self.warning_button.setText("⚠ " + text)
        self.warning_button.setToolTip(
            "\n".join(f"{a.ref} {a.guest}: {local_datetime(a.due_at)}" for a in heed)
        )
        self.warning_button.show()

    @Slot()
    def open_warned(self) -> None:
        """A click on the warning: the complaints page with that case selected."""
        heed = self.complaints.warnings_to_heed()
        self.show_page(self.pages.indexOf(self.complaints))
        if heed:
            self.complaints.select(heed[0].complaint_id)

    @Slot(int, int)
    def on_complaint_counts(self, total: int, late: int) -> None:
        text = (
            self.tr("Complaints open: %1 · overdue: %2")
            .replace("%1", str(total))
            .replace("%2", str(late))
        )
        self.sla_label.setText(text)
        self.sla_label.setStyleSheet("color: #b00020; font-weight: bold;" if late else "")

    @Slot(list)
    def on_breaches(self, alerts: list[BreachAlert]) -> None:
        stages = labels.stages()
        lines = []
        for a in alerts:
            line = (
                self.tr("%1 %2: %3 overdue")
                .replace("%1", a.ref)
                .replace("%2", a.guest)
                .replace("%3", stages.get(a.stage, a.stage))
            )
            if a.escalated_to is not None:
                line += " — " + self.tr("escalated to %1").replace(
                    "%1", labels.manager_name(a.escalated_to)
                )
            lines.append(line)
        log.info("deadline missed: %s", "; ".join(f"{a.ref} {a.stage}" for a in alerts))
        self.alerts.raise_alert(self.tr("Complaint deadline missed"), "\n".join(lines))
        self.statusBar().showMessage(lines[0], 30000)
        self.unacknowledged.extend(alerts)
        self.show_breaches()

    @Slot(list)
    def on_warnings(self, alerts: list[WarningAlert]) -> None:
        """A deadline is near: said once (tray, sound, status bar) while there is still
        time to meet it."""
        stages = labels.stages()
        now = self.ctx.clock.now()
        lines = [
            self.tr("%1 %2: %3 due at %4 (in %5)")
            .replace("%1", a.ref)
            .replace("%2", a.guest)
            .replace("%3", stages.get(a.stage, a.stage))
            .replace("%4", local_datetime(a.due_at))
            .replace("%5", format_seconds(int((a.due_at - now).total_seconds())))
            for a in alerts
        ]
        log.info("deadline warning: %s", "; ".join(f"{a.ref} {a.stage}" for a in alerts))
        self.alerts.raise_alert(self.tr("Complaint deadline near"), "\n".join(lines))
        if not self.locked:
            self.show_warnings()

    def show_breaches(self) -> None:
        count = len(self.unacknowledged)
        title = self.tr("Complaints  F4")
        self.nav.item(self.pages.indexOf(self.complaints)).setText(
            f"{title}  ({count}!)" if count else title
        )
        if not count:
            self.breach_banner.hide()
            return
        last = self.unacknowledged[-1]
        stages = labels.stages()
        text = (
            self.tr("%1 missed deadlines not yet seen. Latest: %2 %3, %4 overdue")
            .replace("%1", str(count))
            .replace("%2", last.ref)
            .replace("%3", last.guest)
            .replace("%4", stages.get(last.stage, last.stage))
        )
        if last.escalated_to is not None:
            text += " — " + self.tr("escalated to %1").replace(
                "%1", labels.manager_name(last.escalated_to)
            )
        self.breach_text.setText(text)
        self.breach_banner.show()

    @Slot()
    def on_acknowledge_breaches(self) -> None:
        """Someone has seen the missed deadlines: the banner goes, the case shows."""
        latest = self.unacknowledged[-1] if self.unacknowledged else None
        self.unacknowledged.clear()
        self.show_breaches()
        self.show_page(self.pages.indexOf(self.complaints))
        if latest is not None:
            self.complaints.select(latest.complaint_id)

    @Slot(int)
    def on_follow_ups_due(self, count: int) -> None:
        self.follow_label.setText(
            self.tr("Calls due: %1").replace("%1", str(count)) if count else ""
        )
        self.follow_label.setStyleSheet("color: #8a5a00; font-weight: bold;" if count else "")

    @Slot(str)
    def on_coupon_scanned(self, code: str) -> None:
        self.show_page(self.pages.indexOf(self.coupons))
        self.coupons.show_code(code)

    @Slot(object)
    def on_coupon_issued(self, coupon: object) -> None:
        self.show_page(self.pages.indexOf(self.coupons))
        self.coupons.offer_coupon(coupon)  # type: ignore[arg-type]

    @Slot(int)
    def on_compensation(self, complaint_id: int) -> None:
        self.show_page(self.pages.indexOf(self.coupons))
        self.coupons.open_coupon_dialog(complaint_id=complaint_id)

    @Slot(object)
    def on_complaint_requested(self, member: MemberProfile) -> None:
        self.show_page(self.pages.indexOf(self.complaints))
        self.complaints.open_log_dialog(member)

    @Slot(int)
    def open_member(self, member_id: int) -> None:
        self.show_page(self.pages.indexOf(self.member_desk))
        self.member_desk.open_member(member_id)

    @Slot(str, int, object)
    def _on_changed(self, topic: str, _member_id: int, _source: object) -> None:
        if topic == bus.SETTINGS:
            set_zone(store.zone(self.ctx))
            self.idle_minutes = st.load(self.ctx).idle_lock_minutes
            self.update_title()

    @Slot()
    def open_settings(self) -> QDialog | None:
        if self.ctx.staff is not None and not self.ctx.staff.may("settings.edit"):
            return None
        dialog = SettingsDialog(self.ctx, self)
        dialog.language_changed.connect(self.language_changed)

        def saved(result: int) -> None:
            if result:
                self.changes.tell(bus.SETTINGS, None, dialog)

        dialog.finished.connect(saved)
        dialog.open()
        return dialog

    def confirm_quit(self, unsaved: list[FormDialog]) -> bool:
        """Quitting with a form half filled in: ask first (No is the default)."""
        names = "、".join(d.windowTitle() for d in unsaved)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Quit Frontdesk?"),
            self.tr("%1 is not saved. Quit anyway and lose what was typed?").replace("%1", names),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmQuit")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmQuitYes")
        return box.exec() == QMessageBox.StandardButton.Yes

    def show_restore_report(self, report: RestoreReport) -> QMessageBox:
        """After a restore at start: say what happened, once."""
        taken = local_datetime(report.taken_at) if report.taken_at else report.backup
        text = (
            self.tr(
                "The data was restored from the backup taken %1. %2 audit entries made "
                "after that backup were carried over. The replaced data is kept as %3."
            )
            .replace("%1", taken)
            .replace("%2", str(report.carried))
            .replace("%3", str(report.kept))
        )
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Restore done"), text)
        box.setObjectName("restoreReport")
        box.setParent(self, box.windowFlags())
        box.open()
        return box

    def update_title(self) -> None:
        name = store.name(self.ctx)
        self.setWindowTitle(self.tr("Frontdesk") + (f" — {name}" if name else ""))

    def unsaved_forms(self) -> list[FormDialog]:
        return [d for d in self.findChildren(FormDialog) if d.isVisible() and d.is_dirty()]

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = [] if self.shutting_down else self.unsaved_forms()
        if unsaved and not self.confirm_quit(unsaved):
            event.ignore()
            return
        self._tick.stop()
        self.live.stop()
        self.care.wait_for_review()
        self.member_desk.wait_for_jobs()
        super().closeEvent(event)
