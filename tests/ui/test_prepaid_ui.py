"""Stored-value cards on screen: recharge by keyboard (an offer, the MOFCOM warnings
confirmed), a receipt, F5 paid with a coupon and from the card, the refund's figures
before it is made, a manager's void/adjust/ID, the offers and rules in the settings, and
what a receptionist does not see."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app import coupons as cs
from app import members
from app import prepaid as pp
from app.core import settings as st
from app.core.context import AppContext
from app.coupons import CouponTerms
from tests.helpers import make_member
from tests.ui.helpers import focused, press, type_text
from ui.main_window import MainWindow
from ui.members.card import (
    AdjustCardDialog,
    PlanDialog,
    RechargeDialog,
    RefundDialog,
    VoidEntryDialog,
)
from ui.members.dialogs import VisitDialog
from ui.settings import SettingsDialog

F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ID_NUMBER = "11010519491231002X"


def stub_printing(window: MainWindow) -> list[tuple[str, str]]:
    """No real printer or viewer here: record what would have been printed."""
    sent: list[tuple[str, str]] = []

    def deliver(path: str, choice: str, printer: str) -> str:
        sent.append((path, choice))
        return "opened"

    window.member_desk.profile.deliver = deliver
    return sent


def box_named(qtbot: QtBot, name: str) -> QMessageBox:
    def shown() -> bool:
        w = QApplication.activeModalWidget()
        return isinstance(w, QMessageBox) and w.objectName() == name

    qtbot.waitUntil(shown, timeout=2000)
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    return box


def answer(qtbot: QtBot, name: str, key: Qt.Key = F.Key_Return) -> str:
    """Answers the message box as the user does: a key on what has the focus (Return:
    its default button; Escape: No). Returns what it said."""
    box = box_named(qtbot, name)
    text = box.text()
    press(qtbot, key)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
    return text


def dialog_of(qtbot: QtBot, kind: type[QWidget]) -> QWidget:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind), timeout=2000)
    found = QApplication.activeModalWidget()
    assert found is not None
    return found


def open_profile(window: MainWindow, member_id: int) -> None:
    window.member_desk.open_member(member_id)
    assert window.member_desk.stack.currentWidget() is window.member_desk.profile


def test_recharge_an_offer_by_keyboard_with_a_receipt(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "张三", "13800138000")
    offer = pp.save_plan(ctx, pp.PlanInput("充1000送200", 100_000, 20_000))
    sent = stub_printing(window)
    profile = window.member_desk.profile
    open_profile(window, member.id)
    assert profile.card_split.text() == "No card yet"
    press(qtbot, F.Key_R, CTRL, on=profile)
    dialog = dialog_of(qtbot, RechargeDialog)
    assert isinstance(dialog, RechargeDialog)
    assert focused() is dialog.offer and dialog.offer.currentData() == offer.id
    assert "¥1,200.00" in dialog.offer.currentText()  # what the guest gets
    assert not dialog.pay.isEnabled() and dialog.pay.text() == "1000"
    assert dialog.after.text().startswith("¥1,200.00")
    assert dialog.buyer_name.text() == "张三"  # the member, unless someone else pays
    # Paid by WeChat: the arrow keys in the combo; then the ID number, and Enter saves.
    dialog.method.setFocus()
    press(qtbot, F.Key_Down, on=dialog.method)
    assert dialog.method.currentData() == "wechat"
    dialog.buyer_id.setFocus()
    type_text(qtbot, ID_NUMBER)
    press(qtbot, F.Key_Return, on=dialog.buyer_id)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    # A receipt? Yes is the default.
    assert "¥1,000.00" in answer(qtbot, "offerReceipt")
    assert len(sent) == 1 and sent[0][1] == "print" and Path(sent[0][0]).exists()
    card = pp.card(ctx, member.id)
    assert (card.principal_cents, card.bonus_cents) == (100_000, 20_000)
    entry = pp.entries(ctx, member.id)[0]
    assert entry.method == "wechat" and entry.buyer_id_masked == "110***********002X"
    assert profile.card_balance.text() == "¥1,200.00"
    assert profile.card_split.text() == "paid ¥1,000.00 + bonus ¥200.00"
    ledger = profile.card_model
    assert ledger.rowCount() == 1
    row = [ledger.data(ledger.index(0, c)) for c in range(ledger.columnCount())]
    assert row[ledger.COL_KIND] == "Recharge" and row[ledger.COL_AMOUNT].startswith("+¥1,200.00")
    assert row[ledger.COL_NO] == f"{entry.id:06d}"
    assert "WeChat" in row and row[ledger.COL_BUYER] == "110***********002X"
    assert "¥1,200.00" in window.statusBar().currentMessage() or sent


def test_warnings_are_confirmed_before_saving(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "李四")
    stub_printing(window)
    profile = window.member_desk.profile
    open_profile(window, member.id)
    dialog = profile.on_recharge()
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.offer, timeout=2000)
    assert dialog.offer.currentData() is None  # no offers today: a free amount
    dialog.pay.setFocus()
    type_text(qtbot, "6000")
    assert dialog.after.text().startswith("¥6,000.00")
    press(qtbot, F.Key_Return, on=dialog.pay)
    # Over the named-card limit, no ID number: both said; No (the default) saves nothing.
    said = answer(qtbot, "rechargeWarnings")
    assert "¥5,000.00" in said and "ID number" in said
    assert dialog.isVisible() and pp.card(ctx, member.id).status == "none"
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    box = box_named(qtbot, "rechargeWarnings")
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    answer(qtbot, "offerReceipt", F.Key_Escape)  # no receipt
    assert pp.card(ctx, member.id).balance_cents == 600_000


def test_bad_input_gives_a_clear_message_and_changes_nothing(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "王五")
    profile = window.member_desk.profile
    open_profile(window, member.id)
    dialog = profile.on_recharge()
    assert dialog is not None
    dialog.pay.setFocus()
    type_text(qtbot, "12.345")
    assert dialog.after.text() == "—"
    press(qtbot, F.Key_Return, on=dialog.pay)
    assert "12.345" in dialog.error.text() and focused() is dialog.pay
    dialog.pay.setText("100")
    dialog.buyer_id.setText("123456")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "not a valid ID number" in dialog.error.text()
    assert dialog.isVisible() and focused() is dialog.buyer_id
    dialog.reject()
    assert pp.card(ctx, member.id).status == "none" and pp.entries(ctx, member.id) == []


@pytest.mark.parametrize("role", ["receptionist"])
def test_a_receptionist_sees_no_manager_actions(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "赵六")
    pp.recharge(ctx, pp.RechargeInput(member.id, "cash", pay_cents=10_000), confirmed=True)
    profile = window.member_desk.profile
    open_profile(window, member.id)
    buttons = profile.card_buttons
    for name in ("cardVoidButton", "cardRevealIdButton", "cardAdjustButton", "cardRefundButton"):
        assert buttons[name].isHidden(), name
    assert not buttons["cardReceiptButton"].isHidden()  # a receipt again is anyone's
    assert profile.card_balance.text() == "¥100.00"
    press(qtbot, F.Key_R, CTRL, on=profile)
    dialog = dialog_of(qtbot, RechargeDialog)
    assert isinstance(dialog, RechargeDialog)
    assert dialog.pay.isEnabled() and not dialog.bonus.isEnabled()  # a bonus is a manager's
    press(qtbot, F.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert pp.card(ctx, member.id).balance_cents == 10_000


def test_f5_pays_with_a_coupon_and_from_the_card(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "孙七", allergies="花生")
    offer = pp.save_plan(ctx, pp.PlanInput("充1000送200", 100_000, 20_000))
    pp.recharge(ctx, pp.RechargeInput(member.id, "cash", plan_id=offer.id), confirmed=True)
    coupon = cs.issue_coupon(ctx, CouponTerms("amount", 2_000), member.id)
    profile = window.member_desk.profile
    open_profile(window, member.id)
    press(qtbot, F.Key_F5, on=profile)
    dialog = dialog_of(qtbot, VisitDialog)
    assert isinstance(dialog, VisitDialog)
    assert "花生" in dialog.findChild(QWidget, "profileAllergies").text()  # type: ignore[union-attr]
    assert focused() is dialog.amount
    type_text(qtbot, "128")
    assert dialog.from_card.text() == "128.00" and dialog.to_pay.text() == "¥0.00"
    dialog.coupon.setFocus()
    type_text(qtbot, coupon.display_code)  # a scanner types it
    assert "¥20.00 off" in dialog.coupon_note.text()
    assert dialog.from_card.text() == "108.00"  # what is due after the coupon
    dialog.from_card.setFocus()
    dialog.from_card.selectAll()
    type_text(qtbot, "100")
    assert dialog.to_pay.text() == "¥8.00"
    dialog.amount.setFocus()
    dialog.amount.setText("130")  # typed over by the user: stays 100
    assert dialog.from_card.text() == "100" and dialog.to_pay.text() == "¥10.00"
    with qtbot.waitSignal(profile.changed, timeout=2000):
        press(qtbot, F.Key_Return, on=dialog.amount)
    assert pp.card(ctx, member.id).balance_cents == 110_000
    assert cs.look_up(ctx, coupon.code).used_at is not None
    assert members.get_profile(ctx, member.id).lifetime_spend_cents == 11_000
    assert profile.card_balance.text() == "¥1,100.00"
    said = window.statusBar().currentMessage()
    assert "¥100.00 from the card" in said and "To pay by other means: ¥10.00" in said


def test_f5_refused_part_changes_nothing(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    member = make_member(ctx, "周八")
    pp.recharge(ctx, pp.RechargeInput(member.id, "cash", pay_cents=5_000), confirmed=True)
    used = cs.issue_coupon(ctx, CouponTerms("amount", 1_000), member.id)
    cs.redeem(ctx, used.code, 5_000)
    profile = window.member_desk.profile
    open_profile(window, member.id)
    press(qtbot, F.Key_F5, on=profile)
    dialog = dialog_of(qtbot, VisitDialog)
    assert isinstance(dialog, VisitDialog)
    type_text(qtbot, "80")
    assert dialog.from_card.text() == "50.00"  # the whole balance, no more
    dialog.from_card.setText("60")  # more than the card holds
    press(qtbot, F.Key_Return, on=dialog.amount)
    assert "Not enough balance" in dialog.error.text() and dialog.isVisible()
    dialog.from_card.setText("90")  # more than is due
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "at most what is due: ¥80.00" in dialog.error.text()
    dialog.from_card.setText("10")
    dialog.coupon.setText(used.display_code)  # used already: said at once, and at Save
    assert dialog.coupon_note.isVisible() and dialog.coupon_note.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and dialog.error.text()
    dialog.reject()
    assert pp.card(ctx, member.id).balance_cents == 5_000
    assert members.get_profile(ctx, member.id).visit_count == 0


def test_refund_shows_the_figures_first(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    member = make_member(ctx, "吴九")
    offer = pp.save_plan(ctx, pp.PlanInput("充3000送1000", 300_000, 100_000))
    pp.recharge(ctx, pp.RechargeInput(member.id, "cash", plan_id=offer.id), confirmed=True)
    pp.spend(ctx, member.id, 359_400)
    sent = stub_printing(window)
    profile = window.member_desk.profile
    open_profile(window, member.id)
    assert not profile.card_buttons["cardRefundButton"].isHidden()
    dialog = profile.on_refund()
    assert isinstance(dialog, RefundDialog)
    qtbot.waitUntil(lambda: focused() is dialog.reason, timeout=2000)
    shown = {key: label.text() for key, label in dialog.figures.items()}
    assert shown["paid"] == "¥3,000.00" and shown["bonus"] == "¥1,000.00"
    assert shown["spent"] == "¥3,594.00" and shown["consumed"].startswith("¥2,695.50")
    assert shown["refund"] == "¥304.50"
    assert "¥101.50" in dialog.findChild(QWidget, "refundNote").text()  # type: ignore[union-attr]
    press(qtbot, F.Key_Return, on=dialog.reason)  # no reason: said, nothing asked
    assert "reason" in dialog.error.text()
    type_text(qtbot, "搬家")
    press(qtbot, F.Key_Return, on=dialog.reason)
    assert "¥304.50" in answer(qtbot, "confirmRefund", F.Key_Escape)  # No: nothing
    assert pp.card(ctx, member.id).status == "open"
    press(qtbot, F.Key_Return, on=dialog.reason)
    box = box_named(qtbot, "confirmRefund")
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    answer(qtbot, "offerReceipt")
    assert len(sent) == 1
    assert pp.card(ctx, member.id).status == "closed"
    assert profile.card_split.text() == "Closed (refunded)"
    assert pp.entries(ctx, member.id)[0].cash_cents == 30_450


@pytest.mark.parametrize("role", ["manager"])
def test_a_manager_voids_adjusts_and_sees_the_id(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "郑十")
    data = pp.RechargeInput(
        member.id, "cash", pay_cents=20_000, buyer_name="郑十", buyer_id=ID_NUMBER
    )
    pp.recharge(ctx, data, confirmed=True)
    pp.recharge(ctx, pp.RechargeInput(member.id, "alipay", pay_cents=5_000), confirmed=True)
    profile = window.member_desk.profile
    open_profile(window, member.id)
    profile.tabs.setCurrentIndex(profile.card_tab)
    profile.card_view.selectRow(1)  # the first recharge, with the ID number
    shown = profile.on_reveal_id()
    assert shown is not None and ID_NUMBER in shown.text()
    shown.close()
    profile.card_view.selectRow(0)
    void = profile.on_void_entry()
    assert isinstance(void, VoidEntryDialog)
    qtbot.waitUntil(lambda: focused() is void.reason, timeout=2000)
    type_text(qtbot, "充错了")
    press(qtbot, F.Key_Return, on=void.reason)
    qtbot.waitUntil(lambda: not void.isVisible(), timeout=2000)
    assert pp.card(ctx, member.id).balance_cents == 20_000
    model = profile.card_model
    assert "(voided)" in model.data(model.index(1, model.COL_KIND))
    adjust = profile.on_adjust_card()
    assert isinstance(adjust, AdjustCardDialog)
    qtbot.waitUntil(lambda: focused() is adjust.principal, timeout=2000)
    type_text(qtbot, "-50")
    adjust.reason.setFocus()
    press(qtbot, F.Key_Return, on=adjust.reason)  # no reason: refused, nothing changed
    assert "reason" in adjust.error.text() and pp.card(ctx, member.id).balance_cents == 20_000
    type_text(qtbot, "盘点")
    press(qtbot, F.Key_Return, on=adjust.reason)
    qtbot.waitUntil(lambda: not adjust.isVisible(), timeout=2000)
    assert pp.card(ctx, member.id).principal_cents == 15_000
    assert profile.card_balance.text() == "¥150.00"


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_offers_and_rules_in_the_settings(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, role: str
) -> None:
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    panel = dialog.plans
    assert panel.new_button.isEnabled()  # offers: managers and the owner
    assert dialog.split.isEnabled() == (role == "owner")  # the rules: the owner's
    new = panel.on_new()
    assert isinstance(new, PlanDialog)
    qtbot.waitUntil(lambda: focused() is new.name, timeout=2000)
    type_text(qtbot, "充1000送200")
    new.pay.setFocus()
    type_text(qtbot, "1000")
    new.bonus.setFocus()
    new.bonus.selectAll()
    type_text(qtbot, "2000")  # more than is paid: refused
    press(qtbot, F.Key_Return, on=new.bonus)
    assert new.isVisible() and "bonus" in new.error.text()
    new.bonus.setText("200")
    new.valid_to.setText("2026-13-01")
    new.buttons.button(new.buttons.StandardButton.Save).click()
    assert "not a date" in new.error.text() and pp.list_plans(ctx) == []
    new.valid_to.setText("2099-12-31")
    new.tier.setCurrentIndex(new.tier.findData("A"))
    new.buttons.button(new.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not new.isVisible(), timeout=2000)
    [plan] = pp.list_plans(ctx)
    assert (plan.pay_cents, plan.bonus_cents, plan.upgrade_tier) == (100_000, 20_000, "A")
    assert panel.model.rowCount() == 1
    if role == "owner":
        dialog.split.setCurrentIndex(dialog.split.findData("principal_first"))
        dialog.card_limit.setValue(3000)
        dialog.ask_id.setChecked(False)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    saved = st.load(ctx)
    if role == "owner":
        assert saved.prepaid_split == "principal_first"
        assert (saved.prepaid_card_limit_cents, saved.prepaid_ask_buyer_id) == (300_000, False)
    else:
        assert saved.prepaid_split == "pro_rata" and saved.prepaid_card_limit_cents == 500_000
