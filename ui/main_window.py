"""The main window: a navigation rail, one page per job, a status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.context import AppContext
from ui.format import local_datetime
from ui.members.desk import MemberDesk


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, store_name: str = "") -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx = ctx
        self.setWindowTitle(self.tr("Frontdesk") + (f" — {store_name}" if store_name else ""))
        self.resize(1280, 800)

        self.nav = QListWidget(objectName="navList")
        self.nav.setFixedWidth(170)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pages = QStackedWidget(objectName="pages")
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        self.member_desk = MemberDesk(ctx)
        self.add_page(self.tr("Members  F1"), self.member_desk, "F1")

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.clock_label = QLabel(objectName="statusClock")
        self.statusBar().addPermanentWidget(self.clock_label)
        self.statusBar().showMessage(self.tr("Ready"))
        self._tick = QTimer(self)
        self._tick.timeout.connect(self.on_tick)
        self._tick.start(1000)
        self.on_tick()
        self.nav.setCurrentRow(0)
        self.member_desk.search_box.setFocus()

    def add_page(self, title: str, page: QWidget, shortcut: str | None = None) -> int:
        index = self.pages.addWidget(page)
        self.nav.addItem(title)
        if shortcut:
            sc = QShortcut(QKeySequence(shortcut), self)
            sc.activated.connect(lambda i=index: self.show_page(i))
        return index

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)
        if self.pages.widget(index) is self.member_desk:
            self.member_desk.focus_search()

    @Slot()
    def on_tick(self) -> None:
        self.clock_label.setText(local_datetime(self.ctx.clock.now()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tick.stop()
        super().closeEvent(event)
