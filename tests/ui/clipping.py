"""Finds text a user cannot read whole: labels, buttons, tabs, list items, table headers
and visible table cells whose text is wider (or, wrapped, taller) than the room they have;
and groups of fields squeezed below their layout's least height (drawn over each other:
the stored-value offers' buttons over their table's edge).
Used by tests/ui/test_layout.py on every page and dialog in every language, and by
scripts/screenshots.py next to the pictures it saves."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTabBar,
    QTableView,
    QWidget,
)

SLACK = 2  # pixels of rounding


@dataclass(frozen=True)
class Clipped:
    where: str  # window / widget
    text: str
    need: int
    have: int

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r} needs {self.need}px, has {self.have}px"


def _name(w: QWidget) -> str:
    top = w.window()
    return f"{top.objectName() or type(top).__name__}/{w.objectName() or type(w).__name__}"


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _label(label: QLabel, found: list[Clipped]) -> None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return
    room = label.contentsRect()
    margin = label.margin() * 2 + label.indent() if label.indent() > 0 else label.margin() * 2
    if label.wordWrap() or (label.textFormat() != Qt.TextFormat.PlainText and "<br" in text):
        need = label.heightForWidth(room.width())
        if need > room.height() + SLACK:
            found.append(Clipped(_name(label), _plain(text)[:60], need, room.height()))
        return
    fm = QFontMetrics(label.font())
    lines = _plain(text).splitlines() or [""]
    need = max(fm.horizontalAdvance(line) for line in lines) + margin
    if need > room.width() + SLACK:
        found.append(Clipped(_name(label), _plain(text)[:60], need, room.width()))


def _button(button: QAbstractButton, found: list[Clipped]) -> None:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text:
        return
    fm = QFontMetrics(button.font())
    need = fm.horizontalAdvance(text)
    if isinstance(button, QCheckBox | QRadioButton):
        need += 24  # the box or circle and its gap
    elif isinstance(button, QPushButton):
        need += 12 + (button.iconSize().width() + 4 if not button.icon().isNull() else 0)
    if need > button.width() + SLACK:
        found.append(Clipped(_name(button), text, need, button.width()))


def _table(view: QTableView, found: list[Clipped]) -> None:
    model = view.model()
    if model is None:
        return
    header = view.horizontalHeader()
    fm = QFontMetrics(header.font())
    for col in range(model.columnCount()):
        if view.isColumnHidden(col) or header.sectionSize(col) == 0:
            continue
        title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        need = fm.horizontalAdvance(title) + 12
        if title and need > header.sectionSize(col) + SLACK and not _stretches(header, col):
            found.append(
                Clipped(f"{_name(view)}[header {col}]", title, need, header.sectionSize(col))
            )
    cell_fm = QFontMetrics(view.font())
    first = view.rowAt(0)
    last = view.rowAt(view.viewport().height() - 1)
    if first < 0:
        return
    last = model.rowCount() - 1 if last < 0 else last
    for row in range(first, min(last, first + 30) + 1):
        for col in range(model.columnCount()):
            if view.isColumnHidden(col):
                continue
            value = model.data(model.index(row, col, QModelIndex()), Qt.ItemDataRole.DisplayRole)
            if not isinstance(value, str) or not value:
                continue
            need = cell_fm.horizontalAdvance(value) + 8
            have = view.columnWidth(col)
            if col == model.columnCount() - 1 and header.stretchLastSection():
                have = max(have, view.viewport().width() - view.columnViewportPosition(col))
            if need > have + SLACK:
                found.append(Clipped(f"{_name(view)}[{row},{col}]", value, need, have))


def _stretches(header: QHeaderView, col: int) -> bool:
    last = header.count() - 1
    return header.sectionResizeMode(col) == QHeaderView.ResizeMode.Stretch or (
        col == last and header.stretchLastSection() and header.sectionSize(col) > 60
    )


def _list(view: QListWidget, found: list[Clipped]) -> None:
    fm = QFontMetrics(view.font())
    room = view.viewport().width()
    for i in range(view.count()):
        item = view.item(i)
        if item.isHidden():
            continue
        # the style sheet's item padding (14 px each side) and the view's own margins
        need = fm.horizontalAdvance(item.text()) + 40
        if need > room + SLACK:
            found.append(Clipped(f"{_name(view)}[{i}]", item.text(), need, room))


def _tabs(bar: QTabBar, found: list[Clipped]) -> None:
    fm = QFontMetrics(bar.font())
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        need = fm.horizontalAdvance(bar.tabText(i)) + 16
        have = bar.tabRect(i).width()
        if need > have + SLACK:
            found.append(Clipped(f"{_name(bar)}[tab {i}]", bar.tabText(i), need, have))


def _combo(box: QComboBox, found: list[Clipped]) -> None:
    fm = QFontMetrics(box.font())
    need = fm.horizontalAdvance(box.currentText()) + 28  # the arrow and frame
    if box.currentText() and need > box.width() + SLACK and not box.isEditable():
        found.append(Clipped(_name(box), box.currentText(), need, box.width()))


def _group(box: QGroupBox, found: list[Clipped]) -> None:
    fm = QFontMetrics(box.font())
    need = fm.horizontalAdvance(box.title()) + 20
    if box.title() and need > box.width() + SLACK:
        found.append(Clipped(_name(box), box.title(), need, box.width()))


def clipped(top: QWidget) -> list[Clipped]:
    """Every visible text under `top` that does not fit its room."""
    found: list[Clipped] = []
    widgets = [top, *top.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisible() or w.width() <= 0:
            continue
        layout = w.layout()
        if layout is not None and w is not top and w.isWindow() is False:
            least = layout.totalMinimumSize().height()
            if layout.hasHeightForWidth():
                least = max(least, layout.totalHeightForWidth(w.width()))
            if w.height() + SLACK < least:
                found.append(Clipped(_name(w), "(squeezed)", least, w.height()))
        if isinstance(w, QLabel):
            _label(w, found)
        elif isinstance(w, QAbstractButton) and not isinstance(w, QTabBar):
            if w.parent() is not None and type(w.parent()).__name__ == "QTabBar":
                continue  # a tab's scroll arrows
            _button(w, found)
        elif isinstance(w, QTableView):
            _table(w, found)
        elif isinstance(w, QListWidget):
            _list(w, found)
        elif isinstance(w, QTabBar):
            _tabs(w, found)
        elif isinstance(w, QComboBox):
            _combo(w, found)
        elif isinstance(w, QGroupBox):
            _group(w, found)
        elif isinstance(w, QAbstractItemView):
            continue
    return found
