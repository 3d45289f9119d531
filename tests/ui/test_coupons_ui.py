"""Coupons on screen: scan at the counter, redeem once, issue and print a campaign."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import coupons as cs
from app.bootstrap import open_store
from app.complaints import ComplaintInput, log_complaint
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.coupons import CouponTerms
from app.members import record_visit
from tests.helpers import make_member
from tests.ui.helpers import press
from ui import bus
from ui.coupons.dialogs import CampaignDialog, CouponDialog, IssueCampaignDialog
from ui.main_window import MainWindow


def stub_files(window: MainWindow, tmp_path: Path) -> list[str]:
    """No real printer or viewer here: record what would have been printed."""
    opened: list[str] = []

    def deliver(path: str, choice: str, printer: str) -> str:
        opened.append(path)
        return "opened"

    window.coupons.deliver = deliver
    return opened


def test_scan_in_search_box_then_redeem_once(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx, "张三")
    coupon = cs.issue_coupon(ctx, CouponTerms("amount", 5000, min_spend_cents=20000), member.id)
    desk = window.member_desk
    qtbot.keyClicks(desk.search_box, coupon.display_code)
    press(qtbot, Qt.Key.Key_Return, on=desk.search_box)
    page = window.coupons
    assert window.pages.currentWidget() is page
    assert "Valid" in page.info.text() and "张三" in page.info.text()
    # Too small a bill: a clear message, nothing used.
    qtbot.keyClicks(page.bill_box, "150")
    press(qtbot, Qt.Key.Key_Return, on=page.bill_box)
    assert "at least ¥200.00" in page.info.text()
    assert cs.look_up(ctx, coupon.code).used_at is None
    page.bill_box.setText("300")
    with qtbot.waitSignal(page.redeemed, timeout=2000):
        press(qtbot, Qt.Key.Key_Return, on=page.bill_box)
    assert "Discount ¥50.00, to pay ¥250.00" in page.info.text()
    assert cs.look_up(ctx, coupon.code).used_at is not None
    # The same coupon again: refused with its own message.
    qtbot.keyClicks(page.code_box, coupon.code)
    press(qtbot, Qt.Key.Key_Return, on=page.code_box)
    assert "Used" in page.info.text()
    page.bill_box.setText("300")
    page.redeem_button.click()
    assert "already been used" in page.info.text()


def test_typo_and_forged_codes(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    coupon = cs.issue_coupon(ctx, CouponTerms("percent", 10))
    page = window.coupons
    typo = coupon.code[:-1] + ("2" if coupon.code[-1] != "2" else "3")
    page.show_code(typo)
    assert "typo" in page.info.text()
    body = ("2" if coupon.code[0] != "2" else "3") + coupon.code[1:11]
    from app.core.codes import check_char

    page.show_code(body + check_char(body))
    assert "not issued by this store" in page.info.text()


def test_campaign_issue_and_print(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow, tmp_path: Path
) -> None:
    opened = stub_files(window, tmp_path)
    lapsing = make_member(ctx, "流失客")
    regular = make_member(ctx, "常客")
    record_visit(ctx, lapsing.id, 10000)
    clock.advance(days=90)
    record_visit(ctx, regular.id, 10000)
    page = window.coupons
    press(qtbot, Qt.Key.Key_F6)
    dialog = page.open_campaign_dialog()
    assert isinstance(dialog, CampaignDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("winback"))
    dialog.name.setText("想你了 · 回店礼")
    dialog.terms.value.setText("30")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert page.campaigns.rowCount() == 1
    page.campaign_view.selectRow(0)
    issue = page.open_issue_dialog()
    assert isinstance(issue, IssueCampaignDialog)
    assert issue.by_lapse.isChecked()
    issue.days.setValue(60)
    assert "1 members" in issue.preview.text()
    issue.buttons.button(issue.buttons.StandardButton.Save).click()
    # Saved in the data folder's coupons/ without a file dialog, then sent on.
    assert opened == [str(ctx.data_dir / "coupons" / "campaign-1.pdf")]
    text = PdfReader(opened[0]).pages[0].extract_text()
    assert "¥30 代金券" in text and "流失客" in text
    held = cs.member_coupons(ctx, lapsing.id)
    assert len(held) == 1 and cs.member_coupons(ctx, regular.id) == []
    assert "Issued 1 coupons" in page.info.text()
    # The member's profile lists it.
    window.member_desk.open_member(lapsing.id)
    assert window.member_desk.profile.coupons_model.rowCount() == 1


def test_compensation_coupon_from_complaint(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, tmp_path: Path
) -> None:
    stub_files(window, tmp_path)
    member = make_member(ctx, "张三")
    log_complaint(ctx, ComplaintInput("counter", "service", "等了很久", member_id=member.id))
    window.complaints.reload()
    press(qtbot, Qt.Key.Key_F4)
    window.complaints.step_buttons["coupon"].click()
    dialog = window.coupons.findChild(CouponDialog)
    assert dialog is not None and dialog.complaint_id is not None
    dialog.terms.kind.setCurrentIndex(dialog.terms.kind.findData("item"))
    dialog.terms.item.setText("免费足疗一次")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    held = cs.member_coupons(ctx, member.id)
    assert len(held) == 1 and held[0].item == "免费足疗一次"


def test_a_coupon_on_screen_redeemed_at_another_counter_shows_as_used(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, data_dir: Path
) -> None:
    """Counter A has the coupon on screen, waiting for the bill; counter B (another
    process on the same store: here another context on the same database) redeems it;
    A's live link says "coupons changed" and A shows it used, the bill no longer asked."""
    coupon = cs.issue_coupon(ctx, CouponTerms("amount", 5000))
    page = window.coupons
    page.show_code(coupon.display_code)
    assert "Valid" in page.info.text() and page.bill_box.hasFocus()
    other = open_store(data_dir, ctx.clock, system=True)  # the same store, as counter B opens it
    try:
        cs.redeem(other, coupon.code, 30000)
    finally:
        other.close()
    window.changes.tell(bus.COUPONS, None, None)  # what ui.live tells for counter B's write
    assert "Used" in page.info.text()
    assert page.code_box.hasFocus() and not page.bill_box.text()
    # Nothing else changed on screen for an unrelated change.
    other_coupon = cs.issue_coupon(ctx, CouponTerms("amount", 1000))
    page.show_code(other_coupon.display_code)
    page.bill_box.setText("120")
    window.changes.tell(bus.COUPONS, None, None)
    assert page.bill_box.text() == "120" and "Valid" in page.info.text()
