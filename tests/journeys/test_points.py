"""Journey: points past their year. A store where an earlier version let a member spend
expired points starts (it crashed at the daily expiry: below zero); the year of a batch
passes while the app is open, and the counter can no longer spend it; the next start
takes it (and a start whose expiry fails still opens). The balance is always the ledger's
sum."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.journeys.driver import App, scalar
from tests.journeys.test_start import create_owner, sign_in

PHONE = "13955501234"
LEDGER = "SELECT coalesce(sum(points), 0) FROM points_entries WHERE member_id = ?"
BALANCE = "SELECT points_balance FROM members WHERE id = ?"


def stored(at: datetime) -> str:
    """An instant as the store keeps it (naive UTC text)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def age_batches(store: Path, member_id: int) -> None:
    """A year goes by for the member's earned points (they are past it by an hour)."""
    now = datetime.now(UTC)
    with sqlite3.connect(store / "frontdesk.sqlite3") as con:
        con.execute(
            "UPDATE points_entries SET at = ?, expires_at = ? "
            "WHERE member_id = ? AND kind = 'earn' AND remaining > 0",
            (stored(now - timedelta(days=366)), stored(now - timedelta(hours=1)), member_id),
        )


def open_member(app: App, name: str) -> None:
    app.key("F3")
    app.wait_focus("memberSearchBox")
    app.key("ctrl+a")
    app.type(PHONE)
    app.key("Return")
    app.wait_text("profileName", name)


def visit(app: App, amount: str) -> None:
    app.key("F5")
    app.wait_focus("visitAmountEdit")
    app.type(amount)
    app.key("Return")
    app.wait_gone("visitDialog")


def test_points_past_their_year(frontdesk: Callable[..., App], store: Path) -> None:
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.key("ctrl+n")
    app.wait_focus("memberNameEdit")
    app.type("周积分")
    app.key("Tab")
    app.wait_focus("memberPhoneEdit")
    app.type(PHONE)
    app.key("Return")
    app.wait_gone("memberDialog")
    member_id = scalar(store, "SELECT id FROM members WHERE phone = ?", PHONE)
    open_member(app, "周积分")
    visit(app, "500")  # 500 points at the lowest tier
    assert scalar(store, BALANCE, member_id) == 500
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()

    # As an earlier version left it: the batch past its year, 300 of it spent anyway.
    age_batches(store, member_id)
    with sqlite3.connect(store / "frontdesk.sqlite3") as con:
        con.execute("UPDATE members SET points_balance = 200 WHERE id = ?", (member_id,))
        con.execute(
            "INSERT INTO points_entries (member_id, at, kind, points, remaining, reason, "
            "staff) VALUES (?, ?, 'redeem', -300, 0, '', '王老板')",
            (member_id, stored(datetime.now(UTC) - timedelta(minutes=30))),
        )

    again = frontdesk()
    sign_in(again)
    again.wait_log("points past their year expired: 200")  # what was left of it
    again.wait_focus("memberSearchBox")
    assert scalar(store, BALANCE, member_id) == scalar(store, LEDGER, member_id) == 0

    # A new visit's points; their year passes while the app is open.
    open_member(again, "周积分")
    visit(again, "300")
    assert scalar(store, BALANCE, member_id) == 300
    age_batches(store, member_id)
    open_member(again, "周积分")
    again.wait_text("profileSubtitle", "积分 0")
    again.key("F8")
    dialog = again.wait_window("pointsRedeemDialog")
    assert "余额 0" in dialog["title"]
    again.wait_focus("pointsAmount")
    again.key("ctrl+a")
    again.type("100")
    again.key("Return")
    again.wait_text("formError", "积分不足：需要 100，现有 0。")
    again.screenshot("expired-points-refused")
    again.key("Escape")
    again.wait_gone("pointsRedeemDialog")
    assert scalar(store, "SELECT count(*) FROM points_entries WHERE kind = 'redeem' "
                  "AND member_id = ?", member_id) == 1  # fmt: skip
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()

    # The next start, on a database that refuses the expiry (damaged, hand-edited): the
    # failure is logged and the counter opens all the same; nothing is half done.
    with sqlite3.connect(store / "frontdesk.sqlite3") as con:
        con.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON points_entries WHEN NEW.kind = 'expire' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    third = frontdesk()
    sign_in(third)
    third.wait_log("points expiry failed")
    third.wait_focus("memberSearchBox")
    third.wait_log("main window ready")
    third.key("ctrl+q")
    assert third.wait_exit() == 0
    assert scalar(store, BALANCE, member_id) == 300
    with sqlite3.connect(store / "frontdesk.sqlite3") as con:
        con.execute("DROP TRIGGER refuse")

    fourth = frontdesk()
    sign_in(fourth)
    fourth.wait_log("points past their year expired: 300")
    fourth.wait_focus("memberSearchBox")
    fourth.key("ctrl+q")
    assert fourth.wait_exit() == 0
    fourth.assert_clean_output()
    assert scalar(store, BALANCE, member_id) == scalar(store, LEDGER, member_id) == 0
