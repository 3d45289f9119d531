"""Qt table models for search results and visit history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.members import MemberRow, VisitRow
from ui.format import local_date, local_datetime, money
from ui.table import RowsTableModel

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
USER = Qt.ItemDataRole.UserRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
GREY = QBrush(QColor("#999999"))


class MemberTableModel(RowsTableModel[MemberRow]):
    COL_NAME, COL_PHONE, COL_MEMBER_NO, COL_CARD, COL_VISITS, COL_SPEND, COL_LAST, COL_BIRTHDAY = (
        range(8)
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # Each row's texts, made when the view first asks for them (None until then).
        self._texts: list[tuple[str, ...] | None] = []
        self._inactive = self.tr("%1 (deactivated)")  # once, as the headers

    def headers(self) -> list[str]:
        return [
            self.tr("Name"),
            self.tr("Phone"),
            self.tr("Member no."),
            self.tr("Card no."),
            self.tr("Visits"),
            self.tr("Total spend"),
            self.tr("Last visit"),
            self.tr("Birthday"),
        ]

    def set_rows(self, rows: list[MemberRow]) -> None:
        """The new rows in place of the old: rows both lists have are changed in place,
        the rest removed or added, never a reset. On every keystroke, so the view keeps
        its selection model and layout (a reset rebuilt both, the biggest cost of showing
        a search's results). A row's texts are made when the view first shows it: a page
        of 30 results formats only the rows on screen, at the paint that shows them."""
        texts: list[tuple[str, ...] | None] = [None] * len(rows)
        old, new = len(self._rows), len(rows)
        if new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            self._rows, self._texts = self._rows[:new], self._texts[:new]
            self.endRemoveRows()
        kept = min(old, new)
        self._rows = rows[:kept] + self._rows[kept:]
        self._texts = texts[:kept] + self._texts[kept:]
        if kept:
            self.dataChanged.emit(self.index(0, 0), self.index(kept - 1, len(self._headers) - 1))
        if new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self._rows, self._texts = rows, texts
            self.endInsertRows()

    def _format(self, row: int) -> tuple[str, ...]:
        m = self._rows[row]
        texts = self._texts[row] = (
            m.name if m.active else self._inactive.replace("%1", m.name),
            m.phone_masked,
            m.member_no,
            m.card_no or "",
            str(m.visit_count),
            money(m.lifetime_spend_cents),
            local_datetime(m.last_visit_at),
            local_date(m.birthday),
        )
        return texts

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Called for every role of every visible cell on each paint: kept lean.
        if role == DISPLAY:
            texts = self._texts[index.row()] or self._format(index.row())
            return texts[index.column()]
        if role == FOREGROUND:
            return None if self._rows[index.row()].active else GREY
        if role == ALIGN:
            return RIGHT if index.column() in (self.COL_VISITS, self.COL_SPEND) else None
        if role == USER:
            return self._rows[index.row()].id
        return None


class PagedMemberModel(MemberTableModel):
    """A long member list (a care list) read page by page as the user scrolls; `total`
    says how many there are in all."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._loader: Callable[[int], tuple[list[MemberRow], int]] | None = None
        self.total = 0

    def set_loader(self, loader: Callable[[int], tuple[list[MemberRow], int]] | None) -> None:
        """loader(offset) returns (the next page, the list's full size); None empties."""
        self._loader = loader
        rows, self.total = loader(0) if loader else ([], 0)
        self.set_rows(rows)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._loader is not None and len(self._rows) < self.total

    def fetchMore(self, parent: Index) -> None:
        if self._loader is None:
            return
        rows, self.total = self._loader(len(self._rows))
        if not rows:
            self.total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows = self._rows + rows
        self._texts = self._texts + [None] * len(rows)
        self.endInsertRows()

    def fetch_all(self) -> None:
        while self.canFetchMore(QModelIndex()):
            before = len(self._rows)
            self.fetchMore(QModelIndex())
            if len(self._rows) == before:
                break


class VisitTableModel(RowsTableModel[VisitRow]):
    """A member's visits, newest first, fetched page by page as the user scrolls."""

    COL_TIME, COL_AMOUNT, COL_ITEMS, COL_STAFF = range(4)
    PAGE = 50

    def headers(self) -> list[str]:
        return [self.tr("Time"), self.tr("Amount"), self.tr("Items"), self.tr("Staff")]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._loader: Callable[[int, int], list[VisitRow]] | None = None
        self._more = False

    def set_loader(self, loader: Callable[[int, int], list[VisitRow]] | None) -> None:
        """loader(offset, limit) returns the next visits; None empties the table."""
        self.beginResetModel()
        self._loader = loader
        self._rows = loader(0, self.PAGE) if loader else []
        self._more = len(self._rows) == self.PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._loader is None:
            return
        page = self._loader(len(self._rows), self.PAGE)
        self._more = len(page) == self.PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return [local_datetime(v.visited_at), money(v.amount_cents), v.items, v.staff][
                index.column()
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.COL_AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
