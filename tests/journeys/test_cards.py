"""Journey: a stored-value card at the counter, keyboard only — recharge ¥3,000 with a
¥1,000 bonus (buyer's ID number given), pay a ¥3,594 visit from the card, refund the card
(¥304.50 back, the 2025 formula), and after a restart the database holds exactly that."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.journeys.driver import App, query, scalar
from tests.journeys.test_start import create_owner, sign_in

ID_NUMBER = "11010519491231002X"


def open_member(app: App, last4: str, name: str) -> None:
    app.key("F3")
    app.wait_focus("memberSearchBox")
    app.key("ctrl+a")
    app.type(last4)
    app.wait_widget("memberResultsView", lambda w: w["rows"] == 1, what=f"one hit for {last4}")
    app.key("Return")
    app.wait_text("profileName", name)


def test_card_recharge_pay_refund_by_keyboard(frontdesk: Callable[..., App], store: Path) -> None:
    app = frontdesk()
    create_owner(app)
    app.wait_focus("memberSearchBox")
    app.key("ctrl+n")
    app.wait_focus("memberNameEdit")
    app.type("赵六")
    app.key("Tab")
    app.wait_focus("memberPhoneEdit")
    app.type("13955556666")
    app.key("Return")
    app.wait_gone("memberDialog")
    open_member(app, "6666", "赵六")

    # Recharge: a free amount with a bonus (the owner may give one), paid by WeChat.
    app.key("ctrl+r")
    app.wait_window("rechargeDialog")
    app.wait_focus("rechargeOffer")
    app.key("Tab")
    app.wait_focus("rechargePay")
    app.type("3000")
    app.key("Tab")
    app.wait_focus("rechargeBonus")
    app.type("1000")
    app.key("Tab")
    app.wait_focus("rechargeMethod")
    app.key("Down")  # cash -> WeChat
    app.key("Tab")
    app.wait_focus("rechargeBuyerName")
    app.key("Tab")
    app.wait_focus("rechargeBuyerId")
    app.type(ID_NUMBER)
    app.wait_text("rechargeAfter", "4,000")
    app.screenshot("recharge")
    app.key("Return")
    app.wait_gone("rechargeDialog")
    app.wait_window("offerReceipt")
    app.key("Escape")  # no receipt this time
    app.wait_gone("offerReceipt")
    app.wait_text("profileCardBalance", "4,000")
    member_id = scalar(store, "SELECT id FROM members WHERE name = '赵六'")
    assert query(
        store,
        "SELECT principal_cents, bonus_cents, status FROM prepaid_accounts WHERE member_id = ?",
        member_id,
    ) == [(300_000, 100_000, "open")]
    assert query(
        store, "SELECT kind, cash_cents, method, buyer_id_masked FROM prepaid_entries"
    ) == [("recharge", 300_000, "wechat", "110***********002X")]
    sealed = scalar(store, "SELECT buyer_id_sealed FROM prepaid_entries")
    assert sealed and ID_NUMBER not in sealed  # at rest only sealed
    assert (store / "id-numbers.key").is_file()

    # F5: a ¥3,594 visit; the card pays all of it (filled in by itself).
    app.key("F5")
    app.wait_window("visitDialog")
    app.wait_focus("visitAmountEdit")
    app.type("3594")
    app.wait_widget(
        "visitFromCardEdit", lambda w: w["text"] in ("3594", "3594.00", "3,594.00"),
        what="the card pays the whole bill",
    )  # fmt: skip
    app.screenshot("pay-from-card")
    app.key("Return")
    app.wait_gone("visitDialog")
    app.wait_text("profileCardBalance", "406")
    assert (
        scalar(store, "SELECT amount_cents FROM visits WHERE member_id = ?", member_id) == 359_400
    )
    assert query(
        store,
        "SELECT principal_cents, bonus_cents, principal_after, bonus_after, visit_id IS NOT NULL "
        "FROM prepaid_entries WHERE kind = 'spend'",
    ) == [(-269_550, -89_850, 30_450, 10_150, 1)]

    # Refund: the figures shown before confirming, then the card closes.
    app.key("ctrl+shift+r")
    app.wait_window("refundDialog")
    app.wait_text("refund_refund", "304.50")
    app.wait_text("refund_consumed", "2,695.50")
    app.wait_focus("refundReason")
    app.type("搬家了")
    app.screenshot("refund")
    app.key("Return")
    app.wait_window("confirmRefund")
    app.key("alt+y")
    app.wait_gone("refundDialog")
    app.wait_window("offerReceipt")  # a receipt for the money paid back
    app.screenshot("refund-receipt-offered")
    app.key("Escape")
    app.wait_gone("offerReceipt")
    app.wait_text("profileCardSplit", "已退卡")  # closed (refunded)
    app.key("ctrl+q")
    assert app.wait_exit() == 0
    app.assert_clean_output()

    refund = query(
        store,
        "SELECT cash_cents, principal_cents, bonus_cents, principal_after, bonus_after, reason "
        "FROM prepaid_entries WHERE kind = 'refund'",
    )
    assert refund == [(30_450, -30_450, -10_150, 0, 0, "搬家了")]
    assert query(store, "SELECT principal_cents, bonus_cents, status FROM prepaid_accounts") == [
        (0, 0, "closed")
    ]
    actions = [a for (a,) in query(store, "SELECT action FROM audit_log ORDER BY id")]
    assert [a for a in actions if a.startswith("prepaid.")] == [
        "prepaid.recharge",
        "prepaid.spend",
        "prepaid.refund",
    ]

    # After a restart the profile says the card is closed, and nothing changed.
    again = frontdesk()
    sign_in(again)
    again.wait_focus("memberSearchBox")
    open_member(again, "6666", "赵六")
    again.wait_text("profileCardSplit", "已退卡")
    again.screenshot("closed-after-restart")
    again.key("ctrl+q")
    assert again.wait_exit() == 0
    again.assert_clean_output()
    assert scalar(store, "SELECT count(*) FROM prepaid_entries") == 3
