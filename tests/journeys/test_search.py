"""Journey: the member search forgives what a receptionist hears (fuzzy pinyin, any
syllable, Traditional or Simplified), and the owner can switch the fuzzy part off; the
choice outlives a restart."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from tests.journeys.driver import App, query, scalar
from tests.journeys.test_start import create_owner, sign_in


def search(app: App, typed: str, rows: int) -> None:
    app.key("F3")  # the search box, whatever is open
    app.wait_focus("memberSearchBox")
    app.key("ctrl+a")
    app.type(typed)
    app.wait_widget(
        "memberResultsView", lambda w: w["rows"] == rows, what=f"{rows} hit(s) for {typed!r}"
    )


def test_search_forgives_and_the_owner_can_switch_it_off(
    frontdesk: Callable[..., App], store: Path
) -> None:
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.key("ctrl+n")
    app.wait_focus("memberNameEdit")
    app.type("陳珊")  # registered in Traditional characters
    app.key("Tab")
    app.wait_focus("memberPhoneEdit")
    app.type("13912345678")
    app.key("Return")
    app.wait_gone("memberDialog")
    for typed in ("chenshan", "censan", "陈珊", "shan", "cs"):
        search(app, typed, 1)
    app.screenshot("fuzzy")
    search(app, "censan", 1)  # left on screen while the owner switches fuzzy pinyin off

    app.key("ctrl+comma")
    app.wait_window("settingsDialog")
    box = app.wait_widget("fuzzyPinyin", lambda w: w["visible"])
    app.click_at(box["x"] + 8, box["y"] + box["h"] // 2)  # on the tick box itself
    app.wait_widget("fuzzyPinyin", lambda w: w["checked"] is False)
    app.key("ctrl+Return")
    app.wait_gone("settingsDialog")
    app.wait_widget(
        "memberResultsView", lambda w: w["rows"] == 0, what="the hits shown follow the switch"
    )
    search(app, "chenshan", 1)
    search(app, "censan", 0)
    app.wait_text("searchHint", "Ctrl+N")
    app.screenshot("fuzzy-off")
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()

    # As a store an older version left: its keys were made by older rules. The next
    # start makes them again in the background and says so.
    with sqlite3.connect(store / "frontdesk.sqlite3") as con:
        con.execute("DELETE FROM settings WHERE key = 'search_keys_version'")
        con.execute("DELETE FROM member_search_keys WHERE key LIKE 'f%' OR key LIKE 's%'")
    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    again.wait_log(r"member search keys rebuilt: 1 members")
    again.wait_log(r"member lookup ready \(1 members\)")  # its pages read once, at the start
    assert scalar(store, "SELECT value FROM settings WHERE key = 'search_keys_version'") == "2"
    search(again, "censan", 0)
    search(again, "陳", 1)
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()

    saved = json.loads(scalar(store, "SELECT value FROM settings WHERE key = 'store_settings'"))
    assert saved["fuzzy_pinyin"] is False
    keys = {k for (k,) in query(store, "SELECT key FROM member_search_keys")}
    assert {"n陈珊", "ychenshan", "sshan", "ics", "fcelsal"} <= keys, keys
