"""The list behind a number of the dashboard; Enter or a double-click opens the member."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import reporting as dash
from ui.actions import call
from ui.complaints import labels
from ui.files import save_path
from ui.format import local_date, local_datetime, money
from ui.table import DISPLAY, RowsTableModel

MONEY_COLUMNS = {
    "spend",
    "spend_12m",
    "amount",
    "paid_in",
    "paid_back",
    "principal_change",
    "bonus_change",
    "principal_after",
    "bonus_after",
    "principal",
    "bonus",
    "balance",
}


def column_names() -> dict[str, str]:
    return {
        "at": QCoreApplication.translate("DrillDialog", "When"),
        "created_at": QCoreApplication.translate("DrillDialog", "Logged / joined"),
        "issued_at": QCoreApplication.translate("DrillDialog", "Issued"),
        "used_at": QCoreApplication.translate("DrillDialog", "Redeemed"),
        "member_no": QCoreApplication.translate("DrillDialog", "Member no."),
        "name": QCoreApplication.translate("DrillDialog", "Name"),
        "score": QCoreApplication.translate("DrillDialog", "Score"),
        "comment": QCoreApplication.translate("DrillDialog", "Comment"),
        "gap_days": QCoreApplication.translate("DrillDialog", "Days since last visit"),
        "usual_days": QCoreApplication.translate("DrillDialog", "Usual interval (days)"),
        "on_time": QCoreApplication.translate("DrillDialog", "On time"),
        "visits": QCoreApplication.translate("DrillDialog", "Visits in the period"),
        "spend": QCoreApplication.translate("DrillDialog", "Total spend"),
        "tier": QCoreApplication.translate("DrillDialog", "Tier"),
        "spend_12m": QCoreApplication.translate("DrillDialog", "Spend, 12 months"),
        "visits_12m": QCoreApplication.translate("DrillDialog", "Visits, 12 months"),
        "ref": QCoreApplication.translate("DrillDialog", "Ref."),
        "guest": QCoreApplication.translate("DrillDialog", "Guest"),
        "category": QCoreApplication.translate("DrillDialog", "Category"),
        "channel": QCoreApplication.translate("DrillDialog", "Channel"),
        "status": QCoreApplication.translate("DrillDialog", "Status"),
        "stage": QCoreApplication.translate("DrillDialog", "Stage"),
        "due_at": QCoreApplication.translate("DrillDialog", "Due"),
        "met_at": QCoreApplication.translate("DrillDialog", "Met"),
        "code": QCoreApplication.translate("DrillDialog", "Code"),
        "amount": QCoreApplication.translate("DrillDialog", "Amount"),
        "items": QCoreApplication.translate("DrillDialog", "Items"),
        "entry": QCoreApplication.translate("DrillDialog", "Entry"),
        "paid_in": QCoreApplication.translate("DrillDialog", "Paid in"),
        "paid_back": QCoreApplication.translate("DrillDialog", "Paid back"),
        "principal_change": QCoreApplication.translate("DrillDialog", "Principal ±"),
        "bonus_change": QCoreApplication.translate("DrillDialog", "Bonus ±"),
        "principal_after": QCoreApplication.translate("DrillDialog", "Principal after"),
        "bonus_after": QCoreApplication.translate("DrillDialog", "Bonus after"),
        "staff": QCoreApplication.translate("DrillDialog", "Staff"),
        "note": QCoreApplication.translate("DrillDialog", "Note"),
        "principal": QCoreApplication.translate("DrillDialog", "Principal"),
        "bonus": QCoreApplication.translate("DrillDialog", "Bonus"),
        "balance": QCoreApplication.translate("DrillDialog", "Balance"),
        "last_at": QCoreApplication.translate("DrillDialog", "Last used"),
    }


def entry_names() -> dict[str, str]:
    """The card ledger's entries; ".voided": a later void undid it."""
    return {
        "recharge": QCoreApplication.translate("DrillDialog", "Recharge"),
        "recharge.voided": QCoreApplication.translate("DrillDialog", "Recharge (voided)"),
        "spend": QCoreApplication.translate("DrillDialog", "Payment"),
        "spend.voided": QCoreApplication.translate("DrillDialog", "Payment (voided)"),
        "refund": QCoreApplication.translate("DrillDialog", "Refund"),
        "void": QCoreApplication.translate("DrillDialog", "Void"),
    }


def drill_titles() -> dict[str, str]:
    return {
        "visits": QCoreApplication.translate("DrillDialog", "Visits in the period"),
        "satisfaction": QCoreApplication.translate("DrillDialog", "Surveys"),
        "retention": QCoreApplication.translate("DrillDialog", "Return visits"),
        "new_members": QCoreApplication.translate("DrillDialog", "New members"),
        "tier": QCoreApplication.translate("DrillDialog", "Members of the tier, by 12-month spend"),
        "category": QCoreApplication.translate("DrillDialog", "Complaints"),
        "channel": QCoreApplication.translate("DrillDialog", "Complaints"),
        "stage": QCoreApplication.translate("DrillDialog", "Complaint deadlines"),
        "campaign": QCoreApplication.translate("DrillDialog", "Coupons"),
        "prepaid_recharge": QCoreApplication.translate("DrillDialog", "Card recharges"),
        "prepaid_spend": QCoreApplication.translate("DrillDialog", "Paid from cards"),
        "prepaid_refund": QCoreApplication.translate("DrillDialog", "Card refunds"),
        "prepaid_cards": QCoreApplication.translate(
            "DrillDialog", "Cards holding a balance at the end of the period"
        ),
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
        return str(labels.categories().get(value, value))
    if column == "channel":
        return str(labels.channels().get(value, value))
    if column == "status":
        return str(labels.statuses().get(value, value))
    if column == "stage":
        return str(labels.stages().get(value, value))
    if column == "entry":
        return entry_names().get(value, str(value))
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

    def __init__(
        self,
        drill: dash.Drill,
        key: str | None,
        parent: QWidget | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("drillDialog")
        self.drill = drill
        self.folder = folder or Path(".")  # where "Save as CSV…" starts
        title = drill_titles().get(drill.kind, drill.kind)
        if drill.kind == "retention" and key == "late":
            title = self.tr("Return visits after the usual interval")
        elif drill.kind == "satisfaction" and key == "unsatisfied":
            title = self.tr("Surveys scoring 1-3")
        elif drill.kind == "prepaid_recharge" and key == "bonus":
            title = self.tr("Recharges with a bonus")
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
        header = self.view.horizontalHeader()
        for col in range(self.model.columnCount()):  # the title fits too, not only the cells
            self.view.setColumnWidth(
                col, max(self.view.columnWidth(col), header.sectionSizeHint(col) + 10)
            )
        # What every column needs (the last one stretches, but never below the default).
        widths = [self.view.columnWidth(c) for c in range(self.model.columnCount())]
        if widths:
            widths[-1] = max(widths[-1], header.defaultSectionSize())
        self._columns_width = sum(widths)
        self.view.doubleClicked.connect(self.on_open)
        self.view.activated.connect(self.on_open)
        shown = title + " · " + self.tr("Rows: %1").replace("%1", str(len(drill.rows)))
        if drill.truncated:
            shown += " · " + self.tr("the first %1 are shown").replace("%1", str(dash.DRILL_LIMIT))
        self.count = QLabel(shown, objectName="drillCount")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        save = buttons.addButton(self.tr("Save as CSV…"), QDialogButtonBox.ButtonRole.ActionRole)
        save.setObjectName("drillCsv")
        save.clicked.connect(self.on_save_csv)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        """A wide list (the card ledger) widens the window to show every column, within a
        1366-pixel screen; measured once laid out and shown, when the columns are final."""
        super().showEvent(event)
        overflow = self._columns_width - self.view.viewport().width()
        if overflow > 0:
            self.resize(min(self.width() + overflow + 4, 1300), self.height())

    def export(self, path: str) -> bool:
        """The list as shown (same columns, same words) into a CSV file for Excel."""
        from app.reporting.report import write_table

        headers = self.model.headers()
        rows = [
            [self.model.data(self.model.index(r, c)) for c in range(len(headers))]
            for r in range(self.model.rowCount())
        ]
        done = call(self, write_table, path, headers, rows)
        if done is not None:
            self.count.setText(self.count.text() + " · " + self.tr("saved"))
        return done is not None

    @Slot()
    def on_save_csv(self) -> None:
        path = save_path(
            self, self.tr("Save the list"), self.folder, f"{self.drill.kind}.csv", "CSV (*.csv)"
        )
        if path:
            self.export(path)

    @Slot()
    def on_open(self) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < len(self.drill.member_ids):
            member_id = self.drill.member_ids[row]
            if member_id is not None:
                self.member_requested.emit(member_id)
                self.accept()
