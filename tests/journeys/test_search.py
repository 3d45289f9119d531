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


def register(app: App, name: str, phone: str) -> None:
    app.key("ctrl+n")
    app.wait_focus("memberNameEdit")
    app.type(name)
    app.key("Tab")
    app.wait_focus("memberPhoneEdit")
    app.type(phone)
    app.key("Return")
    app.wait_gone("memberDialog")


def names_shown(app: App, typed: str, names: list[str]) -> None:
    search(app, typed, len(names))
    app.wait_widget(
        "memberResultsView",
        lambda w: [next((c for c in row if c in names), None) for row in w["cells"]] == names,
        what=f"{names} for {typed!r}",
    )


def test_search_forgives_and_the_owner_can_switch_it_off(
    frontdesk: Callable[..., App], store: Path
) -> None:
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    register(app, "陳珊", "13912345678")  # registered in Traditional characters
    for typed in ("chenshan", "censan", "陈珊", "shan", "cs"):
        search(app, typed, 1)
    app.screenshot("fuzzy")
    register(app, "陈方", "13912345679")
    register(app, "吕布", "13912345670")
    register(app, "赵俊颖", "13912345671")  # 俊 jun, rarely shun
    register(app, "张三", "13912345672")
    # The script typed first, then the other; the everyday reading before a rare one
    # (赵俊颖 registered after 张三, so seen as recently); ü typed as u.
    names_shown(app, "陈", ["陈方", "陳珊"])
    names_shown(app, "陳", ["陳珊", "陈方"])
    names_shown(app, "zs", ["张三", "赵俊颖"])
    names_shown(app, "lubu", ["吕布"])
    app.screenshot("ranked")
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
        con.execute(
            "DELETE FROM member_search_keys WHERE key LIKE 'f%' OR key LIKE 's%' OR key LIKE 'v%'"
        )
    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    again.wait_log(r"member search keys rebuilt: 5 members")
    again.wait_log(r"member lookup ready \(5 members\)")  # its pages read once, at the start
    assert scalar(store, "SELECT value FROM settings WHERE key = 'search_keys_version'") == "3"
    search(again, "censan", 0)
    names_shown(again, "陳", ["陳珊", "陈方"])
    search(again, "lubu", 0)  # fuzzy is off: ü is v
    names_shown(again, "lvbu", ["吕布"])
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()

    saved = json.loads(scalar(store, "SELECT value FROM settings WHERE key = 'store_settings'"))
    assert saved["fuzzy_pinyin"] is False
    keys = {k for (k,) in query(store, "SELECT key FROM member_search_keys")}
    assert {"n陳珊", "v陈珊", "ychenshan", "sshan", "ics", "fcelsal", "flubu", "rzsy"} <= keys
