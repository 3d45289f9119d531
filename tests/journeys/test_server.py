"""Journey: two counters on one store's PostgreSQL server (make test-pg). Each counter is
its own PC: its own X server, data folder and `frontdesk` process, both pointed at the
server by FRONTDESK_DB_URL. What one counter saves shows on the other within moments;
the server restarting under them is said on the status bar and nothing is lost."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests import pg
from tests.journeys.driver import ARTIFACTS, App, Display
from tests.journeys.test_start import create_owner, sign_in

pytestmark = pytest.mark.server_only
CONNECTED, UNREACHABLE = "服务器已连接", "服务器连接不上"


def on_server(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(os.environ["FRONTDESK_DB_URL"]) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def second_counter(
    display: Display, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], App]]:
    """Another PC at the same store: a screen and a data folder of its own."""
    screen = Display().start()
    screen.map_characters(
        "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("*.py"))
    )
    folder = tmp_path / "counter-b"
    folder.mkdir()
    runs: list[App] = []
    journey = request.node.name + "-counter-b"
    shutil.rmtree(ARTIFACTS / journey, ignore_errors=True)  # screenshots of this run only

    def start() -> App:
        app = App(screen, folder, journey).start()
        runs.append(app)
        return app

    yield start
    for app in runs:
        if app.running():
            app.screenshot("left-running")
        app.stop()
    screen.stop()


def find_member(app: App) -> tuple[int, str]:
    """A demo member whose phone's last four digits nobody else shares, opened at `app`."""
    member_id, name, phone = on_server(
        "SELECT m.id, m.name, m.phone FROM members m WHERE m.active AND "
        "(SELECT count(*) FROM members o WHERE right(o.phone, 4) = right(m.phone, 4)) = 1 "
        "ORDER BY m.id LIMIT 1"
    )[0]
    app.key("F1")
    app.wait_window("mainWindow")
    app.key("F3")  # the search (F1 alone returns to the member last open)
    app.wait_focus("memberSearchBox")
    app.type(phone[-4:])
    app.wait_widget("memberResultsView", lambda w: w["rows"] == 1, what="one hit")
    app.key("Return")
    app.wait_text("profileName", name)
    return member_id, phone


def test_two_counters_share_one_store(
    frontdesk: Callable[..., App], second_counter: Callable[[], App]
) -> None:
    a = frontdesk("--demo")  # the first counter sets the store up on the server
    create_owner(a)
    a.wait_focus("memberSearchBox")
    a.wait_text("serverStatus", CONNECTED)
    b = second_counter()  # the owner already exists: the second counter signs in
    sign_in(b)
    b.wait_focus("memberSearchBox")
    b.wait_text("serverStatus", CONNECTED)
    b.key("F4")
    b.wait_focus("complaintList")
    open_before = b.wait_widget("complaintList")["rows"]

    # A guest complains at counter A; counter B's list has it without anyone pressing F5.
    member_id, _phone = find_member(a)
    a.key("ctrl+l")
    a.wait_window("complaintDialog")
    a.wait_focus("complaintDescription")
    a.type("水温太低")
    a.key("ctrl+Return")
    a.wait_gone("complaintDialog")
    b.wait_widget(
        "complaintList", lambda w: w["rows"] == open_before + 1, timeout=5, what="the new case"
    )
    b.screenshot("complaint-from-counter-a")
    ((status,),) = on_server(
        "SELECT status FROM complaints WHERE member_id = %s AND description = %s",
        member_id,
        "水温太低",
    )
    assert status == "new"

    # B records the guest's visit; A, showing the guest again, counts it.
    find_member(a)  # (logging the case took A to the complaints page)
    visits = a.wait_widget("profile_visit_count")["text"]
    find_member(b)
    b.key("F5")
    b.wait_window("visitDialog")
    b.wait_focus("visitAmountEdit")
    b.type("88")
    b.key("Return")
    b.wait_gone("visitDialog")
    a.wait_text("profile_visit_count", str(int(visits) + 1), timeout=5)
    a.screenshot("visit-from-counter-b")

    # The back-office PC restarts: both counters say so, then carry on by themselves.
    pg.stop_server()
    try:
        a.wait_text("serverStatus", UNREACHABLE, timeout=15)
        b.wait_text("serverStatus", UNREACHABLE, timeout=15)
        # The deadline timer meets the missing server (every second): no message box
        # may come up over the counter for it (one once blocked Ctrl+Q).
        a.wait_log(r"check_breaches skipped: db\.", timeout=15)
        a.wait_window("mainWindow")
        a.screenshot("server-down")
    finally:
        pg.start_server()
    a.wait_text("serverStatus", CONNECTED, timeout=30)
    b.wait_text("serverStatus", CONNECTED, timeout=30)
    b.key("F5")  # and saving works again at once
    b.wait_window("visitDialog")
    b.wait_focus("visitAmountEdit")
    b.type("66")
    b.key("Return")
    b.wait_gone("visitDialog")
    a.wait_text("profile_visit_count", str(int(visits) + 2), timeout=5)
    amounts = on_server(
        "SELECT amount_cents FROM visits WHERE member_id = %s ORDER BY id DESC LIMIT 2", member_id
    )
    assert amounts == [(6600,), (8800,)]
    # The lookup's kept connection died with the server: the next search at counter A
    # is made on a new one, with nothing said (as before the restart).
    assert find_member(a)[0] == member_id

    for app in (a, b):
        app.key("ctrl+q")
        assert app.wait_exit() == 0
        app.assert_clean_output()
    again = second_counter()  # counter B starts again: the case is on the server
    sign_in(again)
    again.wait_focus("memberSearchBox")
    again.key("F4")
    again.wait_focus("complaintList")
    again.wait_widget("complaintList", lambda w: w["rows"] == open_before + 1)
    again.screenshot("after-restart")
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()
