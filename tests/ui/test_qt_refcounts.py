"""Guards against a binding bug that crashes a long-running counter app.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every QLineEdit.setText()
(and others); after a few thousand calls the interpreter aborts. The counter app
updates labels every second for hours, so the calls it makes in a loop are checked.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QTableView
from pytestqt.qtbot import QtBot

from app.members import MemberRow
from ui.members.models import MemberTableModel


def _refs() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_repeated_widget_calls_keep_refcounts(qtbot: QtBot) -> None:
    label, edit, text = QLabel(), QLineEdit(), QPlainTextEdit()
    view = QTableView()
    model = MemberTableModel(view)
    view.setModel(model)
    for w in (label, edit, text, view):
        qtbot.addWidget(w)
    view.show()
    row = MemberRow(1, "100001", None, "张三", "138****8000", "M", None, 0, 0, None, True)
    calls = [
        lambda: label.setText("12:00"),
        lambda: edit.setText("abc"),
        lambda: edit.insert("d"),
        edit.clear,
        lambda: text.setPlainText("x"),
        lambda: model.set_rows([row] * 20),
        view.viewport().repaint,
    ]
    before = _refs()
    for _ in range(300):
        for call in calls:
            call()
    after = _refs()
    # Real leaks of None would show as a drop of hundreds; allow small noise.
    assert all(a - b > -50 for a, b in zip(after, before, strict=True)), (before, after)
