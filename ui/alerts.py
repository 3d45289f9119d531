"""Breach alerts that reach the counter even when the window is minimised."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget


class AlertCenter(QObject):
    """Signals:
    alerted(str, str): an alert was raised (title, message).
    """

    alerted = Signal(str, str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon: QIcon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(QApplication.applicationName())
            self.tray.show()

    def raise_alert(self, title: str, message: str) -> None:
        if self.tray is not None:
            self.tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, 15000)
        QApplication.beep()
        QApplication.alert(self.window)  # flashes the taskbar entry when minimised
        self.alerted.emit(title, message)
