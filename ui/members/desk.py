"""The member desk: one search box, live results, Enter opens the member."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import coupons, members
from app.core import settings as st
from app.core.context import AppContext
from ui import bus
from ui.actions import call, error_text
from ui.bus import Changes
from ui.members.dialogs import MemberDialog
from ui.members.models import MemberTableModel
from ui.members.profile import MemberProfileView
from ui.style import style_widget
from ui.workers import Job, Progress

log = logging.getLogger(__name__)

# Keys closer together than this come from a scanner (or a paste): searched once it pauses.
BURST_MS = 25


class MemberDesk(QWidget):
    """Signals:
    search_done(int): results for the current text are in the model (row count).
    member_opened(int): a member's profile is showing (member id).
    coupon_scanned(str): a coupon code was scanned or typed into the search box.
    """

    search_done = Signal(int)
    member_opened = Signal(int)
    coupon_scanned = Signal(str)
    said = Signal(str)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, changes: Changes | None = None
    ) -> None:
        super().__init__(parent)
        self.changes = changes if changes is not None else Changes(self)
        self.changes.changed.connect(self._on_changed)
        self.setObjectName("memberDesk")
        self.ctx = ctx
        self.fuzzy_pinyin = st.load(ctx).fuzzy_pinyin
        self._keys_job: Job | None = None
        self._warm_job: Job | None = None
        self._quitting = threading.Event()  # background jobs: stop at the next step
        self._hint_alarm = False  # the hint shows a scanned code's problem, in red

        self.search_box: QLineEdit = QLineEdit(objectName="memberSearchBox")
        style_widget(self.search_box)
        self.search_box.setPlaceholderText(
            self.tr("Phone, last 4 digits, name, pinyin (zs = 张三), card or member no.")
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.installEventFilter(self)
        self.new_button = QPushButton(self.tr("New member (Ctrl+N)"), objectName="newMemberButton")
        self.new_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.new_button.clicked.connect(self.on_new_member)
        self.hint = QLabel(objectName="searchHint")
        style_widget(self.hint)

        self.model = MemberTableModel(self)
        self.results = QTableView(objectName="memberResultsView")
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setAlternatingRowColors(True)
        self.results.verticalHeader().hide()
        # A fixed scroll bar: 1 hit or 50, the table never re-lays itself out.
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.results.verticalHeader().setDefaultSectionSize(30)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in ((0, 150), (1, 140), (2, 100), (3, 130), (4, 70), (5, 120), (6, 150)):
            self.results.setColumnWidth(col, width)
        self.results.activated.connect(self.on_result_activated)
        self.results.installEventFilter(self)

        search_page = QWidget()
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.new_button)
        search_layout = QVBoxLayout(search_page)
        search_layout.addLayout(top)
        search_layout.addWidget(self.hint)
        search_layout.addWidget(self.results, 1)

        self.profile = MemberProfileView(ctx, changes=self.changes)
        self.profile.back_requested.connect(self.show_search)
        self.profile.changed.connect(self.on_member_changed)

        self.stack = QStackedWidget()
        self.stack.addWidget(search_page)
        self.stack.addWidget(self.profile)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        # A key a person types is searched at once, in the same pass of the event loop
        # (the typed character and its results are then painted together). A scanner's
        # burst (~100 chars/s) is coalesced by a 0 ms timer into one query per pause.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.run_search)
        self._last_change = QElapsedTimer()
        self.search_box.textChanged.connect(self._on_text_changed)

        shortcuts = (
            ("Ctrl+N", self.on_new_member),
            ("F3", self.focus_search),
            ("Ctrl+F", self.focus_search),
            ("F2", lambda: self._on_profile(self.profile.on_edit)),
            ("F5", lambda: self._on_profile(self.profile.on_record_visit)),
            ("F8", lambda: self._on_profile(lambda: self.profile.loyalty_dialog("redeem"))),
            ("Ctrl+R", lambda: self._on_profile(self.profile.on_recharge)),
            ("Ctrl+Shift+R", lambda: self._on_profile(self.profile.on_refund)),
        )
        for keys, slot in shortcuts:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._update_hint(None)

    def profile_shortcut(self, keys: str, action: Callable[[], None]) -> None:
        """A shortcut that acts only while a member's profile is showing."""
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self._on_profile(action))

    def _on_profile(self, action: Callable[[], object]) -> None:
        if self.stack.currentWidget() is self.profile:
            action()

    # --- searching -----------------------------------------------------------------

    @Slot()
    def _on_text_changed(self) -> None:
        burst = self._last_change.isValid() and self._last_change.elapsed() < BURST_MS
        self._last_change.start()
        if burst or self._timer.isActive():
            self._timer.start()
        else:
            self.run_search()

    @Slot()
    def run_search(self) -> None:
        self._timer.stop()
        text = self.search_box.text()
        result = call(self, members.search, self.ctx, text, fuzzy_pinyin=self.fuzzy_pinyin)
        rows = result.rows if result else []
        self.model.set_rows(rows)
        if rows:
            self.results.selectRow(0)
        self._update_hint(result)
        self.search_done.emit(len(rows))

    @Slot(str, int, object)
    def _on_changed(self, topic: str, _member_id: int, _source: object) -> None:
        if topic == bus.SETTINGS:
            fuzzy = st.load(self.ctx).fuzzy_pinyin
            if fuzzy != self.fuzzy_pinyin:
                self.fuzzy_pinyin = fuzzy
                if self.search_box.text().strip():  # the hits shown follow the switch
                    self.run_search()

    def upkeep_search_keys(self) -> bool:
        """After an upgrade that changed how members are found, their search keys are
        made again in the background (the old ones find them meanwhile). True when it
        started."""
        ctx = self.ctx.as_system()
        if self._keys_job is not None or call(self, members.search_keys_current, ctx) is not False:
            return False
        log.info("member search keys: rebuilding")
        self.said.emit(self.tr("Updating the member search (once, after an upgrade)…"))

        def rebuild(progress: Progress) -> int:
            done = members.rebuild_search_keys(
                ctx, lambda d, t: progress("keys", d, t), stop=self._quitting.is_set
            )
            if self._quitting.is_set():
                log.info("member search keys: stopped after %d members (quitting)", done)
            return done

        job = Job(rebuild, self)
        job.progress.connect(self._on_keys_progress)
        job.done.connect(self._on_keys_done)
        job.failed.connect(lambda error: self.said.emit(error))
        job.finished.connect(self._keys_finished)
        self._keys_job = job.start()
        return True

    def warm_lookup(self) -> Job:
        """Readies the lookup for the first keystrokes, in the background (once, after
        the store opens; see members.warm_lookup). A failure is only logged: the lookup
        works without it, and what went wrong shows on the next action."""
        if self._warm_job is not None:
            return self._warm_job
        ctx = self.ctx.as_system()
        job = Job(lambda _progress: members.warm_lookup(ctx), self)
        job.done.connect(lambda found: log.info("member lookup ready (%s members)", found))
        job.finished.connect(self._warm_finished)
        self._warm_job = job.start()
        return job

    @Slot()
    def _warm_finished(self) -> None:
        self._warm_job = None

    def wait_for_jobs(self, ms: int = 60000) -> None:
        """Closing: the lookup's warm-up ends (a tenth of a second), and a rebuild of the
        search keys stops after its batch (made again at the next start); neither is left
        running while the program ends."""
        self._quitting.set()
        for job in (self._warm_job, self._keys_job):
            if job is not None:
                with suppress(RuntimeError):  # its thread already gone: it has ended
                    job.wait(ms)

    @Slot(str, int, int)
    def _on_keys_progress(self, _stage: str, done: int, total: int) -> None:
        self.said.emit(
            self.tr("Updating the member search: %1 of %2 members…")
            .replace("%1", f"{done:,}")
            .replace("%2", f"{total:,}")
        )

    @Slot(object)
    def _on_keys_done(self, done: int) -> None:
        log.info("member search keys rebuilt: %d members", done)
        self.said.emit(self.tr("Member search updated."))

    @Slot()
    def _keys_finished(self) -> None:
        self._keys_job = None

    def _update_hint(self, result: members.SearchResult | None) -> None:
        if self._hint_alarm:  # the hint's own look back after a code's problem
            self._hint_alarm = False
            style_widget(self.hint)
        if result is None or not result.query.strip():
            self.hint.setText(self.tr("Type or scan to find a member. Enter opens, Esc clears."))
        elif not result.rows:
            self.hint.setText(self.tr("No member found. Ctrl+N adds a new one."))
        elif result.more:
            self.hint.setText(
                self.tr("Showing the first %1 matches — type more to narrow down.").replace(
                    "%1", str(len(result.rows))
                )
            )
        else:
            self.hint.setText(self.tr("%1 found.").replace("%1", str(len(result.rows))))

    def on_enter(self) -> None:
        """Enter in the search box: a scanned card/member no./phone opens its member,
        otherwise the selected (top) hit opens."""
        text = self.search_box.text().strip()
        if not text:
            return
        if coupons.is_coupon_code(self.ctx, text):
            self.search_box.clear()
            self.coupon_scanned.emit(text)
            return
        problem = call(self, coupons.code_problem, self.ctx, text)
        if problem is not None:  # a coupon code with a typo, or not this store's
            self.hint.setText(error_text(problem))
            self.hint.setStyleSheet("color: #b00020; font-weight: bold;")
            self._hint_alarm = True
            self.search_box.selectAll()  # the next scan replaces it
            return
        member_id = call(self, members.resolve_code, self.ctx, text)
        if member_id is None:
            if self._timer.isActive():
                self.run_search()
            row = self.results.currentIndex().row() if self.results.currentIndex().isValid() else 0
            hit = self.model.row_at(row)
            member_id = hit.id if hit else None
        if member_id is not None:
            self.open_member(member_id)

    @Slot()
    def on_result_activated(self) -> None:
        hit = self.model.row_at(self.results.currentIndex().row())
        if hit is not None:
            self.open_member(hit.id)

    def open_member(self, member_id: int) -> None:
        if self.profile.show_member(member_id):
            self.stack.setCurrentWidget(self.profile)
            self.profile.setFocus()
            self.member_opened.emit(member_id)

    def reset(self) -> None:
        """Nothing of the previous person's work stays: search, hits, the open member."""
        self._timer.stop()
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.model.set_rows([])
        self._update_hint(None)
        self.profile.clear()
        self.stack.setCurrentIndex(0)

    @Slot()
    def show_search(self) -> None:
        self.stack.setCurrentIndex(0)
        self.focus_search()

    @Slot()
    def focus_search(self) -> None:
        if self.stack.currentIndex() != 0:
            self.stack.setCurrentIndex(0)
        self.search_box.setFocus()
        self.search_box.selectAll()

    @Slot()
    def on_new_member(self) -> None:
        dialog = MemberDialog(self.ctx, self)
        guess = self.search_box.text().strip()
        if guess.isdigit() and len(guess) >= 7:
            dialog.phone.setText(guess)
        elif guess and not guess.isascii():
            dialog.name.setText(guess)
        elif guess.isalnum() and any(ch.isdigit() for ch in guess) and len(guess) >= 4:
            dialog.card.setText(guess.upper())  # an unknown card just scanned
        dialog.finished.connect(lambda _r: self._after_new(dialog))
        dialog.open()

    def _after_new(self, dialog: MemberDialog) -> None:
        if dialog.result_profile is not None:
            self.open_member(dialog.result_profile.id)

    @Slot(int)
    def on_member_changed(self, _member_id: int) -> None:
        if self.search_box.text().strip():
            self.run_search()

    # --- keyboard ------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_box:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.on_enter()
                    return True
                if key == Qt.Key.Key_Escape:
                    self.search_box.clear()
                    return True
                if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                    self._move_selection(key)
                    return True
            elif watched is self.results and key == Qt.Key.Key_Escape:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)

    def _move_selection(self, key: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        row = self.results.currentIndex().row() if self.results.currentIndex().isValid() else -1
        step = {
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_PageDown: 10,
            Qt.Key.Key_PageUp: -10,
        }[Qt.Key(key)]
        self.results.selectRow(max(0, min(count - 1, row + step)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.stack.currentIndex() == 1:
            self.show_search()
            return
        super().keyPressEvent(event)
