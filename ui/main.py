"""The frontdesk GUI entry point."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app import staff
from app.admin import housekeeping
from app.admin.instance import InstanceLock
from app.bootstrap import open_store
from app.core import connection, store
from app.core import settings as st
from app.core.context import AppContext
from app.core.errors import FrontdeskError, Unavailable
from app.core.paths import resolve_data_dir
from app.coupons import CouponView
from app.reporting import dashboard, daybook
from ui.actions import error_text
from ui.format import language, local_datetime
from ui.forms import install_number_hints
from ui.login import LoginDialog, SetupOwnerDialog
from ui.main_window import MainWindow
from ui.probe import install as install_probe
from ui.style import apply_style, install_translations, register_fonts

log = logging.getLogger("frontdesk")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="frontdesk", description="Frontdesk counter app")
    parser.add_argument(
        "--data-dir", help="data folder (default: FRONTDESK_DATA_DIR or the user data folder)"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the store's PostgreSQL server, e.g. postgresql://frontdesk:secret@192.168.1.10/"
        "frontdesk (default: FRONTDESK_DB_URL, the Database settings, else this PC's own file)",
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "zh_TW", "en"),
        default=os.environ.get("FRONTDESK_LANG") or None,
        help="UI language (default: the store's setting, zh_CN at first)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="on first start (no members yet), add demo members"
    )
    parser.add_argument(
        "--quit-after-start",
        action="store_true",
        help="show the window, report the start-up time and quit (smoke test)",
    )
    parser.add_argument("--smoke-report", help=argparse.SUPPRESS)  # packaging smoke test
    return parser.parse_args(argv)


def _needs_offscreen() -> bool:
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


# How long a thread runs Python before one waiting for the interpreter gets its turn
# (Python's default is 5 ms). While a background job computes (the search keys' rebuild
# after an upgrade, the tier review), the counter's thread waited up to that long at each
# database call it made: a lookup 11 ms instead of 4, saving a member 360 ms instead of
# 50 (BENCH keys_rebuild_meanwhile). With nothing running in the background it changes
# nothing.
SWITCH_INTERVAL_S = 0.0005


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
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

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Frontdesk")
    install_probe(app)  # only when FRONTDESK_PROBE is set (the journey tests)
    install_number_hints(app)
    quitter = install_quit_signals(app)
    register_fonts(app)
    apply_style(app)
    install_translations(app, args.lang or "zh_CN")

    data_dir = resolve_data_dir(args.data_dir)
    try:
        lock = InstanceLock(data_dir).acquire()
    except FrontdeskError as exc:
        message = error_text(exc)
        print(f"frontdesk: {message}", file=sys.stderr)
        if not args.quit_after_start:
            QMessageBox.critical(None, "Frontdesk", message)
        return 1
    try:
        url = connection.database_url(data_dir, args.db)
    except FrontdeskError as exc:
        message = error_text(exc)
        print(f"frontdesk: {message}", file=sys.stderr)
        if not args.quit_after_start:
            QMessageBox.critical(None, "Frontdesk", message)
        lock.release()
        return 2
    attempt = housekeeping.apply_scheduled_restore(data_dir, url)
    if attempt.problem is not None and not args.quit_after_start:
        QMessageBox.warning(None, "Frontdesk", error_text(attempt.problem))
    if not _database_sound(data_dir, url, args.quit_after_start):
        lock.release()
        return 2
    notice = None
    if housekeeping.upgrade_pending(data_dir, url) and not args.quit_after_start:
        # Upgrading a big store builds indexes: say so, rather than look frozen.
        notice = QLabel(
            QCoreApplication.translate(
                "startup", "Upgrading the database to this version; please do not switch off…"
            )
        )
        notice.setObjectName("upgradeNotice")
        notice.setMargin(24)
        notice.setWindowTitle("Frontdesk")
        notice.show()
        app.processEvents()
    ctx = _open(data_dir, url, args.quit_after_start)  # nobody signed in: no rights yet
    if ctx is None:
        log.info("the store's server cannot be reached; quitting")
        lock.release()
        return 2
    store_itself = ctx.as_system()  # housekeeping: demo data, expiry, backups
    if args.quit_after_start:
        ctx = store_itself  # the smoke test starts the window with nobody at the counter
    if notice is not None:
        notice.close()
    restored = housekeeping.finish_restore(store_itself)  # the audit trail after a restore
    stored = st.language(ctx) if args.lang is None else None
    if stored is not None and stored != "zh_CN":
        install_translations(app, stored)  # the store's language, from sign-in on
    if args.demo:
        housekeeping.seed_demo_if_empty(store_itself)
    if not args.quit_after_start and not sign_in(ctx):
        log.info("sign-in cancelled; quitting")
        ctx.close()
        lock.release()
        return 0
    if ctx.staff is not None:
        log.info("signed in as %s (%s)", ctx.staff.username, ctx.staff.role)
    housekeeping.daily(store_itself)
    windows: list[MainWindow] = []

    def open_window(auto_review: bool) -> MainWindow:
        window = MainWindow(ctx, auto_review=auto_review)
        window.hourly = lambda: housekeeping.backup_if_due(store_itself)
        window.language_changed.connect(switch_language)
        window.showMaximized()  # the counter's whole screen (1366×768 is common)
        windows[:] = [window]
        log.info("main window ready (%s)", language_name())
        return window

    def switch_language(language: str) -> None:
        """The settings changed the language: a new window in it replaces this one."""
        old = windows[0]
        install_translations(app, language)
        new = open_window(auto_review=False)
        if not old.isMaximized():
            new.showNormal()
            new.setGeometry(old.geometry())
        old.hide()
        old.close()
        old.deleteLater()

    first = open_window(auto_review=not args.quit_after_start)
    # Started (ui.launch switched the collector off while loading): what exists now lives
    # as long as the program, so it is frozen out of every later collection.
    gc.freeze()
    gc.enable()
    if restored is not None and not args.quit_after_start:
        first.show_restore_report(restored)
    if args.quit_after_start:

        def report() -> None:
            ready = time.perf_counter() - started
            print(
                f"STARTUP ready_s={ready:.3f} lang={language()} "
                f"switch_interval_s={sys.getswitchinterval():g}",
                flush=True,
            )
            if args.smoke_report:
                try:
                    _smoke_report(ctx, args.smoke_report, args.lang or "zh_CN")
                except Exception:
                    log.exception("smoke report failed")
                    app.exit(3)
                    return
            app.quit()

        QTimer.singleShot(0, report)
    if not args.quit_after_start:
        housekeeping.backup_if_due(store_itself)
    housekeeping.mark_running(data_dir, True)
    quitter.windows = windows
    code = app.exec()
    log.info("quitting%s", f" ({quitter.reason})" if quitter.reason else "")
    if not args.quit_after_start:
        housekeeping.backup_if_due(store_itself, on_exit=True)
    ctx.close()
    housekeeping.mark_running(data_dir, False)  # last: a crash in the exit backup is noticed
    lock.release()
    log.info("stopped cleanly")
    return code


class QuitSignals:
    """SIGTERM (the PC shutting down), SIGINT and SIGHUP end the program the way Ctrl+Q
    does: windows close, the exit backup runs and the next start is a clean one.

    Python runs a signal handler only between bytecodes; while Qt's event loop waits in C++,
    the signal's byte on the wakeup socket wakes the loop so the handler runs at once."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.reason = ""
        self.windows: list[MainWindow] = []
        self._read, self._write = socket.socketpair()
        for sock in (self._read, self._write):
            sock.setblocking(False)
        signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)
        for name in ("SIGTERM", "SIGINT", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), self._on_signal)

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            self._read.recv(512)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.reason = signal.Signals(signum).name
        log.info("%s received: closing", self.reason)

        def close() -> None:
            for window in self.windows:
                window.shutting_down = True
            QApplication.closeAllWindows()
            QApplication.exit(0)  # also ends a dialog's own loop (the sign-in box)

        QTimer.singleShot(0, close)


def install_quit_signals(app: object) -> QuitSignals:
    return QuitSignals(app)


def language_name() -> str:
    return language()


def _open(data_dir: Path, url: str | None, quiet: bool) -> AppContext | None:
    """Opens the store. A server that does not answer (the back-office PC still starting)
    is said so, with Retry (it usually is back within a minute) and Quit."""
    while True:
        try:
            return open_store(data_dir, db_url=url)
        except Unavailable:
            where = connection.shown(connection.database_url(data_dir, url))
            log.warning("the store's server %s does not answer", where)
            if quiet:
                return None
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Frontdesk",
                QCoreApplication.translate(
                    "startup",
                    "The store's database server (%1) does not answer. Is the back-office PC "
                    "on and connected? Retry when it is.",
                ).replace("%1", where),
                QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close,
            )
            box.setObjectName("serverUnreachable")
            box.setDefaultButton(QMessageBox.StandardButton.Retry)
            if box.exec() != QMessageBox.StandardButton.Retry:
                return None


def _database_sound(data_dir: Path, url: str | None, quiet: bool) -> bool:
    """After a crash or power cut, SQLite's quick check runs before anything else. A
    damaged database is explained, with the offer to restore the newest good backup."""
    damage = housekeeping.check_after_crash(data_dir, url)
    if damage is None:
        return True
    text = (
        QCoreApplication.translate(
            "startup",
            "The database in %1 is damaged (%2). This can happen after a power cut "
            "while the disk was writing.",
        )
        .replace("%1", str(data_dir))
        .replace("%2", "; ".join(damage.problems[:2]))
    )
    if damage.good is None:
        if not quiet:
            QMessageBox.critical(
                None,
                "Frontdesk",
                text
                + "\n\n"
                + QCoreApplication.translate(
                    "startup",
                    "No good backup was found. Please call for support; the file "
                    "has not been changed.",
                ),
            )
        return False
    question = (
        text
        + "\n\n"
        + QCoreApplication.translate(
            "startup",
            "Restore the newest good backup, taken %1? The damaged file is kept beside it.",
        ).replace("%1", local_datetime(damage.good.taken_at))
    )
    if quiet or QMessageBox.question(None, "Frontdesk", question) != QMessageBox.StandardButton.Yes:
        return False
    housekeeping.restore_newest_good(data_dir, damage.good)
    return True


def _smoke_report(ctx: AppContext, path: str, lang: str) -> None:
    """The packaged app's smoke test: the dashboard for the last 12 months as a PDF report
    (proves ReportLab, the bundled font and the day book work inside the bundle)."""
    from app.coupons import pdf as coupon_pdf  # ReportLab: loaded only for this check
    from app.reporting import report

    daybook.ensure_totals(ctx)
    today = store.today(ctx)
    board = dashboard.compute(ctx, dashboard.Period.preset("last_12_months", today))
    report.write_pdf(ctx, board, path, lang=lang)
    # And a coupon in every layout (QR code, Code128 barcode), not saved in the store.
    coupon = CouponView(
        0, "SMK0SMK0SMK0", "amount", 1000, "", 0, today, today + timedelta(days=30),
        None, "", None, "", ctx.clock.now(), None, None,
    )  # fmt: skip
    for layout in coupon_pdf.LAYOUTS:
        coupon_pdf.render([coupon], layout, f"{path}.{layout}.pdf", store="smoke")
    print(f"REPORT visits={board.visits} path={path}", flush=True)


def sign_in(ctx: AppContext) -> bool:
    """The owner's account on first start, then a login. False: the user gave up."""
    dialog = LoginDialog(ctx) if staff.has_staff(ctx) else SetupOwnerDialog(ctx)
    return bool(dialog.exec()) and ctx.staff is not None


if __name__ == "__main__":
    sys.exit(main())
