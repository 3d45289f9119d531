"""Complaints on screen: log through the form, watch the countdown, see the breach alert."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app import complaints as cp
from app.complaints import ComplaintInput
from app.core.clock import FakeClock
from app.core.context import AppContext
from tests.helpers import make_member
from tests.ui.helpers import focused, press
from ui.complaints.dialogs import ComplaintDialog, StepDialog
from ui.complaints.models import ComplaintTableModel
from ui.complaints.policy import SlaPolicyDialog, SlaReportDialog
from ui.main_window import MainWindow


def cell(win: MainWindow, row: int, col: int) -> str:
    model = win.complaints.model
    return str(model.data(model.index(row, col)))


def open_complaints_page(qtbot: QtBot, win: MainWindow) -> None:
    press(qtbot, Qt.Key.Key_F4)
    assert win.pages.currentWidget() is win.complaints


def test_log_complaint_countdown_and_breach_alert(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow
) -> None:
    open_complaints_page(qtbot, window)
    press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier, on=window.complaints.view)
    dialog = window.complaints.findChild(ComplaintDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.guest_name.insert("王先生")
    dialog.category.setCurrentIndex(dialog.category.findData("hygiene"))
    assert dialog.severity.currentData() == "normal"
    # No description: a clear message, nothing logged.
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and dialog.error.text()
    assert cp.open_complaints(ctx) == []
    dialog.description.insertPlainText("毛巾有异味")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert not dialog.isVisible()

    view = window.findChild(object, "complaintList")
    assert view.model().rowCount() == 1
    assert cell(window, 0, ComplaintTableModel.COL_GUEST) == "王先生"
    assert cell(window, 0, ComplaintTableModel.COL_COUNTDOWN) == "15:00"
    assert "1" in window.sla_label.text()

    clock.advance(minutes=10)
    window.on_tick()
    assert cell(window, 0, ComplaintTableModel.COL_COUNTDOWN) == "05:00"
    clock.advance(minutes=1)
    window.on_tick()
    model = window.complaints.model
    assert model.countdown_at(0).state == "soon"  # type: ignore[union-attr]

    clock.advance(minutes=5)
    # The real one-second timer notices the breach and raises the alert.
    with qtbot.waitSignal(window.alerts.alerted, timeout=3000) as alert:
        pass
    assert "TS000001" in alert.args[1]
    assert cell(window, 0, ComplaintTableModel.COL_COUNTDOWN).startswith("Overdue")
    assert "overdue: 1" in window.sla_label.text()
    assert window.complaints.model.row_at(0).escalated  # type: ignore[union-attr]
    # Once per deadline: later ticks raise nothing new.
    with qtbot.assertNotEmitted(window.alerts.alerted, wait=1500):
        pass
    # The banner and the count stay until someone has seen them (unlike the tray message).
    press(qtbot, Qt.Key.Key_F1)
    assert not window.breach_banner.isHidden() and "TS000001" in window.breach_text.text()
    assert window.nav.item(1).text().endswith("(1!)")
    window.breach_ack.click()
    assert window.breach_banner.isHidden() and not window.nav.item(1).text().endswith("!)")
    assert window.pages.currentWidget() is window.complaints
    assert window.complaints.current is not None and window.complaints.current.ref == "TS000001"


def test_steps_through_the_buttons(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow
) -> None:
    c = cp.log_complaint(ctx, cp.ComplaintInput("phone", "service", "态度差", guest_name="李女士"))
    clock.advance(minutes=1)
    cp.log_complaint(ctx, cp.ComplaintInput("counter", "food", "菜凉了", guest_name="王先生"))
    window.complaints.reload()
    open_complaints_page(qtbot, window)
    page = window.complaints
    assert page.current is not None and page.current.id == c.id
    assert page.step_buttons["respond"].isEnabled()
    assert not page.step_buttons["close"].isEnabled()  # not offered before an answer
    # The buttons never move: each step keeps its place, greyed out when it does not apply.
    places = {name: b.geometry() for name, b in page.step_buttons.items()}
    page.step_buttons["respond"].click()
    step = page.findChild(StepDialog)
    assert step is not None
    step.note.insertPlainText("已道歉")
    step.buttons.button(step.buttons.StandardButton.Save).click()
    assert cp.get_complaint(ctx, c.id).status == "responded"
    page.open_step("answer")
    answer = next(d for d in page.findChildren(StepDialog) if d.step == "answer")
    answer.note.insertPlainText("已培训该员工")
    answer.buttons.button(answer.buttons.StandardButton.Save).click()
    assert {name: b.geometry() for name, b in page.step_buttons.items()} == places
    assert not page.step_buttons["investigate"].isEnabled()  # answered: not investigated again
    close = page.open_step("close")
    assert close is not None
    close.root_cause.setPlainText("新员工培训不足")
    close.remedy.setPlainText("赠送足疗券")
    close.buttons.button(close.buttons.StandardButton.Save).click()
    assert "satisfaction" in close.error.text()
    close.findChild(object, "satisfaction5").click()
    close.buttons.button(close.buttons.StandardButton.Save).click()
    final = cp.get_complaint(ctx, c.id)
    assert final.status == "closed" and final.satisfaction == 5
    assert page.model.rowCount() == 1  # the other guest's case is still open
    # The closed case stays on show (reopen, note), nothing else is highlighted.
    assert page.current is not None and page.current.id == c.id
    assert page.step_buttons["reopen"].isEnabled()
    assert not page.view.selectionModel().hasSelection()


def test_complaint_from_member_profile(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> None:
    member = make_member(ctx, "张三", "13800138000")
    desk = window.member_desk
    desk.open_member(member.id)
    press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier, on=desk.profile)
    dialog = window.complaints.findChild(ComplaintDialog)
    assert dialog is not None
    assert "张三" in dialog.findChild(QLabel, "complaintMemberLabel").text()
    dialog.category.setCurrentIndex(dialog.category.findData("booking"))
    assert dialog.severity.currentData() == "urgent"
    dialog.description.insertPlainText("包间重复预订")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    row = window.complaints.model.row_at(0)
    assert row is not None and row.guest == "张三" and row.severity == "urgent"
    assert desk.profile.complaints_model.rowCount() == 1
    assert QApplication.activeModalWidget() is None


def test_clock_set_back_is_reported(qtbot: QtBot, clock: FakeClock, window: MainWindow) -> None:
    clock.advance(timedelta(hours=-2))
    window.on_tick()
    assert "clock was changed" in window.statusBar().currentMessage()


def test_manager_changes_policy_and_reads_report(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow
) -> None:
    open_complaints_page(qtbot, window)
    dialog = window.complaints.open_policy()
    assert isinstance(dialog, SlaPolicyDialog)
    dialog.response.setValue(20)
    dialog.holidays.setText("2026-13-40")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and "2026-13-40" in dialog.error.text()
    assert cp.get_policy(ctx).response_minutes == 15  # nothing saved
    dialog.holidays.setText("2026-11-03, 2026-11-04")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    policy = cp.get_policy(ctx)
    assert policy.response_minutes == 20
    assert [d.isoformat() for d in policy.holidays] == ["2026-11-03", "2026-11-04"]
    c = cp.log_complaint(ctx, cp.ComplaintInput("counter", "service", "x", guest_name="g"))
    assert next(d for d in c.deadlines if d.stage == "response").due_at == clock.now() + timedelta(
        minutes=20
    )
    clock.advance(minutes=30)
    window.complaints.report_button.click()
    report = window.complaints.findChild(SlaReportDialog)
    assert report is not None
    html = report.view.toPlainText()
    assert "Complaints logged: 1" in html
    assert "Overdue now: 1" in html


def test_warning_before_the_deadline_is_said_once(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow, english: None
) -> None:
    cp.log_complaint(ctx, ComplaintInput("counter", "hygiene", "毛巾有异味", guest_name="王先生"))
    window.complaints.reload()
    clock.advance(minutes=9)
    with qtbot.assertNotEmitted(window.alerts.alerted):
        window.on_tick()
    clock.advance(minutes=1)  # 5 minutes before the first response is due
    with qtbot.waitSignal(window.alerts.alerted, timeout=3000) as alert:
        window.on_tick()
    title, text = alert.args
    assert title == "Complaint deadline near"
    assert text.startswith("TS000001 王先生: First response due at ") and text.endswith(
        "(in 05:00)"
    )
    shown = window.warning_button
    assert shown.isVisible() and shown.text() == "⚠ TS000001 王先生: First response due in 05:00"
    clock.advance(seconds=1)
    with qtbot.assertNotEmitted(window.alerts.alerted):
        window.on_tick()
    assert shown.text().endswith("due in 04:59")  # counting down, not as it was said
    assert window.breach_banner.isHidden()  # a warning is not a miss


def test_every_warning_is_shown_until_its_deadline_is_met_or_missed(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, window: MainWindow, english: None
) -> None:
    """Two deadlines warned of at once: the sooner shown, with how many more; each gone
    once met; a click on it opens that case. (Before, only the first was said, in a
    status message frozen for a minute.)"""
    first = cp.log_complaint(ctx, ComplaintInput("counter", "hygiene", "毛巾", guest_name="王"))
    clock.advance(seconds=30)
    second = cp.log_complaint(ctx, ComplaintInput("counter", "service", "吵", guest_name="李"))
    window.complaints.reload()
    shown = window.warning_button
    clock.advance(minutes=10)  # both within 5 minutes of their first response
    window.on_tick()
    assert shown.text() == "⚠ TS000001 王: First response due in 04:30 (+1 more)"
    shown.click()
    assert window.pages.currentWidget() is window.complaints
    assert window.complaints.current is not None and window.complaints.current.id == first.id
    cp.respond(ctx, first.id, "已致歉")
    window.complaints.reload()
    window.on_tick()
    assert shown.text() == "⚠ TS000002 李: First response due in 05:00"
    clock.advance(minutes=5, seconds=1)  # missed: the breach alert tells it now
    window.on_tick()
    assert shown.isHidden()
    assert second.id in {a.complaint_id for a in window.unacknowledged}


def test_the_list_by_keyboard_tab_leaves_it_enter_opens_the_next_step(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    """A receptionist found no keyboard way from the list to a step: Tab walked the table's
    cells and Enter did nothing."""
    c = cp.log_complaint(ctx, cp.ComplaintInput("phone", "service", "态度差", guest_name="李女士"))
    window.complaints.reload()
    open_complaints_page(qtbot, window)
    page = window.complaints
    assert page.current is not None and page.current.id == c.id
    press(qtbot, Qt.Key.Key_Return, on=page.view)
    step = page.findChild(StepDialog)
    assert step is not None and step.step == "respond" and step.isVisible()
    step.reject()
    page.view.setFocus()
    tabbed = press(qtbot, Qt.Key.Key_Tab, on=page.view)
    assert QApplication.focusWidget() is not page.view and tabbed is page.view
    assert QApplication.focusWidget() in page.step_buttons.values()


def test_the_final_answers_warning_is_switched_off_by_its_tick_box(
    qtbot: QtBot, ctx: AppContext, window: MainWindow
) -> None:
    open_complaints_page(qtbot, window)
    dialog = window.complaints.open_policy()
    assert isinstance(dialog, SlaPolicyDialog)
    qtbot.waitExposed(dialog)
    assert dialog.warn_answer_on.isChecked() and dialog.warn_answer.isEnabled()
    dialog.warn_answer_on.setFocus()
    press(qtbot, Qt.Key.Key_Space, on=dialog.warn_answer_on)
    assert not dialog.warn_answer.isEnabled()
    press(qtbot, Qt.Key.Key_Space, on=dialog.warn_answer_on)
    press(qtbot, Qt.Key.Key_Tab, on=dialog.warn_answer_on)
    assert focused() is dialog.warn_answer  # enabled again: Tab reaches it
    dialog.warn_answer_on.setChecked(False)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert not cp.get_policy(ctx).warn_answer
    again = window.complaints.open_policy()
    assert isinstance(again, SlaPolicyDialog)
    assert not again.warn_answer_on.isChecked() and not again.warn_answer.isEnabled()
    again.reject()
