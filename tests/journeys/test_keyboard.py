"""Journeys: a busy evening at the counter, keyboard and scanner only. Every shortcut works
from where it is pressed; a scan always lands where it belongs; nothing half typed is lost
by quitting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.journeys.driver import App, query, scalar
from tests.journeys.test_start import create_owner


def demo_counter(frontdesk: Callable[..., App]) -> App:
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    return app


def test_shortcuts_after_a_card_is_scanned(frontdesk: Callable[..., App], store: Path) -> None:
    app = demo_counter(frontdesk)
    member_id, name, card = query(
        store,
        "SELECT id, name, card_no FROM members WHERE card_no IS NOT NULL AND active = 1 "
        "ORDER BY id LIMIT 1",
    )[0]
    app.type(card)
    app.key("Return")  # the scanner's Enter: the member opens at once
    app.wait_text("profileName", name)
    for key, dialog, focus in (
        ("F2", "memberDialog", "memberNameEdit"),
        ("F5", "visitDialog", "visitAmountEdit"),
        ("F8", "pointsRedeemDialog", "pointsAmount"),
        ("ctrl+l", "complaintDialog", "complaintDescription"),
    ):
        app.key(key)
        app.wait_window(dialog)
        app.wait_focus(focus)  # typing goes straight into the field that matters
        app.key("Escape")
        app.wait_gone(dialog)
        if dialog == "complaintDialog":  # the complaint page opened for it: back to F1
            app.key("F1")
        app.wait_text("profileName", name)
    app.key("Tab")  # Tab reaches the profile's buttons
    focus = app.focus()
    assert focus is not None and focus["class"] == "QPushButton", focus
    app.key("Escape")
    app.wait_focus("memberSearchBox")
    app.screenshot("back-to-search")
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()
    assert scalar(store, "SELECT count(*) FROM visits WHERE member_id = ?", member_id) == (
        scalar(store, "SELECT visit_count FROM members WHERE id = ?", member_id)
    )


def test_scans_land_where_they_belong(frontdesk: Callable[..., App], store: Path) -> None:
    app = demo_counter(frontdesk)
    # Two fresh coupons of ¥20 off a bill of at least ¥100, issued at the counter.
    app.key("F6")
    app.wait_focus("couponCodeBox")
    for _ in range(2):
        app.click("newCouponButton")
        app.wait_focus("couponValue")
        app.type("20")
        app.key("Tab")
        app.wait_focus("couponMinSpend")
        app.key("ctrl+a")
        app.type("100")
        app.key("Return")
        app.wait_gone("couponDialog")
    code, other = [r[0] for r in query(store, "SELECT code FROM coupons ORDER BY id DESC LIMIT 2")]
    app.key("F1")
    app.wait_focus("memberSearchBox")
    printed = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    typo = printed[:-1] + ("2" if printed[-1] != "2" else "3")  # one wrong character

    # A mistyped code in the member search box: said to be a coupon typo, not "no member".
    app.type(typo)
    app.key("Return")
    hint = app.wait_text("searchHint", "券码")
    assert "会员" not in hint, hint
    app.screenshot("typo-in-search-box")
    # The same in the coupon box.
    app.key("F6")
    app.wait_focus("couponCodeBox")
    app.type(typo)
    app.key("Return")
    assert "券码" in app.wait_text("couponInfo", "券码")
    app.wait_focus("couponCodeBox")

    # A valid code, then a bill under the minimum: focus stays in the bill box...
    app.key("ctrl+a")
    app.type(printed)
    app.key("Return")
    app.wait_focus("couponBillBox")
    app.type("50")
    app.key("Return")
    app.wait_text("couponInfo", "¥100")
    # ...and the next guest's scan still goes to the code, not "is not an amount".
    app.type(f"{other[:4]}-{other[4:8]}-{other[8:]}")
    app.key("Return")
    app.wait_widget("couponCodeBox", lambda w: w["text"].replace("-", "") == other)
    info = app.wait_text("couponInfo", f"{other[:4]}-{other[4:8]}")
    assert "金额" not in info
    assert app.widget("couponBillBox")["text"] == ""  # the old bill did not stay
    # Esc leaves the bill box for the code box.
    focus = app.focus()
    if focus and focus["name"] == "couponBillBox":
        app.key("Escape")
    app.wait_focus("couponCodeBox")

    # An unknown card, then Ctrl+N: the card number is in the new member's form.
    app.key("F1")
    app.wait_focus("memberSearchBox")
    app.type("FD99887766")
    app.key("Return")
    app.wait_text("searchHint", "Ctrl+N")
    app.key("ctrl+n")
    app.wait_window("memberDialog")
    assert app.widget("memberCardEdit")["text"] == "FD99887766"
    app.key("Escape")
    app.wait_gone("memberDialog")
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()


def test_quitting_with_a_form_half_filled_asks_first(
    frontdesk: Callable[..., App], store: Path
) -> None:
    app = demo_counter(frontdesk)
    members = scalar(store, "SELECT count(*) FROM members")
    app.key("ctrl+n")
    app.wait_focus("memberNameEdit")
    app.type("半路客人")
    app.key("ctrl+q")  # quitting from inside the form
    app.wait_window("confirmQuit")
    app.screenshot("asked")
    app.key("Return")  # No is the default: nothing is lost
    app.wait_gone("confirmQuit")
    assert app.running()
    app.wait_window("memberDialog")
    assert app.widget("memberNameEdit")["text"] == "半路客人"
    app.key("ctrl+q")
    app.wait_window("confirmQuit")
    app.click("confirmQuitYes")
    assert app.wait_exit() == 0
    app.assert_clean_output()
    assert scalar(store, "SELECT count(*) FROM members") == members
