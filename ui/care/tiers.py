"""The manager's tier table: names, thresholds (rolling 12 months) and benefits."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from app import loyalty as ly
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.core.money import parse_amount
from ui.actions import call, error_text
from ui.forms import FormDialog


class TierDialog(FormDialog):
    """One row per tier, best first. Changes apply from the next visit and review."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tierDialog")
        self.setWindowTitle(self.tr("Membership tiers"))
        self.ctx = ctx
        self.saved: list[ly.TierView] | None = None
        self.tiers = ly.list_tiers(ctx)
        grid = QGridLayout()
        for col, title in enumerate(
            (
                self.tr("Tier"),
                self.tr("12-month spend from (¥)"),
                self.tr("and visits from"),
                self.tr("Discount %"),
                self.tr("Points per ¥100"),
            )
        ):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.rows: list[tuple[QLineEdit, QLineEdit, QSpinBox, QSpinBox, QSpinBox]] = []
        for r, t in enumerate(self.tiers, start=1):
            name = QLineEdit(t.name, objectName=f"tierName_{t.code}")
            spend = QLineEdit(f"{t.min_spend_cents / 100:.2f}", objectName=f"tierSpend_{t.code}")
            visits, discount, points = QSpinBox(), QSpinBox(), QSpinBox()
            visits.setRange(0, 1000)
            visits.setValue(t.min_visits)
            discount.setRange(0, 50)
            discount.setValue(t.discount_percent)
            points.setRange(0, 1000)
            points.setValue(t.points_per_100)
            for col, widget in enumerate((name, spend, visits, discount, points)):
                grid.addWidget(widget, r, col)
            self.rows.append((name, spend, visits, discount, points))
        self.form.addRow(grid)

    def on_save(self) -> None:
        try:
            new = [
                ly.TierView(
                    t.code,
                    name.text(),
                    t.rank,
                    parse_amount(spend.text() or "0", "tiers"),
                    visits.value(),
                    discount.value(),
                    points.value(),
                )
                for t, (name, spend, visits, discount, points) in zip(
                    self.tiers, self.rows, strict=True
                )
            ]
        except FrontdeskError as exc:
            self.show_error(error_text(exc), None)
            return
        result = call(self, ly.set_tiers, self.ctx, new)
        if result is not None:
            self.saved = result
            self.accept()
