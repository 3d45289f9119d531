"""Journey: the owner moves the store to another time zone; the dashboard recounts its days
in the background (the visit just made at the counter included) and the next start does
not count them again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.core.money import format_cents
from tests.journeys.driver import App, query, scalar, wait_until
from tests.journeys.test_desk import unique_last4
from tests.journeys.test_start import create_owner, sign_in

STALE = "SELECT value FROM settings WHERE key = 'daily_totals_stale'"


def book_by_day(store: Path) -> dict[str, tuple[int, int]]:
    rows = query(
        store,
        "SELECT day, sum(visits), sum(revenue_cents) FROM daily_totals GROUP BY day "
        "HAVING sum(visits) > 0",  # (a day with new members only has no visits)
    )
    return {day: (visits, revenue) for day, visits, revenue in rows}


def test_a_new_time_zone_recounts_the_dashboard_once(
    frontdesk: Callable[..., App], store: Path
) -> None:
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    member_id, name, phone = unique_last4(store)
    # A visit at the counter: the member by the last four digits, F5, the amount.
    app.type(phone[-4:])
    app.wait_widget("memberResultsView", lambda w: w["rows"] == 1)
    app.key("Return")
    app.wait_text("profileName", name)
    app.key("F5")
    app.wait_focus("visitAmountEdit")
    app.type("88")
    app.key("Return")
    app.wait_gone("visitDialog")
    assert scalar(store, STALE) == "0"

    # The owner moves the store to London (typed into the zone box, as a person would).
    app.key("ctrl+comma")
    app.wait_window("settingsDialog")
    app.click_tab("settingsTabs", 1)  # Hours
    app.click("timeZone")
    app.key("ctrl+a")
    app.type("Europe/London")
    app.wait_text("timeZone", "Europe/London")
    app.key("ctrl+Return")
    app.wait_gone("settingsDialog")
    assert str(scalar(store, STALE)).startswith("1")

    # The dashboard recounts in the background, then shows the figures.
    app.key("F10")
    app.wait_widget("dashboardPage", lambda w: w["visible"])
    app.wait_log(r"day book recounted: \d+ visits")
    wait_until("the day book current", lambda: scalar(store, STALE) == "0")
    app.wait_widget("dashboardStatus", lambda w: "…" not in w["text"])  # "counting…" gone
    tile = app.wait_widget("tileRevenueValue", lambda w: w["text"].startswith("¥"))
    start = app.widget("periodStart")
    end = app.widget("periodEnd")
    assert start is not None and end is not None
    app.screenshot("dashboard-after-recount")
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()

    # Every visit counted once, on its London day, the one just made included.
    visits = query(store, "SELECT visited_at, amount_cents FROM visits")
    expected: dict[str, tuple[int, int]] = {}
    london = ZoneInfo("Europe/London")
    for at, amount in visits:
        utc = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo("UTC"))
        day = utc.astimezone(london).date().isoformat()
        n, revenue = expected.get(day, (0, 0))
        expected[day] = (n + 1, revenue + amount)
    assert book_by_day(store) == expected
    # The tile shows this month's London days, the visit just made included.
    month = sum(r for day, (_, r) in expected.items() if start["text"] <= day <= end["text"])
    assert tile["text"] == format_cents(month), (tile["text"], month)
    last = query(
        store, "SELECT amount_cents FROM visits WHERE member_id = ? ORDER BY id DESC", member_id
    )
    assert last[0] == (8800,)
    book = book_by_day(store)

    # The next start finds the book current: no recount, the same figures.
    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    again.key("F10")
    again.wait_widget("dashboardPage", lambda w: w["visible"])
    again.wait_log("main window ready")
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()
    assert "day book recounted" not in again.output()
    assert scalar(store, STALE) == "0"
    assert book_by_day(store) == book
