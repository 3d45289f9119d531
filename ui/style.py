"""Fonts, translations and the look of the app, set up once at start."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.core.paths import resources_dir
from ui import format as formats

log = logging.getLogger(__name__)

CJK_FONT_FILE = "wqy-microhei.ttf"
LANGUAGES = ("zh_CN", "zh_TW", "en")
DEFAULT_LANGUAGE = "zh_CN"

# Style sheets only on the few widgets that need them: an application-wide sheet
# routes every table cell through QStyleSheetStyle and makes repaints ~2.5x slower.
WIDGET_STYLES = {
    "memberSearchBox": "QLineEdit { font-size: 16pt; padding: 6px 10px; "
    "border: 2px solid #3b7dd8; border-radius: 6px; }",
    "profileName": "QLabel { font-size: 20pt; font-weight: bold; }",
    "searchHint": "QLabel { color: #666; }",
    "formError": "QLabel { color: #b00020; }",
    "navList": "QListWidget { font-size: 13pt; background: #2f3b4c; color: #e8edf3; "
    "border: none; } QListWidget::item { padding: 12px 14px; } "
    "QListWidget::item:selected { background: #3b7dd8; color: white; }",
}


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
    formats.set_language(language)
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
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#cfe2ff"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#000000"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f6f8fa"))
    app.setPalette(palette)


def style_widget(widget: QWidget) -> None:
    """Applies the look registered for this widget's objectName, if any."""
    sheet = WIDGET_STYLES.get(widget.objectName())
    if sheet:
        widget.setStyleSheet(sheet)
