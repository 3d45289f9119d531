"""Fonts, translations and the look of the app, set up once at start."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import resources_dir

log = logging.getLogger(__name__)

CJK_FONT_FILE = "DroidSansFallbackFull.ttf"
LANGUAGES = ("zh_CN", "zh_TW", "en")
DEFAULT_LANGUAGE = "zh_CN"

STYLE_SHEET = """
QWidget { font-size: 11pt; }
QLineEdit#memberSearchBox { font-size: 16pt; padding: 6px 10px; border: 2px solid #3b7dd8;
    border-radius: 6px; }
QLabel#profileName { font-size: 20pt; font-weight: bold; }
QLabel.hint, QLabel#searchHint { color: #666; }
QLabel#formError { color: #b00020; }
QLabel#profileAllergies { color: #b00020; font-weight: bold; }
QListWidget#navList { font-size: 13pt; background: #2f3b4c; color: #e8edf3; border: none; }
QListWidget#navList::item { padding: 12px 14px; }
QListWidget#navList::item:selected { background: #3b7dd8; color: white; }
QTableView { gridline-color: #e2e6ea; selection-background-color: #cfe2ff;
    selection-color: black; alternate-background-color: #f6f8fa; }
QHeaderView::section { padding: 4px; font-weight: bold; }
QPushButton { padding: 6px 14px; }
"""


def register_fonts(app: QApplication) -> str | None:
    """Registers the bundled CJK font and puts it behind the default font as fallback.

    Returns the family name, or None when the font file is missing.
    """
    path = resources_dir() / "fonts" / CJK_FONT_FILE
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.error("could not load bundled font %s", path)
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(app.font())
    # Latin text keeps the platform's font; every CJK glyph falls back to ours.
    font.setFamilies([font.family(), family])
    font.setPointSize(11)
    app.setFont(font)
    return family


_installed: list[QTranslator] = []


def install_translations(app: QApplication, language: str) -> bool:
    """Loads our .qm (and Qt's own, for standard buttons). Returns False if ours is missing."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return True
    ok = False
    ours = QTranslator(app)
    if ours.load(str(Path(resources_dir()) / "i18n" / f"frontdesk_{language}.qm")):
        app.installTranslator(ours)
        _installed.append(ours)
        ok = True
    else:
        log.warning("no translation file for %s; showing English", language)
    qt_own = QTranslator(app)
    if qt_own.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return ok


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
