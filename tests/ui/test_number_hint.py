"""A number box says what it takes when it drops a key (app-wide: ui.forms.NumberHint)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QSpinBox, QToolTip, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.forms import install_number_hints


@pytest.fixture
def boxes(
    qtbot: QtBot, qapp: QApplication, english: None
) -> Iterator[tuple[QSpinBox, QDoubleSpinBox]]:
    hint = install_number_hints(qapp)
    form = QWidget()
    qtbot.addWidget(form)
    whole, money = QSpinBox(form), QDoubleSpinBox(form)
    whole.setRange(0, 9999)
    money.setRange(0, 500)
    money.setDecimals(2)
    layout = QVBoxLayout(form)
    layout.addWidget(whole)
    layout.addWidget(money)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=2000)
    yield whole, money
    qapp.focusChanged.disconnect(hint.on_focus)
    QToolTip.hideText()


def typed(qtbot: QtBot, box: QSpinBox | QDoubleSpinBox, text: str) -> str:
    box.setFocus()  # (the hint watches a box from when it gets the focus)
    box.selectAll()
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    qtbot.keyClicks(box, text)
    return box.text()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # a tooltip, offscreen
def test_a_dropped_key_is_said_and_a_taken_one_is_not(
    qtbot: QtBot, boxes: tuple[QSpinBox, QDoubleSpinBox]
) -> None:
    whole, money = boxes
    assert typed(qtbot, whole, "-3") == "3"  # Qt drops the minus...
    assert QToolTip.isVisible()  # ...and now says why
    assert QToolTip.text() == "Enter a whole number from 0 to 9999."
    assert typed(qtbot, whole, "99999") == "9999"
    assert QToolTip.text() == "Enter a whole number from 0 to 9999."
    assert typed(qtbot, whole, "120") == "120"
    assert not QToolTip.isVisible()
    assert typed(qtbot, money, "12.345") == "12.34"
    assert QToolTip.text() == "Enter a number from 0.00 to 500.00, with at most 2 decimals."
    assert typed(qtbot, money, "99.5") == "99.5"
    assert not QToolTip.isVisible()
