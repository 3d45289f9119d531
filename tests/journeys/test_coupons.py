"""Journey: a coupon issued at the counter, scanned into the member search box and
redeemed; the same code scanned again is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.journeys.driver import App, query, scalar
from tests.journeys.test_desk import unique_last4
from tests.journeys.test_start import create_owner


def test_issue_redeem_and_refuse_second(frontdesk: Callable[..., App], store: Path) -> None:
    app = frontdesk("--demo")
    create_owner(app)
    app.wait_focus("memberSearchBox")
    member_id, _name, phone = unique_last4(store)
    before = scalar(store, "SELECT max(id) FROM coupons") or 0

    app.key("F6")
    app.wait_focus("couponCodeBox")
    app.click("newCouponButton")
    app.wait_window("couponDialog")
    app.wait_focus("couponValue")
    app.type("20")
    app.key("Tab", "Tab", "Tab")  # minimum bill, valid days, member
    app.wait_focus("couponMember")
    app.type(phone)
    app.key("Return")
    app.wait_gone("couponDialog")
    app.screenshot("issued")
    coupon = query(
        store,
        "SELECT code, member_id, value, used_at FROM coupons WHERE id > ? ORDER BY id",
        before,
    )
    assert len(coupon) == 1 and coupon[0][1:] == (member_id, 2000, None), coupon
    code = coupon[0][0]
    scanned = f"{code[:4]}-{code[4:8]}-{code[8:]}"  # as printed under the barcode
    # (what happens with the PDF is the next issue's; here it is put aside)
    app.key("Escape")
    app.wait_window("mainWindow")

    app.key("F1")
    app.wait_focus("memberSearchBox")
    app.type(scanned)
    app.key("Return")  # the scanner's Enter
    app.wait_focus("couponBillBox")
    app.type("150")
    app.key("Return")
    app.wait_text("couponInfo", scanned)
    app.screenshot("redeemed")
    assert (
        scalar(
            store,
            "SELECT count(*) FROM redemptions r JOIN coupons c "
            "ON c.id = r.coupon_id WHERE c.code = ?",
            code,
        )
        == 1
    )

    app.key("F1")
    app.wait_focus("memberSearchBox")
    app.type(scanned)
    app.key("Return")
    app.wait_focus("couponCodeBox")
    info = app.wait_widget("couponInfo", lambda w: scanned in w["text"])
    app.screenshot("second-scan")
    assert "已使用" in info["text"], info["text"]
    app.key("Return")  # Enter again on the used code: still one redemption
    assert (
        scalar(
            store,
            "SELECT count(*) FROM redemptions r JOIN coupons c "
            "ON c.id = r.coupon_id WHERE c.code = ?",
            code,
        )
        == 1
    )
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()
