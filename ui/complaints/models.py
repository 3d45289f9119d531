"""The open-complaints table: live countdowns computed from stored deadlines."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from app.complaints import ComplaintView
from app.core.calendar import Countdown, countdown, format_seconds
from ui.complaints import labels
from ui.format import local_datetime
from ui.table import RowsTableModel

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
USER = Qt.ItemDataRole.UserRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
BREACHED_BRUSH = QBrush(QColor("#f8d7da"))
SOON_BRUSH = QBrush(QColor("#fff3cd"))
URGENT_BRUSH = QBrush(QColor("#b00020"))


class ComplaintTableModel(RowsTableModel[ComplaintView]):
    """Rows come sorted by next deadline, so each tick is two binary searches (which
    rows changed colour, how many are overdue); countdown text is made only for the
    rows on screen, when they are painted."""

    (
        COL_REF,
        COL_GUEST,
        COL_CATEGORY,
        COL_SEVERITY,
        COL_STATUS,
        COL_STAGE,
        COL_COUNTDOWN,
        COL_ASSIGNEE,
        COL_LOGGED,
    ) = range(9)
    COLUMNS = 9

    def headers(self) -> list[str]:
        return [
            self.tr("No."),
            self.tr("Guest"),
            self.tr("Category"),
            self.tr("Severity"),
            self.tr("Status"),
            self.tr("Next deadline"),
            self.tr("Time left"),
            self.tr("Assignee"),
            self.tr("Logged"),
        ]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._texts: list[tuple[str, ...]] = []
        self._stages: list[str] = []
        self._due: list[float] = []  # next deadline as a timestamp, inf when none
        self._now = 0.0
        self._soon = 300.0
        self._overdue_text = self._hours = self._days = ""

    def load(self, rows: list[ComplaintView], now: datetime, soon_minutes: int) -> None:
        self.beginResetModel()
        cats, sevs, stats, stage_names = (
            labels.categories(),
            labels.severities(),
            labels.statuses(),
            labels.stages(),
        )
        self._overdue_text = self.tr("Overdue %1")
        self._hours = self.tr("%1h %2m")
        self._days = self.tr("%1d %2h")
        pairs = []
        for row in rows:
            nxt = row.next_deadline
            pairs.append((nxt.due_at.timestamp() if nxt else math.inf, row))
        pairs.sort(key=lambda p: p[0])
        self._rows = [r for _, r in pairs]
        self._due = [d for d, _ in pairs]
        self._stages = []
        self._texts = []
        for r in self._rows:
            nxt = r.next_deadline
            self._stages.append(nxt.stage if nxt else "")
            self._texts.append(
                (
                    r.ref,
                    r.guest,
                    cats.get(r.category, r.category),
                    sevs.get(r.severity, r.severity),
                    stats.get(r.status, r.status),
                    stage_names.get(nxt.stage, nxt.stage) if nxt else "",
                    "",
                    labels.assignee(r.assignee, r.escalated),
                    local_datetime(r.created_at),
                )
            )
        self._now = now.timestamp()
        self._soon = soon_minutes * 60.0
        self.endResetModel()

    def tick(self, now: datetime) -> None:
        """Moves the countdowns to `now`. Repaints the countdown column, and whole rows
        only where the colour changes (just became due soon or overdue)."""
        if not self._rows:
            self._now = now.timestamp()
            return
        old, new = self._now, now.timestamp()
        self._now = new
        changed: set[int] = set()
        for edge in (0.0, self._soon):
            a = bisect.bisect_left(self._due, min(old, new) + edge)
            b = bisect.bisect_left(self._due, max(old, new) + edge)
            changed.update(range(a, b))
        for row in sorted(changed):
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.COLUMNS - 1))
        self.dataChanged.emit(
            self.index(0, self.COL_COUNTDOWN),
            self.index(len(self._rows) - 1, self.COL_COUNTDOWN),
            [DISPLAY],
        )

    def replace_rows(self, views: list[ComplaintView]) -> list[ComplaintView]:
        """Swaps in fresh copies of rows whose next deadline is unchanged (an escalation,
        a new assignee); returns the views that would move and need a full reload."""
        by_id = {row.id: i for i, row in enumerate(self._rows)}
        rest: list[ComplaintView] = []
        for view in views:
            i = by_id.get(view.id)
            nxt = view.next_deadline
            due = nxt.due_at.timestamp() if nxt else math.inf
            if i is None or due != self._due[i]:
                rest.append(view)
                continue
            self._rows[i] = view
            old = self._texts[i]
            self._texts[i] = (*old[:7], labels.assignee(view.assignee, view.escalated), old[8])
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.COLUMNS - 1))
        return rest

    def _format(self, seconds: int) -> str:
        """12:34 under an hour; then hours and minutes, or days and hours (translated)."""
        if seconds < 3600:
            return format_seconds(seconds)
        if seconds < 86400:
            return self._hours.replace("%1", str(seconds // 3600)).replace(
                "%2", f"{seconds % 3600 // 60:02d}"
            )
        return self._days.replace("%1", str(seconds // 86400)).replace(
            "%2", f"{seconds % 86400 // 3600:02d}"
        )

    def countdown_at(self, row: int) -> Countdown | None:
        if not 0 <= row < len(self._rows) or self._due[row] == math.inf:
            return None
        due = datetime.fromtimestamp(self._due[row], UTC)
        return countdown(
            self._stages[row], due, datetime.fromtimestamp(self._now, UTC), int(self._soon // 60)
        )

    def _state(self, row: int) -> str:
        left = self._due[row] - self._now
        if left < 0:
            return "breached"
        return "soon" if left <= self._soon else "ok"

    def breached_count(self) -> int:
        return bisect.bisect_left(self._due, self._now)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        r, col = index.row(), index.column()
        if role == DISPLAY:
            if col != self.COL_COUNTDOWN:
                return self._texts[r][col]
            if self._due[r] == math.inf:
                return ""
            left = int(self._due[r] - self._now)
            if left < 0:
                return self._overdue_text.replace("%1", self._format(-left))
            return self._format(left)
        if role == BACKGROUND and self._due[r] != math.inf:
            state = self._state(r)
            if state == "breached":
                return BREACHED_BRUSH
            if state == "soon":
                return SOON_BRUSH
            return None
        if role == FOREGROUND and col == self.COL_SEVERITY and self._rows[r].severity == "urgent":
            return URGENT_BRUSH
        if role == ALIGN and col == self.COL_COUNTDOWN:
            return RIGHT
        if role == USER:
            return self._rows[r].id
        return None


class CountdownTableView(QTableView):
    """A table view that repaints one column when only that column changed.

    QAbstractItemView repaints the whole viewport for any multi-cell change; with a
    countdown ticking every second that is most of the cost of a tick.
    """

    def dataChanged(
        self,
        top_left: Index,
        bottom_right: Index,
        roles: Sequence[int] = (),
    ) -> None:
        if top_left.column() == bottom_right.column() and top_left.row() != bottom_right.row():
            col = top_left.column()
            self.viewport().update(
                QRect(
                    self.columnViewportPosition(col),
                    0,
                    self.columnWidth(col),
                    self.viewport().height(),
                )
            )
            return
        super().dataChanged(top_left, bottom_right, list(roles))


class MemberComplaintsModel(RowsTableModel[ComplaintView]):
    """A member's complaints on their profile, newest first."""

    COL_REF, COL_LOGGED, COL_CATEGORY, COL_STATUS, COL_SATISFACTION = range(5)

    def headers(self) -> list[str]:
        return [
            self.tr("No."),
            self.tr("Logged"),
            self.tr("Category"),
            self.tr("Status"),
            self.tr("Satisfaction"),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        c = self._rows[index.row()]
        return [
            c.ref,
            local_datetime(c.created_at),
            labels.categories().get(c.category, c.category),
            labels.statuses().get(c.status, c.status),
            "★" * c.satisfaction if c.satisfaction else "",
        ][index.column()]
