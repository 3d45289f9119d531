"""Journeys at the counter: a demo store's first sign-in, then a member found by the last
four digits of their phone, a visit, a complaint from response to closing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.journeys.driver import App, query, scalar
from tests.journeys.test_start import create_owner, sign_in


def unique_last4(store: Path) -> tuple[int, str, str]:
    """A demo member whose phone's last four digits no one else shares."""
    rows = query(
        store,
        "SELECT m.id, m.name, m.phone FROM members m WHERE m.active = 1 AND "
        "(SELECT count(*) FROM members o WHERE substr(o.phone, -4) = substr(m.phone, -4)) = 1 "
        "ORDER BY m.id LIMIT 1",
    )
    assert rows, "the demo store has no member with a unique last-4"
    return rows[0]


def test_demo_store_first_sign_in(frontdesk: Callable[..., App], store: Path) -> None:
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.type("zs")
    app.wait_widget("memberResultsView", lambda w: w["rows"] > 0, what="hits for zs")
    app.screenshot("demo-zs")
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()
    assert scalar(store, "SELECT count(*) FROM members") == 2000
    again = frontdesk("--demo")  # make run passes --demo every time: nothing added twice
    sign_in(again)
    again.wait_focus("memberSearchBox")
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()
    assert scalar(store, "SELECT count(*) FROM members") == 2000


def test_member_visit_and_complaint(frontdesk: Callable[..., App], store: Path) -> None:
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    member_id, name, phone = unique_last4(store)
    visits_before = scalar(store, "SELECT count(*) FROM visits WHERE member_id = ?", member_id)

    app.type(phone[-4:])
    app.wait_widget("memberResultsView", lambda w: w["rows"] == 1, what="one hit")
    app.key("Return")
    app.wait_text("profileName", name)
    app.screenshot("profile")

    app.key("F5")
    app.wait_window("visitDialog")
    app.wait_focus("visitAmountEdit")
    app.type("128.50")
    app.key("Tab")
    app.type("搓澡")
    app.key("Return")
    app.wait_gone("visitDialog")
    app.wait_text("profile_visit_count", str(visits_before + 1))
    visits = query(
        store,
        "SELECT amount_cents, items FROM visits WHERE member_id = ? ORDER BY id DESC LIMIT 1",
        member_id,
    )
    assert visits == [(12850, "搓澡")]

    app.key("ctrl+l")
    app.wait_window("complaintDialog")
    app.wait_focus("complaintDescription")
    app.type("水温太低")
    app.key("ctrl+Return")
    app.wait_gone("complaintDialog")
    complaint = query(
        store,
        "SELECT id, status, description FROM complaints WHERE member_id = ? "
        "ORDER BY id DESC LIMIT 1",
        member_id,
    )
    assert complaint and complaint[0][1:] == ("new", "水温太低")
    cid = complaint[0][0]
    ref = f"TS{cid:06d}"

    app.key("F4")
    app.wait_focus("complaintList")
    app.wait_text("complaintDetail", ref)
    app.key("alt+r")  # each step by its Alt key (回应(R))
    app.wait_window("complaintStepDialog")
    app.type("已道歉，马上调水温")
    app.key("ctrl+Return")
    app.wait_gone("complaintStepDialog")
    assert scalar(store, "SELECT status FROM complaints WHERE id = ?", cid) == "responded"

    app.key("alt+a")
    app.wait_window("complaintStepDialog")
    app.type("锅炉已修好")
    app.key("ctrl+Return")
    app.wait_gone("complaintStepDialog")
    assert scalar(store, "SELECT status FROM complaints WHERE id = ?", cid) == "answered"

    app.key("alt+c")
    app.wait_window("complaintStepDialog")
    app.wait_focus("stepNote")
    app.key("Tab")  # root cause (kept from the answer)
    app.type("锅炉故障")
    app.key("Tab")
    app.type("赠送足疗券")
    app.key("Tab")
    app.key("5")  # satisfaction: the digit picks the score
    app.screenshot("closing")
    app.key("ctrl+Return")
    app.wait_gone("complaintStepDialog")
    app.screenshot("closed")
    row = query(store, "SELECT status, satisfaction FROM complaints WHERE id = ?", cid)
    assert row == [("closed", 5)]

    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()
