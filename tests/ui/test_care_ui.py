"""Guest care on screen: win back lapsing members from their list, calls due, points."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import coupons as cs
from app import loyalty as ly
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.coupons import CouponTerms
from app.members import record_visit
from tests.helpers import make_member
from tests.ui.helpers import press, type_text
from tests.ui.test_coupons_ui import stub_files
from ui.care.dialogs import FollowUpDialog, IssueToSelectionDialog, PointsDialog, SurveyDialog
from ui.main_window import MainWindow


@pytest.mark.clock("morning")  # (a long list; the dates do not matter here)
def test_select_all_means_the_whole_list_not_the_first_page(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow
) -> None:
    """A lapsing list longer than a page: the tab counts them all, the table loads more as
    it scrolls, and "select all" gives every one of them a coupon."""
    for n in range(250):
        record_visit(ctx, make_member(ctx, f"流失{n}").id, 10000)
    clock.advance(days=70)
    cs.create_campaign(ctx, "winback", "想你了", CouponTerms("amount", 3000))
    press(qtbot, Qt.Key.Key_F7)
    care = window.care
    tab = care.lapsing
    assert tab.model.total == 250 and tab.model.rowCount() == ly.CARE_PAGE
    assert care.tabs.tabText(0).endswith("(250)")
    tab.select_all.click()
    assert tab.selected_label.text() == "250 of 250 selected"
    assert len(tab.selected_ids()) == 250
    tab.coupon_button.click()
    dialog = tab.findChild(IssueToSelectionDialog)
    assert dialog is not None
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "Issued 250 coupons." in care.message.text()
    tab.model.fetch_all()
    assert tab.model.rowCount() == 250  # the rest arrive as the list is scrolled
    tab.view.selectRow(3)  # picking one by hand ends "all"
    assert tab.selected_ids() == [tab.model.row_at(3).id]  # type: ignore[union-attr]


def test_win_back_coupons_from_the_lapsing_list(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow
) -> None:
    gone = [make_member(ctx, name) for name in ("流失甲", "流失乙", "流失丙")]
    regular = make_member(ctx, "常客")
    for m in gone:
        record_visit(ctx, m.id, 20000)
    clock.advance(days=70)
    record_visit(ctx, regular.id, 20000)
    cs.create_campaign(ctx, "winback", "想你了 · 回店礼", CouponTerms("amount", 3000))
    press(qtbot, Qt.Key.Key_F7)
    care = window.care
    assert window.pages.currentWidget() is care
    care.reload()
    tab = care.lapsing
    assert {tab.model.row_at(r).name for r in range(tab.model.rowCount())} == {  # type: ignore[union-attr]
        "流失甲",
        "流失乙",
        "流失丙",
    }
    # Pick two of the three, as a receptionist would (click, ctrl+click).
    selection = tab.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (0, 2):
        selection.select(tab.model.index(row, 0), flags)
    chosen = tab.selected_ids()
    assert len(chosen) == 2
    tab.coupon_button.click()
    dialog = tab.findChild(IssueToSelectionDialog)
    assert dialog is not None and dialog.campaign.currentText() == "想你了 · 回店礼"
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "Issued 2 coupons" in care.message.text()
    for member_id in chosen:
        window.member_desk.open_member(member_id)
        profile = window.member_desk.profile
        assert profile.coupons_model.rowCount() == 1
        assert "(1 usable)" in profile.tabs.tabText(2)
    left_out = next(m.id for m in gone if m.id not in chosen)
    assert cs.member_coupons(ctx, left_out) == []


def test_follow_up_call_reminder(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow
) -> None:
    m = make_member(ctx, "投诉客")
    record_visit(ctx, m.id, 10000)
    clock.advance(days=61)
    window.care.reload()
    tab = window.care.lapsing
    tab.view.selectAll()
    dialog = tab.on_follow_up()
    assert isinstance(dialog, FollowUpDialog)
    assert dialog.purpose.text()  # the list suggests one
    dialog.assignee.setText("小李")
    dialog.purpose.clear()
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and "purpose" in dialog.error.text()  # required
    dialog.purpose.setText("邀请回店体验新项目")
    today = clock.now().astimezone().date()
    dialog.due.setDate(QDate(today.year, today.month, today.day))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert not dialog.isVisible()
    assert window.follow_label.text() == "Calls due: 1"
    outcome = window.care.follow_view
    outcome.selectRow(0)
    done = window.care.on_follow_up_done()
    assert done is not None
    done.outcome.setText("下周来")
    done.buttons.button(done.buttons.StandardButton.Save).click()
    assert window.follow_label.text() == ""


def test_points_and_survey_from_the_profile(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    m = make_member(ctx, "张三")
    record_visit(ctx, m.id, 50000)  # 500 points at C
    desk = window.member_desk
    desk.open_member(m.id)
    assert "500 points" in desk.profile.subtitle.text()
    dialog = desk.profile.loyalty_dialog("redeem")
    assert isinstance(dialog, PointsDialog)
    dialog.points.setValue(600)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and dialog.error.text()  # not enough points: nothing spent
    assert ly.balance(ctx, m.id) == 500
    dialog.points.setValue(300)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert ly.balance(ctx, m.id) == 200
    assert "200 points" in desk.profile.subtitle.text()
    assert (
        "−300" in desk.profile.loyalty_view.toPlainText()
        or "-300" in desk.profile.loyalty_view.toPlainText()
    )
    survey = desk.profile.loyalty_dialog("survey")
    assert isinstance(survey, SurveyDialog)
    survey.findChild(object, "surveyScore5").click()
    survey.buttons.button(survey.buttons.StandardButton.Save).click()
    assert ly.satisfaction_by_month(ctx)[0][1:] == (1, 1.0)


def test_review_runs_in_the_background(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow
) -> None:
    m = make_member(ctx)
    for _ in range(4):
        record_visit(ctx, m.id, 60000)
    clock.advance(days=400)
    care = window.care
    with qtbot.waitSignal(care.review_done, timeout=20000) as done:
        assert care.start_review()
        assert not care.start_review()  # one at a time
    assert done.args[0].downgraded == 1
    qtbot.waitUntil(lambda: care.review_button.isEnabled(), timeout=5000)
    assert "1 down" in care.message.text()


def test_manager_edits_tiers_and_visit_shows_benefit(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    from ui.care.tiers import TierDialog
    from ui.members.dialogs import VisitDialog

    dialog = window.care.open_tiers()
    assert isinstance(dialog, TierDialog)
    dialog.findChild(object, "tierName_C").setText("普卡")
    dialog.findChild(object, "tierSpend_B").setText("abc")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and "abc" in dialog.error.text()
    dialog.findChild(object, "tierSpend_B").setText("1000")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    tiers = {t.code: t for t in ly.list_tiers(ctx)}
    assert tiers["C"].name == "普卡" and tiers["B"].min_spend_cents == 100000
    m = make_member(ctx)
    for _ in range(4):
        record_visit(ctx, m.id, 30000)  # ¥1,200 over 4 visits: B now
    window.member_desk.open_member(m.id)
    visit = VisitDialog(ctx, window.member_desk.profile.profile, window)  # type: ignore[arg-type]
    qtbot.addWidget(visit)
    benefit = visit.findChild(object, "visitTierBenefit")
    assert benefit is not None and "5% off" in benefit.text()


def test_points_as_a_coupon(
    qtbot: QtBot, ctx: AppContext, window: MainWindow, tmp_path: Path
) -> None:
    """F8, type the points (they replace the suggestion), a reason, as a coupon: the code
    is shown and printed, the ledger names the coupon and the reason."""
    m = make_member(ctx)
    ly.adjust_points(ctx, m.id, 800, "开业")
    printed = stub_files(window, tmp_path)
    window.member_desk.open_member(m.id)
    press(qtbot, Qt.Key.Key_F8)
    dialog = window.member_desk.profile.findChild(PointsDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    type_text(qtbot, "500")  # replaces the suggested 100
    assert dialog.points.value() == 500
    dialog.reason.setText("生日兑换")
    dialog.as_coupon.setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.issued is not None and dialog.issued.value == 500
    assert ly.balance(ctx, m.id) == 300
    assert window.pages.currentWidget() is window.coupons
    assert dialog.issued.display_code in window.coupons.info.text()
    assert len(printed) == 1
    ledger = ly.points_history(ctx, m.id, 1)[0]
    assert ledger.reason == f"coupon {dialog.issued.display_code}: 生日兑换"
    assert ledger.staff == "王老板"  # the signed-in owner, not a typed name
    window.member_desk.open_member(m.id)
    assert window.member_desk.profile.coupons_model.rowCount() == 1
