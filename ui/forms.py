"""The dialog every form uses: fields, an inline error line, Save and Cancel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.style import style_widget


class FormDialog(QDialog):
    """A dialog with a form, an inline error line and Save/Cancel."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.error = QLabel()
        self.error.setObjectName("formError")
        style_widget(self.error)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.fields: dict[str, QWidget] = {}

    def add_rows(self, rows: Iterable[tuple[Any, QWidget, str]]) -> None:
        """Adds labelled fields; `key` is the field name errors from app/ point at."""
        for label, widget, key in rows:
            self.form.addRow(label, widget)
            self.fields[key] = widget

    def show_error(self, text: str, field: str | None) -> None:
        self.error.setText(text)
        self.error.show()
        widget = self.fields.get(field or "")
        if widget is not None:
            widget.setFocus()

    def on_save(self) -> None:
        raise NotImplementedError


class WeekdayChecks(QWidget):
    """Seven check boxes, Monday (0) to Sunday (6): the store's rest days."""

    def __init__(self, checked: tuple[int, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        names = [
            self.tr("Mon"),
            self.tr("Tue"),
            self.tr("Wed"),
            self.tr("Thu"),
            self.tr("Fri"),
            self.tr("Sat"),
            self.tr("Sun"),
        ]
        self.boxes: list[QCheckBox] = []
        for i, name in enumerate(names):
            box = QCheckBox(name, objectName=f"restDay{i}")
            box.setChecked(i in checked)
            layout.addWidget(box)
            self.boxes.append(box)
        layout.addStretch(1)

    def checked(self) -> tuple[int, ...]:
        return tuple(i for i, box in enumerate(self.boxes) if box.isChecked())
