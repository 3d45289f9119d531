"""File and folder choosers in the UI's language (Qt's own dialog leaves "Look in:" and
"Files of type:" untranslated in Chinese), starting in a sensible folder of the data
folder rather than wherever the program was started."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget


def _dialog(parent: QWidget | None, title: str, start: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setObjectName("fileDialog")
    labels = {
        QFileDialog.DialogLabel.LookIn: QCoreApplication.translate("files", "Look in:"),
        QFileDialog.DialogLabel.FileName: QCoreApplication.translate("files", "File name:"),
        QFileDialog.DialogLabel.FileType: QCoreApplication.translate("files", "Files of type:"),
        QFileDialog.DialogLabel.Reject: QCoreApplication.translate("files", "Cancel"),
    }
    for label, text in labels.items():
        dialog.setLabelText(label, text)
    return dialog


def save_path(
    parent: QWidget | None, title: str, folder: Path, name: str, filters: str
) -> str | None:
    """Where to save a file: suggested in `folder` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    dialog = _dialog(parent, title, str(folder / name), filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, QCoreApplication.translate("files", "Save"))
    if dialog.exec() and dialog.selectedFiles():
        return dialog.selectedFiles()[0]
    return None


def open_path(parent: QWidget | None, title: str, start: str, filters: str) -> str | None:
    dialog = _dialog(parent, title, start, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, QCoreApplication.translate("files", "Open"))
    if dialog.exec() and dialog.selectedFiles():
        return dialog.selectedFiles()[0]
    return None


def folder_path(parent: QWidget | None, title: str, start: str) -> str | None:
    dialog = _dialog(parent, title, start, "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setLabelText(
        QFileDialog.DialogLabel.Accept, QCoreApplication.translate("files", "Choose")
    )
    if dialog.exec() and dialog.selectedFiles():
        return dialog.selectedFiles()[0]
    return None
