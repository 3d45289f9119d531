"""Saves screenshots of the main windows (offscreen) into shots/ for a human to look at."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.context import AppContext
from app.demo import seed_demo
from ui.main_window import MainWindow
from ui.members.dialogs import MemberDialog, VisitDialog
from ui.style import apply_style, install_translations, register_fonts


def main() -> None:
    lang = sys.argv[1] if len(sys.argv) > 1 else "zh_CN"
    out = Path("shots")
    out.mkdir(exist_ok=True)
    app = QApplication([])
    register_fonts(app)
    apply_style(app)
    install_translations(app, lang)
    ctx = AppContext.open(tempfile.mkdtemp())
    seed_demo(ctx, 3000)
    win = MainWindow(ctx)
    win.resize(1280, 800)
    win.show()
    desk = win.member_desk
    QTest.keyClicks(desk.search_box, "zh")
    desk.run_search()
    app.processEvents()
    win.grab().save(str(out / f"member_search_{lang}.png"))
    desk.on_enter()
    app.processEvents()
    win.grab().save(str(out / f"member_profile_{lang}.png"))
    dialog = MemberDialog(ctx, win)
    dialog.phone.setText("12345")
    dialog.name.setText("王小明")
    dialog.on_save()
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(out / f"member_dialog_{lang}.png"))
    assert desk.profile.profile is not None
    visit = VisitDialog(ctx, desk.profile.profile, win)
    visit.show()
    app.processEvents()
    visit.grab().save(str(out / f"visit_dialog_{lang}.png"))
    print("saved to", out.resolve())


if __name__ == "__main__":
    main()
