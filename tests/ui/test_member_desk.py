"""The member desk driven with keys and clicks, checked on screen and in the database."""

from __future__ import annotations

import logging
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import delete

from app import coupons, members
from app.admin.demo import seed_demo
from app.core.context import AppContext
from app.coupons import CouponTerms
from db.models import Setting
from tests.helpers import make_member
from tests.ui.helpers import open_window, press
from ui.main_window import MainWindow
from ui.members.desk import BURST_MS
from ui.members.dialogs import MemberDialog, VisitDialog
from ui.members.models import MemberTableModel
from ui.style import WIDGET_STYLES, install_translations


def results(win: MainWindow) -> list[str]:
    model = win.member_desk.model
    return [model.row_at(r).name for r in range(model.rowCount())]  # type: ignore[union-attr]


def type_query(qtbot: QtBot, win: MainWindow, text: str) -> None:
    """Types like a keyboard; Chinese arrives whole, as an input method commits it."""
    desk = win.member_desk
    with qtbot.waitSignal(desk.search_done, timeout=2000):
        if text.isascii():
            qtbot.keyClicks(desk.search_box, text)
        else:
            desk.search_box.insert(text)


def test_search_box_has_focus_at_start(window: MainWindow) -> None:
    assert QApplication.focusWidget() is window.member_desk.search_box
    assert window.findChild(object, "memberSearchBox") is window.member_desk.search_box


def test_typing_updates_results(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    make_member(ctx, "张三", "13800138000")
    make_member(ctx, "李四", "13900131234")
    type_query(qtbot, window, "zs")
    view = window.findChild(object, "memberResultsView")
    assert view.model().rowCount() == 1
    assert results(window) == ["张三"]
    index = view.model().index(0, MemberTableModel.COL_PHONE)
    assert view.model().data(index) == "138****8000"
    with qtbot.waitSignal(window.member_desk.search_done, timeout=2000):
        window.member_desk.search_box.clear()
    type_query(qtbot, window, "1234")
    assert results(window) == ["李四"]


def test_scan_card_and_enter_opens_profile(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    make_member(ctx, "张三", "13800138000")
    target = make_member(ctx, "李四", "13900139000", card_no="FD12345678")
    desk = window.member_desk
    # A scanner types fast and ends with Enter; the profile opens without waiting.
    with qtbot.waitSignal(desk.member_opened, timeout=2000) as opened:
        qtbot.keyClicks(desk.search_box, "FD12345678")
        press(qtbot, Qt.Key.Key_Return, on=desk.search_box)
    assert opened.args == [target.id]
    assert desk.stack.currentWidget() is desk.profile
    assert desk.profile.name.text() == "李四"
    # Esc goes back to the search box, ready for the next guest.
    press(qtbot, Qt.Key.Key_Escape, on=desk.profile)
    assert desk.stack.currentIndex() == 0
    assert QApplication.focusWidget() is desk.search_box


def test_arrow_then_enter_opens_that_hit(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    make_member(ctx, "张三", "13800138000")
    second = make_member(ctx, "张三丰", "13800138001")
    desk = window.member_desk
    type_query(qtbot, window, "张三")
    assert results(window) == ["张三", "张三丰"]
    press(qtbot, Qt.Key.Key_Down, on=desk.search_box)
    with qtbot.waitSignal(desk.member_opened, timeout=2000) as opened:
        press(qtbot, Qt.Key.Key_Return, on=desk.search_box)
    assert opened.args == [second.id]


def test_escape_clears_search(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    make_member(ctx, "张三")
    type_query(qtbot, window, "zs")
    with qtbot.waitSignal(window.member_desk.search_done, timeout=2000):
        press(qtbot, Qt.Key.Key_Escape, on=window.member_desk.search_box)
    assert window.member_desk.search_box.text() == ""
    assert results(window) == []


def test_new_member_with_ctrl_n(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    desk = window.member_desk
    qtbot.keyClicks(desk.search_box, "13700137000")
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, on=desk.search_box)
    dialog = desk.findChild(MemberDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.phone.text() == "13700137000"  # what was typed is carried over
    # A bad phone: a clear message, the dialog stays, nothing saved.
    dialog.phone.setText("1370013")
    dialog.name.insert("王五")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible()
    assert "not a valid phone number" in dialog.error.text()
    assert members.search(ctx, "王五").rows == []
    dialog.phone.setText("13700137000")
    with qtbot.waitSignal(desk.member_opened, timeout=2000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert desk.profile.name.text() == "王五"
    assert members.search(ctx, "ww").rows[0].name == "王五"


def test_record_visit_shows_in_history(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    member = make_member(ctx, "张三", "13800138000", allergies="花生")
    desk = window.member_desk
    desk.open_member(member.id)
    press(qtbot, Qt.Key.Key_F5, on=desk.profile)
    dialog = desk.profile.findChild(VisitDialog)
    assert dialog is not None and dialog.isVisible()
    allergy = dialog.findChild(QLabel, "profileAllergies")
    assert allergy is not None and "花生" in allergy.text()
    qtbot.keyClicks(dialog.amount, "-5")
    dialog.on_save()
    assert "cannot be negative" in dialog.error.text()
    dialog.amount.setText("128.50")
    dialog.items.insert("搓澡")
    with qtbot.waitSignal(desk.profile.changed, timeout=2000):
        press(qtbot, Qt.Key.Key_Return, on=dialog.amount)
    history = desk.profile.visits_model
    assert history.rowCount() == 1
    assert history.data(history.index(0, history.COL_AMOUNT)) == "¥128.50"
    assert history.data(history.index(0, history.COL_ITEMS)) == "搓澡"
    assert desk.profile.values["visit_count"].text() == "1"
    assert members.get_profile(ctx, member.id).lifetime_spend_cents == 12850


def test_history_fetches_more_when_scrolled(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    member = make_member(ctx)
    for _ in range(60):
        ctx.clock.advance(minutes=10)  # type: ignore[attr-defined]
        members.record_visit(ctx, member.id, 1000)
    desk = window.member_desk
    desk.open_member(member.id)
    model = desk.profile.visits_model
    assert model.rowCount() == 50
    view = desk.profile.visits_view
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 60, timeout=2000)


def test_chinese_ui_by_default(qtbot: QtBot, qapp: QApplication, ctx: AppContext) -> None:
    assert install_translations(qapp, "zh_CN")
    try:
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        assert win.nav.item(0).text().startswith("会员")
        assert "新建会员" in win.member_desk.new_button.text()
        assert win.member_desk.model.headers()[0] == "姓名"
    finally:
        install_translations(qapp, "en")


def test_bundled_cjk_font_registered(qapp: QApplication) -> None:
    from PySide6.QtGui import QFontDatabase, QFontMetrics

    assert "WenQuanYi Micro Hei" in QFontDatabase.families()
    assert "WenQuanYi Micro Hei" in qapp.font().families()
    assert QFontMetrics(qapp.font()).inFontUcs4(ord("张"))


def test_traditional_chinese(qtbot: QtBot, qapp: QApplication, ctx: AppContext) -> None:
    assert install_translations(qapp, "zh_TW")
    try:
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        assert win.nav.item(0).text().startswith("會員")
        assert win.member_desk.model.headers()[0] == "姓名"
        assert "優惠券" in win.nav.item(2).text()
    finally:
        install_translations(qapp, "en")


def test_a_persons_key_is_searched_at_once_a_scanners_burst_once(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    make_member(ctx, "李四", "13900131234", card_no="FD12345678")
    desk = window.member_desk
    searched: list[str] = []
    desk.search_done.connect(lambda _n: searched.append(desk.search_box.text()))
    # A person's key: searched before the key press returns, no event loop needed.
    qtbot.keyClick(desk.search_box, "1")
    assert searched == ["1"]
    qtbot.wait(3 * BURST_MS)
    qtbot.keyClick(desk.search_box, "3")
    assert searched == ["1", "13"]
    # Keys closer than a person types (a scanner): one search when they pause (on a
    # machine stalling between two keys, one more at most).
    qtbot.keyClicks(desk.search_box, "8888")
    assert "138888" not in searched
    qtbot.waitUntil(lambda: searched[-1:] == ["138888"], timeout=1000)
    qtbot.wait(3 * BURST_MS)
    assert searched[:2] == ["1", "13"] and searched[-1] == "138888"
    assert len(searched) <= 4 and searched.count("138888") == 1
    assert results(window) == []
    desk.search_box.clear()
    qtbot.wait(3 * BURST_MS)
    searched.clear()
    qtbot.keyClicks(desk.search_box, "FD12345678")
    qtbot.waitUntil(lambda: searched[-1:] == ["FD12345678"], timeout=1000)
    assert searched[0] == "F" and len(searched) <= 3
    assert results(window) == ["李四"]


def test_the_lookup_is_readied_in_the_background_at_start(
    qtbot: QtBot, ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    """The window of a start (not a language switch) readies the lookup on a background
    thread, once; the counter types meanwhile as ever."""
    make_member(ctx, "张三", "13800138000")
    caplog.set_level(logging.INFO, logger="ui.members.desk")
    win = open_window(qtbot, ctx, auto_review=True)
    type_query(qtbot, win, "zs")
    assert results(win) == ["张三"]
    qtbot.waitUntil(lambda: "member lookup ready (1 members)" in caplog.text, timeout=5000)
    win.close()
    assert caplog.text.count("member lookup ready") == 1
    assert "background job failed" not in caplog.text
    plain = open_window(qtbot, ctx)  # a language switch's window: nothing more to do
    type_query(qtbot, plain, "zs")
    plain.close()
    assert caplog.text.count("member lookup ready") == 1


def test_a_code_typo_is_said_in_red_and_the_next_search_looks_as_ever(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    make_member(ctx, "张三", "13800138000")
    coupon = coupons.issue_coupon(ctx, CouponTerms("percent", 10))
    desk = window.member_desk
    own_look = desk.hint.styleSheet()
    assert own_look == WIDGET_STYLES["searchHint"]
    type_query(qtbot, window, "zs")
    assert desk.hint.styleSheet() == own_look  # (a search used to wipe its grey)
    desk.search_box.setText(coupon.code[:-1] + ("2" if coupon.code[-1] != "2" else "3"))
    press(qtbot, Qt.Key.Key_Return, on=desk.search_box)
    assert "typo" in desk.hint.text() and "#b00020" in desk.hint.styleSheet()
    type_query(qtbot, window, "zs")
    assert desk.hint.text() == "1 found." and desk.hint.styleSheet() == own_look


def test_quitting_during_a_rebuild_of_the_keys_stops_it_between_two_batches(
    qtbot: QtBot, ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    """After an upgrade the keys are made again in the background (minutes at a big
    store); closing the window meanwhile stops it after its batch, nothing left running,
    and the next start makes them all."""
    seed_demo(ctx, 6000, visits_per_member=0)
    with ctx.uow(write=True) as uow:
        uow.session.execute(delete(Setting).where(Setting.key == "search_keys_version"))
        uow.commit()
    caplog.set_level(logging.INFO, logger="ui.members.desk")
    win = open_window(qtbot, ctx, auto_review=True)
    qtbot.waitUntil(lambda: "member search keys: rebuilding" in caplog.text, timeout=5000)
    win.close()
    stopped = re.search(r"stopped after (\d+) members \(quitting\)", caplog.text)
    assert stopped and int(stopped[1]) < 6000, caplog.text
    assert "rebuilt" not in caplog.text and not members.search_keys_current(ctx)
    again = open_window(qtbot, ctx, auto_review=True)
    qtbot.waitUntil(lambda: "search keys rebuilt: 6000 members" in caplog.text, timeout=60000)
    assert members.search_keys_current(ctx)
    again.close()
