"""The list behind a number of the dashboard; Enter or a double-click opens the member."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import dashboard as dash
from ui.complaints import labels
from ui.format import local_date, local_datetime, money
from ui.table import DISPLAY, RowsTableModel

MONEY_COLUMNS = {"spend", "spend_12m"}


def column_names() -> dict[str, str]:
    tr = QCoreApplication.translate
    return {
        "at": tr("DrillDialog", "When"),
        "created_at": tr("DrillDialog", "Logged / joined"),
        "issued_at": tr("DrillDialog", "Issued"),
        "used_at": tr("DrillDialog", "Redeemed"),
        "member_no": tr("DrillDialog", "Member no."),
        "name": tr("DrillDialog", "Name"),
        "score": tr("DrillDialog", "Score"),
        "comment": tr("DrillDialog", "Comment"),
        "gap_days": tr("DrillDialog", "Days since last visit"),
        "usual_days": tr("DrillDialog", "Usual interval (days)"),
        "on_time": tr("DrillDialog", "On time"),
        "visits": tr("DrillDialog", "Visits"),
        "spend": tr("DrillDialog", "Total spend"),
        "tier": tr("DrillDialog", "Tier"),
        "spend_12m": tr("DrillDialog", "Spend, 12 months"),
        "visits_12m": tr("DrillDialog", "Visits, 12 months"),
        "ref": tr("DrillDialog", "Ref."),
        "guest": tr("DrillDialog", "Guest"),
        "category": tr("DrillDialog", "Category"),
        "channel": tr("DrillDialog", "Channel"),
        "status": tr("DrillDialog", "Status"),
        "stage": tr("DrillDialog", "Stage"),
        "due_at": tr("DrillDialog", "Due"),
        "met_at": tr("DrillDialog", "Met"),
        "code": tr("DrillDialog", "Code"),
    }


def drill_titles() -> dict[str, str]:
    tr = QCoreApplication.translate
    return {
        "satisfaction": tr("DrillDialog", "Surveys"),
        "retention": tr("DrillDialog", "Return visits"),
        "new_members": tr("DrillDialog", "New members"),
        "tier": tr("DrillDialog", "Members of the tier, by 12-month spend"),
        "category": tr("DrillDialog", "Complaints"),
        "channel": tr("DrillDialog", "Complaints"),
        "stage": tr("DrillDialog", "Complaint deadlines"),
        "campaign": tr("DrillDialog", "Coupons"),
    }


def cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return local_date(value)
    if column in MONEY_COLUMNS:
        return money(int(value))
    if column == "category":
        return labels.categories().get(value, value)
    if column == "channel":
        return labels.channels().get(value, value)
    if column == "status":
        return labels.statuses().get(value, value)
    if column == "stage":
        return labels.stages().get(value, value)
    return str(value)


class DrillModel(RowsTableModel[tuple[Any, ...]]):
    def __init__(self, columns: tuple[str, ...], parent: Any = None) -> None:
        self.columns = columns
        super().__init__(parent)

    def headers(self) -> list[str]:
        names = column_names()
        return [names.get(c, c) for c in self.columns]

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        column = self.columns[index.column()]
        return cell(column, self._rows[index.row()][index.column()])


class DrillDialog(QDialog):
    """Signals: member_requested(int) when a row with a member is opened."""

    member_requested = Signal(int)

    def __init__(self, drill: dash.Drill, key: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drillDialog")
        self.drill = drill
        title = drill_titles().get(drill.kind, drill.kind)
        self.setWindowTitle(title)
        self.resize(820, 520)
        self.model = DrillModel(drill.columns, self)
        self.model.set_rows(drill.rows)
        self.view = QTableView(objectName="drillTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.resizeColumnsToContents()
        self.view.doubleClicked.connect(self.on_open)
        self.view.activated.connect(self.on_open)
        shown = self.tr("%n row(s)", "", len(drill.rows))
        if drill.truncated:
            shown += " · " + self.tr("the first %1 are shown").replace("%1", str(dash.DRILL_LIMIT))
        self.count = QLabel(shown, objectName="drillCount")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    @Slot()
    def on_open(self) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < len(self.drill.member_ids):
            member_id = self.drill.member_ids[row]
            if member_id is not None:
                self.member_requested.emit(member_id)
                self.accept()
