"""The dialog every form uses: fields, an inline error line, Save and Cancel."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent, QValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ui.style import style_widget


class FormDialog(QDialog):
    """A dialog with a form, an inline error line and Save/Cancel."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(440)  # room for a sentence of an error, and a purpose typed
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
        # Enter in a one-line field saves (the default button); in a multi-line box it starts
        # a new line, so Ctrl+Enter saves from anywhere in the form.
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip(self.tr("Save (Enter, or Ctrl+Enter in a text box)"))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self._save_by_key)
        # Ctrl+Q quits from inside a form too (the main window is blocked while a form is
        # open, so its own shortcut cannot fire): the window asks before losing the form.
        QShortcut(QKeySequence("Ctrl+Q"), self).activated.connect(self._quit_by_key)
        self.body = QVBoxLayout(self)  # the form, its error line and its buttons
        self.body.addLayout(self.form)
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)
        self.fields: dict[str, QWidget] = {}
        self._snapshot: list[object] | None = None  # what the form held when it opened
        self._error_field: QWidget | None = None

    def add_rows(self, rows: Iterable[tuple[Any, QWidget, str]]) -> None:
        """Adds labelled fields; `key` is the field name errors from app/ point at."""
        for label, widget, key in rows:
            self.form.addRow(label, widget)
            self.fields[key] = widget

    def show_error(self, text: str, field: str | None) -> None:
        self.error.setText(text)
        self.error.show()
        self.fit_height()
        widget = self.fields.get(field or "")
        if widget is not None:
            widget.setFocus()
            # The message goes once that field is being corrected (it no longer applies).
            self._error_field = widget
            widget.installEventFilter(self)

    def fit_height(self) -> None:
        """The error line takes room: the dialog grows to hold it rather than squeezing the
        wrapped texts above it (a help text lost its first and last lines)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        width = self.width()
        need = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        need = max(need, self.sizeHint().height())
        if need > self.height():
            self.resize(width, need)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._error_field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.text()
        ):
            self.error.hide()
            self._error_field = None
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        """Tab goes through the fields in the order they are shown, then Save and Cancel;
        the keyboard starts in the first field (the buttons are made first, so Qt would
        otherwise start on Save), unless a subclass put it somewhere on purpose."""
        super().showEvent(event)
        fields = self._form_fields()
        if self._snapshot is None:
            self._snapshot = self.values()
        chain = [*fields, *self.buttons.buttons()]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)
        focus = self.focusWidget()
        first = next((f for f in fields if f.isEnabled()), None)
        if first is not None and (focus is None or focus in self.buttons.buttons()):
            first.setFocus()

    def values(self) -> list[object]:
        """What the user can have typed or chosen in this form."""
        found: list[object] = []
        for w in self.findChildren(QWidget):
            if isinstance(w, QLineEdit):
                found.append(w.text())
            elif isinstance(w, QPlainTextEdit):
                found.append(w.toPlainText())
            elif isinstance(w, QComboBox | QAbstractSpinBox | QAbstractButton):
                found.append(
                    w.currentIndex()
                    if isinstance(w, QComboBox)
                    else w.text()
                    if isinstance(w, QAbstractSpinBox)
                    else w.isChecked()
                )
        return found

    def is_dirty(self) -> bool:
        """Something was typed or changed since the form opened (and not saved)."""
        return self._snapshot is not None and self.values() != self._snapshot

    def _form_fields(self) -> list[QWidget]:
        found: list[QWidget] = []

        def walk(item: QLayoutItem | None) -> None:
            if item is None:
                return
            widget = item.widget()
            if widget is not None:
                # Disabled fields keep their place (Tab passes them by while they are; a
                # tick box may enable one).
                if widget.isVisible() and widget.focusPolicy() & (Qt.FocusPolicy.TabFocus):
                    found.append(widget)
                elif widget.isVisible():  # a composite field (e.g. the 1-5 score)
                    found.extend(
                        w
                        for w in widget.findChildren(QWidget)
                        if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                    )
                return
            layout = item.layout()
            if layout is not None:
                for i in range(layout.count()):
                    walk(layout.itemAt(i))

        for row in range(self.form.rowCount()):
            for role in (
                QFormLayout.ItemRole.LabelRole,
                QFormLayout.ItemRole.FieldRole,
                QFormLayout.ItemRole.SpanningRole,
            ):
                item = self.form.itemAt(row, role)
                if item is not None and not isinstance(item.widget(), QLabel):
                    walk(item)
        return found

    def _quit_by_key(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            parent.window().close()

    def _save_by_key(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if save is not None and save.isVisible() and save.isEnabled():
            save.click()

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


class ScoreButtons(QWidget):
    """A 1-5 score as five radio buttons: the digit keys 1-5 pick a score at once (also
    the arrow keys, as in any radio group)."""

    def __init__(
        self, name_prefix: str, labels: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        for value in range(1, 6):
            text = labels[value - 1] if labels else str(value)
            button = QRadioButton(text, objectName=f"{name_prefix}{value}")
            button.installEventFilter(self)
            self.group.addButton(button, value)
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        self.setFocusProxy(self.buttons[0])

    def checkedId(self) -> int:
        return self.group.checkedId()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            text = event.text()
            if text in ("1", "2", "3", "4", "5"):
                button = self.buttons[int(text) - 1]
                button.setChecked(True)
                button.setFocus()
                return True
        return super().eventFilter(watched, event)


class NumberHint(QObject):
    """Says why a number box did not take a key. Qt's boxes drop a key that would make
    their text invalid, without a word: "-3" in a box from 0 came out 3, "99999" in one up
    to 9999 came out 9999. Now the box shows what it takes, under itself, as the key is
    dropped (the text stays as it was). One for the application: it watches each number
    box that gets the keyboard focus (not every event of the program: 1.4 µs each)."""

    @Slot(QWidget, QWidget)
    def on_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        if isinstance(new, QSpinBox | QDoubleSpinBox):
            new.installEventFilter(self)  # (again: no second copy, Qt keeps one)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(watched, QSpinBox | QDoubleSpinBox)
            and isinstance(event, QKeyEvent)
            and event.text().isprintable()
            and event.text()
        ):
            edit = watched.lineEdit()
            text = edit.text()
            if edit.hasSelectedText():
                start, end = edit.selectionStart(), edit.selectionEnd()
            else:
                start = end = edit.cursorPosition()
            typed = text[:start] + event.text() + text[end:]
            state = watched.validate(typed, start + len(event.text()))[0]
            if state == QValidator.State.Invalid:
                QToolTip.showText(
                    watched.mapToGlobal(watched.rect().bottomLeft()), number_range(watched), watched
                )
        return False


def number_range(box: QSpinBox | QDoubleSpinBox) -> str:
    """What a number box takes, as a sentence: "Enter a whole number from 0 to 9999"."""
    low, high = box.textFromValue(box.minimum()), box.textFromValue(box.maximum())  # type: ignore[arg-type]
    if isinstance(box, QDoubleSpinBox):
        text = QCoreApplication.translate(
            "NumberHint", "Enter a number from %1 to %2, with at most %3 decimals."
        ).replace("%3", str(box.decimals()))
    else:
        text = QCoreApplication.translate("NumberHint", "Enter a whole number from %1 to %2.")
    return text.replace("%1", low).replace("%2", high)


def install_number_hints(app: QApplication) -> NumberHint:
    hint = NumberHint(app)
    app.focusChanged.connect(hint.on_focus)
    return hint
