"""Journeys: starting, quitting and starting again, as a new store does on its first day."""

from __future__ import annotations

import signal
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.journeys.driver import App, admin_command, query, scalar, wait_until

OWNER, PASSWORD = "boss", "secret-1"


def create_owner(app: App) -> None:
    app.wait_window("setupOwnerDialog")
    app.wait_focus("setupUsername")
    app.type(OWNER)
    app.key("Tab")
    app.type("王老板")
    app.key("Tab")
    app.type(PASSWORD)
    app.key("Tab")
    app.type(PASSWORD)
    app.key("Return")


def sign_in(app: App, user: str = OWNER, password: str = PASSWORD) -> None:
    app.wait_window("loginDialog")
    app.wait_focus("loginUsername")
    app.type(user)
    app.key("Return")
    app.wait_focus("loginPassword")
    app.type(password)
    app.key("Return")


def test_first_start_quit_and_start_again(frontdesk: Callable[..., App], store: Path) -> None:
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.wait_log("main window ready")
    app.screenshot("first-start")
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()
    assert query(store, "SELECT username, role FROM staff") == [(OWNER, "owner")]
    # The first start ran the monthly review in the background; its date is stored.
    assert scalar(store, "SELECT count(*) FROM settings WHERE key = 'loyalty_last_refresh'") == 1
    assert not (store / "frontdesk.running").exists()

    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    again.wait_log("main window ready")
    again.screenshot("second-start")
    assert "last run ended abruptly" not in again.output()
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()
    logins = scalar(store, "SELECT count(*) FROM audit_log WHERE action = 'login'")
    assert logins == 2
    backups = sorted(p.name for p in (store / "backups").iterdir())
    assert backups and all(name.endswith(".sqlite3") for name in backups), backups


def test_shutdown_signal_quits_cleanly(frontdesk: Callable[..., App], store: Path) -> None:
    """A PC shutting down sends SIGTERM: the exit backup is written, the next start is
    a normal one."""
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.kill(signal.SIGTERM)
    assert app.wait_exit() == 0
    app.assert_clean_output()
    assert "SIGTERM received" in app.output()
    assert list((store / "backups").glob("*.sqlite3"))
    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    assert "last run ended abruptly" not in again.output()
    again.key("ctrl+q")
    assert again.wait_exit() == 0


def test_server_down_at_start_says_so(frontdesk: Callable[..., App], store: Path) -> None:
    """A counter set up for the store's server, started while the server is off: it says
    so (without the password), Retry tries again, Close quits; nothing is created on this
    PC in the meantime (no SQLite file the counter might start using by mistake)."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = frontdesk("--db", f"postgresql://frontdesk:secret@127.0.0.1:{port}/frontdesk")
    app.wait_window("serverUnreachable")
    app.screenshot("server-down")
    shown = app.texts()
    assert f"127.0.0.1:{port}" in shown and "secret" not in shown, shown
    app.key("Return")  # Retry: still off, asked again
    wait_until("a second try", lambda: app.output().count("does not answer") >= 2)
    app.wait_window("serverUnreachable")
    app.key("Escape")  # Close
    assert app.wait_exit() == 2
    app.assert_clean_output()
    assert not (store / "frontdesk.sqlite3").exists()


def test_language_switch_reopens_the_window(frontdesk: Callable[..., App], store: Path) -> None:
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.key("ctrl+comma")
    app.wait_window("settingsDialog")
    app.click("languageBox")
    app.key("Escape")  # the list closes; the box keeps the focus
    app.wait_focus("languageBox")
    app.type("E")  # keyboard search: English
    app.wait_text("languageBox", "English")
    app.key("ctrl+Return")
    app.wait_log(r"main window ready \(en\)")
    app.wait_focus("memberSearchBox")
    app.wait_widget("quitButton", lambda w: w["text"].startswith("Quit"))
    app.screenshot("english")
    assert scalar(store, "SELECT value FROM settings WHERE key = 'store_settings'").count(
        '"language": "en"'
    )
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()

    again = frontdesk()  # the store's language from the sign-in box on
    login = again.wait_window("loginDialog")
    assert login["title"] == "Sign in"
    sign_in(again)
    again.wait_log(r"main window ready \(en\)")
    again.key("ctrl+q")
    assert again.wait_exit() == 0


def test_power_cut_mid_visit(frontdesk: Callable[..., App], store: Path) -> None:
    """kill -9 while a second visit is being typed: the confirmed one is there once, the
    unconfirmed one is not, and the next start checks the database first."""
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    member_id, name, phone = query(
        store, "SELECT id, name, phone FROM members WHERE active = 1 ORDER BY id LIMIT 1"
    )[0]
    before = scalar(store, "SELECT count(*) FROM visits WHERE member_id = ?", member_id)
    app.type(phone)
    app.key("Return")
    app.wait_text("profileName", name)
    app.key("F5")
    app.wait_focus("visitAmountEdit")
    app.type("87.65")
    app.key("Return")
    app.wait_gone("visitDialog")
    app.key("F5")
    app.wait_focus("visitAmountEdit")
    app.type("98.76")
    app.kill()  # the power goes
    app.wait_exit()
    assert (store / "frontdesk.running").exists()

    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    assert "last run ended abruptly; the database checked out fine" in again.output()
    amounts = [
        r[0]
        for r in query(
            store,
            "SELECT amount_cents FROM visits WHERE member_id = ? ORDER BY id",
            member_id,
        )
    ]
    assert len(amounts) == before + 1 and amounts.count(8765) == 1 and 9876 not in amounts
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()


def test_big_store_starts_and_signs_in(frontdesk: Callable[..., App], store: Path) -> None:
    """A store with 100,000 members (made by the admin tool) starts, the owner signs up,
    a search answers, the monthly review runs in the background and the app quits."""
    made = subprocess.run(
        [*admin_command(), "--data-dir", str(store), "demo", "--members", "100000"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.type("138")
    app.wait_widget("memberResultsView", lambda w: w["rows"] > 0, what="hits for 138")
    app.screenshot("big-store")
    app.wait_log("tier review done", timeout=120)
    app.key("ctrl+q")
    assert app.wait_exit(timeout=120) == 0
    app.assert_clean_output()
    assert scalar(store, "SELECT count(*) FROM members") == 100000
    assert scalar(store, "SELECT count(*) FROM member_stats") > 0
