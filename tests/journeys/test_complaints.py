"""Journey: warnings before a complaint deadline, on the real clock. The manager tries a
one-minute first response (refused: the five-minute warning would come before it), then
sets two minutes with a one-minute warning; a case answered after its warning is met,
another one warned before a restart is not warned again after it, and is then missed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.journeys.driver import App, query, wait_until
from tests.journeys.test_start import create_owner, sign_in


def log_walk_in(app: App, guest: str, what: str) -> None:
    app.key("ctrl+l")
    app.wait_window("complaintDialog")
    app.wait_focus("complaintGuestName")
    app.type(guest)
    app.key("Tab", "Tab", "Tab", "Tab", "Tab")  # phone, channel, category, severity
    app.wait_focus("complaintDescription")
    app.type(what)
    app.key("ctrl+Return")
    app.wait_gone("complaintDialog")


def test_warning_before_the_deadline_then_met_or_missed(
    frontdesk: Callable[..., App], store: Path
) -> None:
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.key("F4")
    app.wait_focus("complaintList")
    app.click("slaPolicyButton")
    app.wait_window("slaPolicyDialog")
    app.wait_focus("slaResponse")
    app.key("ctrl+a")
    app.type("-1")  # the minus is not taken, and the box says why
    app.wait_text("qtooltip_label", "请输入 1 到 1440 之间的整数。")
    app.wait_text("slaResponse", "1")
    app.screenshot("number-box-says-what-it-takes")
    app.key("Return")
    # The five-minute warning cannot come before a one-minute deadline: said, not saved.
    app.wait_text("formError", "首次回应前的提醒须早于时限：少于 1 分钟。")
    app.wait_focus("slaWarnResponse")
    app.screenshot("warning-longer-than-the-stage")
    app.key("ctrl+a")
    app.type("1")
    app.click("slaResponse")
    app.key("ctrl+a")
    app.type("2")
    app.key("Return")
    app.wait_gone("slaPolicyDialog")

    log_walk_in(app, "王先生", "毛巾有异味")
    app.wait_log(r"deadline warning: TS000001 response", timeout=90)
    # The status bar counts down to the deadline warned of, second by second.
    said = app.wait_widget(
        "warningStatus",
        lambda w: w["visible"] and "TS000001 王先生" in w["text"] and "还剩 00:" in w["text"],
        what="the warning in the status bar",
    )
    app.wait_widget("warningStatus", lambda w: w["text"] < said["text"], what="a countdown")
    app.screenshot("warned")
    app.wait_focus("complaintList")  # the case just logged, selected
    app.key("Return")  # its next step: respond
    app.wait_window("complaintStepDialog")
    app.type("已道歉，马上调水温")
    app.key("ctrl+Return")
    app.wait_gone("complaintStepDialog")
    wait_until("met: no more warning", lambda: app.widget("warningStatus") is None)

    log_walk_in(app, "李女士", "水温太低")
    app.wait_log(r"deadline warning: TS000002 response", timeout=90)
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()

    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    again.wait_log(r"deadline missed: TS000002 response", timeout=150)
    again.screenshot("missed")
    assert "deadline warning" not in again.output()  # warned once, before the restart
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()

    rows = query(
        store,
        "SELECT c.id, d.warn_at IS NOT NULL, d.warned_at IS NOT NULL, d.met_at IS NOT NULL, "
        "d.breached_at IS NOT NULL FROM complaint_deadlines d JOIN complaints c "
        "ON c.id = d.complaint_id WHERE d.stage = 'response' ORDER BY c.id",
    )
    assert rows == [(1, 1, 1, 1, 0), (2, 1, 1, 0, 1)], rows
    events = query(
        store,
        "SELECT complaint_id, action FROM complaint_events WHERE action IN "
        "('warned', 'responded', 'breached') ORDER BY id",
    )
    assert events == [(1, "warned"), (1, "responded"), (2, "warned"), (2, "breached")]
