"""A member's coupons on the profile: held, used, expired."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtGui import QBrush, QColor

from app.coupons import CouponView
from ui.coupons import labels
from ui.format import local_datetime
from ui.table import DISPLAY, RowsTableModel

FOREGROUND = 9  # Qt.ForegroundRole
GREY = QBrush(QColor("#999999"))


class MemberCouponsModel(RowsTableModel[CouponView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._states: list[str] = []
        self._texts: list[tuple[str, ...]] = []

    def headers(self) -> list[str]:
        return [
            self.tr("Code"),
            self.tr("Offer"),
            self.tr("State"),
            self.tr("Valid"),
            self.tr("Campaign"),
        ]

    def load(self, rows: list[CouponView], today: date) -> None:
        self.beginResetModel()
        self._rows = rows
        states = labels.states()
        self._states = [c.state(today) for c in rows]
        self._texts = [
            (
                c.display_code,
                labels.value_text(c),
                states[s] + (" " + local_datetime(c.used_at) if c.used_at else ""),
                f"{c.valid_from.isoformat()} – {c.valid_to.isoformat()}",
                c.campaign_name,
            )
            for c, s in zip(rows, self._states, strict=True)
        ]
        self.endResetModel()

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role == DISPLAY:
            return self._texts[index.row()][index.column()]
        if role == FOREGROUND and self._states[index.row()] != "valid":
            return GREY
        return None
