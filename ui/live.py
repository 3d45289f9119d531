"""The other counters, live (server mode): their changes reach this counter's pages
through the one change signal (ui.bus), and the status bar says whether the store's
server is reachable. On a single SQLite counter there is nothing to do."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from app.core import live
from app.core.context import AppContext
from ui.bus import Changes


class LiveLink(QObject):
    """Listens to the server in a thread (app.core.live.watch); these signals carry what
    it hears into the window's thread."""

    _changed = Signal(list)
    _connection = Signal(bool)

    def __init__(self, ctx: AppContext, changes: Changes, parent: QWidget) -> None:
        super().__init__(parent)
        self.changes = changes
        self.status = QLabel(objectName="serverStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        self.server = ctx.server_shown
        self._changed.connect(self._tell, Qt.ConnectionType.QueuedConnection)
        self._connection.connect(self._show_connection, Qt.ConnectionType.QueuedConnection)
        self.watch = live.watch(
            ctx,
            lambda topics: self._changed.emit(sorted(topics)),
            self._connection.emit,
        )

    @Slot(list)
    def _tell(self, topics: list[str]) -> None:
        for topic in topics:
            self.changes.tell(topic, None, self)

    @Slot(bool)
    def _show_connection(self, up: bool) -> None:
        if up:
            self.status.setText(self.tr("Server connected"))
            self.status.setStyleSheet("color: #2e7d32;")
            self.status.setToolTip(self.server)
        else:
            self.status.setText(self.tr("Server unreachable — retrying…"))
            self.status.setStyleSheet("color: #c62828; font-weight: bold;")
            self.status.setToolTip(
                self.tr(
                    "%1 does not answer. What you type is kept; saving works again as soon "
                    "as it is back."
                ).replace("%1", self.server)
            )
        self.status.show()

    def stop(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
