"""A read-only window on the running GUI for the journey tests (tests/journeys/).

Journeys drive the real `frontdesk` process only with real key presses and clicks (XTEST);
to know *when* to press and *where* to click they ask this probe what a user would see:
which window is active, which widget has the keyboard focus, where a named widget is on
the screen and what text it shows. It answers questions and never changes anything.

Off unless FRONTDESK_PROBE names a socket path. Protocol: one JSON request per line,
one JSON answer per line, over a local (Unix domain) socket.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

log = logging.getLogger(__name__)
ENV = "FRONTDESK_PROBE"


def _describe(w: QWidget | None) -> dict[str, Any] | None:
    if w is None:
        return None
    top = w.window()
    pos = w.mapToGlobal(w.rect().topLeft())
    info: dict[str, Any] = {
        "name": w.objectName(),
        "class": type(w).__name__,
        "window": top.objectName(),
        "window_title": top.windowTitle(),
        "x": pos.x(),
        "y": pos.y(),
        "w": w.width(),
        "h": w.height(),
        "visible": w.isVisible(),
        "enabled": w.isEnabled(),
    }
    text = _text(w)
    if text is not None:
        info["text"] = text
    if isinstance(w, QAbstractButton):
        info["checked"] = w.isChecked()
    if isinstance(w, QAbstractItemView) and w.model() is not None:
        model = w.model()
        info["rows"] = model.rowCount()
        info["current_row"] = w.currentIndex().row()
        info["cells"] = [  # what the first rows show, as text
            [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
            for r in range(min(model.rowCount(), 10))
        ]
    return info


def _text(w: QWidget) -> str | None:
    if isinstance(w, QLineEdit | QLabel | QAbstractButton | QAbstractSpinBox):
        return str(w.text())
    if isinstance(w, QPlainTextEdit):
        return str(w.toPlainText())
    if isinstance(w, QTextEdit):
        return str(w.toPlainText())
    if isinstance(w, QComboBox):
        return str(w.currentText())
    return None


def _windows() -> list[dict[str, Any]]:
    return [
        {
            "name": w.objectName(),
            "class": type(w).__name__,
            "title": w.windowTitle(),
            "modal": w.isModal(),
            "active": w.isActiveWindow(),
            "x": w.x(),
            "y": w.y(),
            "w": w.width(),
            "h": w.height(),
        }
        for w in QApplication.topLevelWidgets()
        if w.isVisible()
    ]


def _find(name: str) -> QWidget | None:
    """The visible widget with this objectName (in the active window first)."""
    active = QApplication.activeWindow()
    tops = ([active] if active is not None else []) + [
        w for w in QApplication.topLevelWidgets() if w is not active and w.isVisible()
    ]
    for top in tops:
        if top.objectName() == name:
            return top
        for child in top.findChildren(QWidget, name):
            if child.isVisible():
                return child
    return None


def answer(request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "state":
        active = QApplication.activeWindow()
        return {
            "focus": _describe(QApplication.focusWidget()),
            "active_window": active.objectName() if active is not None else None,
            "active_title": active.windowTitle() if active is not None else None,
            "windows": _windows(),
        }
    if op == "widget":
        return {"widget": _describe(_find(str(request.get("name", ""))))}
    if op == "tab":
        # Where a tab of a named QTabWidget is, and its text (to click on it).
        tabs = _find(str(request.get("name", "")))
        index = int(request.get("index", 0))
        if not isinstance(tabs, QTabWidget) or not 0 <= index < tabs.count():
            return {"tab": None}
        bar = tabs.tabBar()
        rect = bar.tabRect(index)
        pos = bar.mapToGlobal(rect.topLeft())
        return {
            "tab": {
                "x": pos.x(),
                "y": pos.y(),
                "w": rect.width(),
                "h": rect.height(),
                "text": tabs.tabText(index),
                "visible": tabs.isTabVisible(index),
                "current": tabs.currentIndex() == index,
            }
        }
    if op == "texts":
        # Every visible label/field text in the active window (what a user can read).
        top = QApplication.activeWindow()
        found = []
        if top is not None:
            for w in top.findChildren(QWidget):
                if w.isVisible():
                    text = _text(w)
                    if text:
                        found.append({"name": w.objectName(), "text": text})
        return {"texts": found}
    return {"error": f"unknown op {op!r}"}


class Probe(QObject):
    def __init__(self, path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        QLocalServer.removeServer(path)
        if not self.server.listen(path):
            log.error("probe: cannot listen on %s: %s", path, self.server.errorString())
            return
        self.server.newConnection.connect(self.on_new_connection)
        log.info("probe listening on %s", path)

    @Slot()
    def on_new_connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self.on_ready_read(s))
            sock.disconnected.connect(sock.deleteLater)

    def on_ready_read(self, sock: QLocalSocket) -> None:
        while sock.canReadLine():
            line = bytes(sock.readLine().data()).decode("utf-8").strip()
            if not line:
                continue
            try:
                reply = answer(json.loads(line))
            except Exception as exc:  # a bad question must not take the counter down
                reply = {"error": repr(exc)}
            sock.write((json.dumps(reply, ensure_ascii=False) + "\n").encode("utf-8"))
            sock.flush()


def install(app: QApplication) -> Probe | None:
    path = os.environ.get(ENV)
    return Probe(path, app) if path else None
