"""The frontdesk GUI entry point."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

from app.paths import resolve_data_dir

log = logging.getLogger("frontdesk")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="frontdesk", description="Frontdesk counter app")
    parser.add_argument(
        "--data-dir", help="data folder (default: FRONTDESK_DATA_DIR or the user data folder)"
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "zh_TW", "en"),
        default=os.environ.get("FRONTDESK_LANG", "zh_CN"),
    )
    parser.add_argument(
        "--demo", action="store_true", help="on first start (no members yet), add demo members"
    )
    parser.add_argument(
        "--quit-after-start",
        action="store_true",
        help="show the window, report the start-up time and quit (smoke test)",
    )
    return parser.parse_args(argv)


def _needs_offscreen() -> bool:
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if _needs_offscreen():
        print(
            "frontdesk: no display found; running offscreen (set DISPLAY to see the window)",
            file=sys.stderr,
        )
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.context import AppContext
    from ui.main_window import MainWindow
    from ui.style import apply_style, install_translations, register_fonts

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Frontdesk")
    register_fonts(app)
    apply_style(app)
    install_translations(app, args.lang)

    data_dir = resolve_data_dir(args.data_dir)
    from app.errors import FrontdeskError
    from app.instance import InstanceLock

    try:
        lock = InstanceLock(data_dir).acquire()
    except FrontdeskError as exc:
        from PySide6.QtWidgets import QMessageBox

        from ui.actions import error_text

        message = error_text(exc)
        print(f"frontdesk: {message}", file=sys.stderr)
        if not args.quit_after_start:
            QMessageBox.critical(None, "Frontdesk", message)
        return 1
    ctx = AppContext.open(data_dir)
    if args.demo:
        from app.demo import seed_if_empty

        added = seed_if_empty(ctx)
        if added:
            log.info("added %d demo members to %s", added, data_dir)
    if not args.quit_after_start and not sign_in(ctx):
        ctx.close()
        lock.release()
        return 0
    from app.loyalty import expire_points

    expire_points(ctx)  # daily housekeeping; an index lookup when nothing is due
    window = MainWindow(ctx, auto_review=not args.quit_after_start)
    window.show()
    if args.quit_after_start:

        def report() -> None:
            print(f"STARTUP ready_s={time.perf_counter() - started:.3f}", flush=True)
            app.quit()

        QTimer.singleShot(0, report)
    if not args.quit_after_start:
        _daily_backup(ctx, data_dir, on_start=True)
    code = app.exec()
    if not args.quit_after_start:
        _daily_backup(ctx, data_dir, on_start=False)
    ctx.close()
    lock.release()
    return code


def sign_in(ctx: object) -> bool:
    """The owner's account on first start, then a login. False: the user gave up."""
    from app import staff
    from app.context import AppContext
    from ui.login import LoginDialog, SetupOwnerDialog

    assert isinstance(ctx, AppContext)
    dialog = LoginDialog(ctx) if staff.has_staff(ctx) else SetupOwnerDialog(ctx)
    return bool(dialog.exec()) and ctx.staff is not None


def _daily_backup(ctx: object, data_dir: object, on_start: bool) -> None:
    """A backup on every exit, and at start when the newest is over a day old. A failed
    backup is logged and never stops the counter."""
    from datetime import timedelta
    from pathlib import Path

    from app.backup import backup_now, list_backups
    from app.context import AppContext

    assert isinstance(ctx, AppContext)
    folder = Path(str(data_dir)) / "backups"
    try:
        newest = list_backups(folder)[:1]
        if on_start and newest and ctx.clock.now() - newest[0].taken_at < timedelta(days=1):
            return
        info = backup_now(ctx, folder)
        log.info("backup written to %s", info.path)
    except Exception:
        log.exception("automatic backup failed")


if __name__ == "__main__":
    sys.exit(main())
