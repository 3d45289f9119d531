"""The manager's dashboard, its drill-downs and reports, the settings dialog and switching
the UI language, driven as a user would (offscreen)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCharts import QHorizontalBarSeries, QPieSeries
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app import complaints as cp
from app import reporting as dash
from app.core import settings as st
from app.core.clock import FakeClock
from app.core.context import AppContext
from app.staff import Forbidden
from tests.helpers import october_store, refused
from tests.ui.helpers import open_window, press
from tests.unit.reporting.card_store import ID_NUMBER, MASKED, card_store
from ui import format as formats
from ui.dashboard.drill import DrillDialog
from ui.settings import SettingsDialog
from ui.style import install_translations


@pytest.fixture
def settings_dialog(qtbot: QtBot, ctx: AppContext, english: None) -> SettingsDialog:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def october(win: Any) -> None:
    page = win.dashboard
    page.start.setDate(QDate(2026, 10, 1))
    page.end.setDate(QDate(2026, 10, 31))
    page.refresh_button.click()


@pytest.mark.parametrize("role", ["manager"])
def test_dashboard_shows_the_hand_computed_october(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, tmp_path: Path, english: None
) -> None:
    ids = october_store(ctx, clock)
    win = open_window(qtbot, ctx)
    assert not win.nav.item(win.dashboard_index).isHidden()
    win.show_page(win.dashboard_index)
    october(win)
    page = win.dashboard
    assert page.preset.currentData() == "custom"
    tiles = page.tiles
    assert tiles["satisfaction"].value.text() == "60%"
    # "before": the 31 days before October (31 Aug - 30 Sep): one survey, a 1.
    assert tiles["satisfaction"].detail.text() == "Surveys: 5\ntarget 90%\nbefore 0%"
    assert tiles["visits"].detail.text().endswith("before ¥100")  # A's visit on 10 Sep
    assert tiles["new_members"].detail.text() == "before 1"  # A joined on 1 Sep
    assert tiles["category"].detail.text() == "before 0"
    assert tiles["stage"].value.text() == "33.3%"
    assert tiles["retention"].value.text() == "85.7%"
    assert tiles["campaign"].value.text() == "42.9%"
    assert tiles["visits"].value.text() == "¥4,550.00"
    assert tiles["new_members"].value.text() == "2"
    assert tiles["category"].value.text() == "3"
    # Below target in red, above in green.
    red, green = QColor("#c62828").name(), QColor("#2e7d32").name()
    assert red in tiles["satisfaction"].value.styleSheet()
    assert green in tiles["retention"].value.styleSheet()
    # Charts: revenue share by tier has B and C; the stage chart has four bars.
    pie = page.views["tiers"].chart().series()[0]
    assert isinstance(pie, QPieSeries)
    assert sorted(s.property("tier") for s in pie.slices()) == ["B", "C"]
    stages = page.views["stages"].chart().series()[0]
    assert isinstance(stages, QHorizontalBarSeries) and stages.barSets()[0].count() == 4

    # Keyboard: Enter on a focused tile opens its list (new members: B and D).
    tiles["new_members"].setFocus()
    press(qtbot, Qt.Key.Key_Return, on=tiles["new_members"])
    listed = [d for d in page.findChildren(DrillDialog) if d.isVisible()]
    assert listed and listed[-1].model.rowCount() == 2
    listed[-1].close()
    # A click on the satisfaction tile lists the five surveys; opening one shows the member.
    qtbot.mouseClick(tiles["satisfaction"], Qt.MouseButton.LeftButton)
    dialog = [d for d in page.findChildren(DrillDialog) if d.isVisible()][-1]
    assert dialog.model.rowCount() == 5
    dialog.view.setCurrentIndex(dialog.model.index(0, 0))
    with qtbot.waitSignal(page.member_requested) as opened:
        dialog.on_open()
    assert opened.args == [ids["A"]]
    # The list as CSV, as shown.
    table = tmp_path / "surveys.csv"
    assert dialog.export(str(table))
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "When,Member no.,Name,Score,Comment" and len(lines) == 6
    assert win.pages.currentWidget() is win.member_desk
    assert win.member_desk.profile.profile.id == ids["A"]

    # A click on a bar drills into that bar: the top one is the biggest category (service: 2).
    win.show_page(win.dashboard_index)
    categories = page.views["categories"].chart().series()[0]
    top = categories.barSets()[0].count() - 1  # bars are drawn bottom-up: the top is last
    categories.clicked.emit(top, categories.barSets()[0])
    drills = [d for d in page.findChildren(DrillDialog) if d.isVisible()]
    assert drills and drills[-1].model.rowCount() == 2
    assert drills[-1].model.data(drills[-1].model.index(0, 3)) == "Service"
    months = page.views["months"].chart().series()[0]
    months.clicked.emit(0, months.barSets()[0])  # October's bar: its 10 visits
    drills = [d for d in page.findChildren(DrillDialog) if d.isVisible()]
    assert drills[-1].drill.kind == "visits" and drills[-1].model.rowCount() == 10
    assert drills[-1].model.data(drills[-1].model.index(0, 4)) == "¥100.00"  # D, 24 Oct
    pie.clicked.emit(next(s for s in pie.slices() if s.property("tier") == "B"))
    drills = [d for d in page.findChildren(DrillDialog) if d.isVisible()]
    assert drills[-1].drill.kind == "tier" and drills[-1].model.rowCount() == 1


def test_dashboard_shows_the_card_money(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, tmp_path: Path, english: None
) -> None:
    """The stored-value tiles of tests/unit/reporting/card_store.py, and the ledger lines
    behind them; the buyer's ID number never shown nor saved."""
    ids = card_store(ctx, clock)
    win = open_window(qtbot, ctx)
    win.show_page(win.dashboard_index)
    page = win.dashboard
    tiles = page.tiles
    # This month (1-2 Nov), as the page opens on it.
    assert tiles["prepaid_recharge"].value.text() == "¥700.00"
    assert tiles["prepaid_refund"].value.text() == "¥675.00"
    assert tiles["prepaid_refund"].detail.text().startswith("Bonus written off: ¥135.00\n")
    assert tiles["prepaid_cards"].value.text() == "¥1,689.70"
    assert tiles["prepaid_cards"].detail.text().splitlines() == [
        "Principal: ¥1,463.36",
        "Cards holding a balance: 2",
        "before ¥1,640",  # owed at the end of 31 Oct
    ]
    october(win)
    assert tiles["prepaid_recharge"].value.text() == "¥1,800.00"
    assert tiles["prepaid_recharge"].detail.text() == "before ¥0"
    assert tiles["prepaid_bonus"].value.text() == "¥230.00"
    assert tiles["prepaid_bonus"].detail.text().startswith("12.8% of the money paid in")
    assert tiles["prepaid_spend"].value.text() == "¥390.00"
    assert tiles["prepaid_spend"].detail.text().splitlines()[:2] == [
        "Principal: ¥325.00",
        "Bonus: ¥65.00",
    ]
    assert tiles["prepaid_refund"].value.text() == "¥0.00"
    assert tiles["prepaid_cards"].value.text() == "¥1,640.00"

    def shown() -> DrillDialog:
        return [d for d in page.findChildren(DrillDialog) if d.isVisible()][-1]

    # Enter on the liability tile: the cards holding a balance on 31 Oct, largest first.
    tiles["prepaid_cards"].setFocus()
    press(qtbot, Qt.Key.Key_Return, on=tiles["prepaid_cards"])
    cards = shown()
    assert cards.drill.kind == "prepaid_cards" and cards.model.rowCount() == 3
    assert [cards.model.data(cards.model.index(r, 4)) for r in range(3)] == [
        "¥810.00",
        "¥500.00",
        "¥330.00",
    ]
    cards.view.setCurrentIndex(cards.model.index(0, 0))
    with qtbot.waitSignal(page.member_requested) as opened:
        cards.on_open()
    assert opened.args == [ids["A"]]
    win.show_page(win.dashboard_index)
    # The bonus tile: the recharges that gave one.
    qtbot.mouseClick(tiles["prepaid_bonus"], Qt.MouseButton.LeftButton)
    bonus = shown()
    assert bonus.windowTitle() == "Recharges with a bonus" and bonus.model.rowCount() == 2
    bonus.close()
    # The spend tile: the payments and the void, as the ledger has them; as CSV.
    qtbot.mouseClick(tiles["prepaid_spend"], Qt.MouseButton.LeftButton)
    spends = shown()
    assert spends.model.rowCount() == 4
    assert [spends.model.data(spends.model.index(r, 3)) for r in range(4)] == [
        "Payment",
        "Void",
        "Payment (voided)",
        "Payment",
    ]
    assert spends.model.data(spends.model.index(0, 4)) == "-¥75.00"
    table = tmp_path / "spends.csv"
    assert spends.export(str(table))
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (
        "When,Member no.,Name,Entry,Principal ±,Bonus ±,Principal after,Bonus after,Staff,Note"
    )
    assert len(lines) == 5
    spends.close()
    # This month's recharges include the named card: its buyer's ID number is nowhere.
    page.preset.setCurrentIndex(page.preset.findData("this_month"))
    page.reload()
    qtbot.mouseClick(tiles["prepaid_recharge"], Qt.MouseButton.LeftButton)
    recharges = shown()
    assert recharges.model.rowCount() == 3
    saved = [tmp_path / "recharges.csv", tmp_path / "report.csv"]
    assert recharges.export(str(saved[0]))
    assert page.export(str(saved[1]), "csv")
    for path in saved:
        text = path.read_text(encoding="utf-8-sig")
        assert ID_NUMBER not in text and MASKED not in text and "002X" not in text
    rows = list(csv.reader(saved[1].read_text(encoding="utf-8-sig").splitlines()))
    assert ["Recharged (paid in) (¥)", "700.00"] in rows
    assert ["Cards holding a balance", "2"] in rows


@pytest.mark.parametrize("role", ["receptionist"])
def test_receptionist_has_no_dashboard(qtbot: QtBot, ctx: AppContext, english: None) -> None:
    win = open_window(qtbot, ctx)
    assert win.nav.item(win.dashboard_index).isHidden()
    assert not win.settings_button.isVisible()
    win.show_page(win.dashboard_index)
    assert win.pages.currentWidget() is not win.dashboard
    period = dash.Period(date(2026, 10, 1), date(2026, 10, 31))
    with refused("permission.denied", Forbidden, action="dashboard.view"):
        dash.compute(ctx, period)
    with refused("permission.denied", Forbidden, action="dashboard.view"):
        dash.drill(ctx, "satisfaction", period)


def test_reports_pdf_and_csv(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, tmp_path: Path, english: None
) -> None:
    october_store(ctx, clock)

    st.set_store_name(ctx, "悦泉汤泉")
    win = open_window(qtbot, ctx)
    win.show_page(win.dashboard_index)
    october(win)
    pdf, table = tmp_path / "report.pdf", tmp_path / "report.csv"
    assert win.dashboard.export(str(pdf), "pdf")
    assert win.dashboard.export(str(table), "csv")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "悦泉汤泉" in text and "2026-10-01" in text and "2026-10-31" in text
    for figure in ("60%", "33.3%", "85.7%", "42.9%", "¥4,550.00"):
        assert figure in text
    assert "missed" in text and "met" in text  # in the UI's language (English here)
    rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines()))
    kpis = {r[0]: r[1:] for r in rows if len(r) == 4}
    assert kpis["Satisfaction (scores 4-5)"] == ["60%", "90%", "missed"]
    assert kpis["Guests back within their usual interval"] == ["85.7%", "60%", "met"]
    assert ["2026-10", "4550.00", "10", "2", "5"] in rows
    assert not list(tmp_path.glob("*.part"))


def test_settings_dialog_saves_every_part(
    settings_dialog: SettingsDialog, ctx: AppContext, tmp_path: Path
) -> None:
    dialog = settings_dialog
    dialog.store_name.setText("悦泉汤泉 二店")
    picture = tmp_path / "logo.jpg"
    image = QImage(1200, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#1565c0"))
    assert image.save(str(picture))
    assert dialog.use_logo_file(str(picture))
    dialog.opens.setTime(QTime(11, 0))
    dialog.closes.setTime(QTime(2, 0))  # after midnight
    for i, box in enumerate(dialog.rest_days):
        box.setChecked(i == 0)  # rest on Mondays only
    dialog.idle.setValue(5)
    dialog.keep.setValue(30)
    dialog.goal_boxes["satisfaction_pct"].setValue(85)
    dialog.backup_folder.setText(str(tmp_path / "usb"))
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("a6"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == 1
    saved = st.load(ctx)
    assert (saved.idle_lock_minutes, saved.backup_keep, saved.coupon_layout) == (5, 30, "a6")
    policy = cp.get_policy(ctx)
    assert (policy.open_minute, policy.close_minute, policy.rest_weekdays) == (660, 1560, (0,))
    assert dash.get_targets(ctx).satisfaction_pct == 85
    from app.admin.backup import backup_dir
    from app.core import store

    assert store.name(ctx) == "悦泉汤泉 二店"
    assert backup_dir(ctx) == tmp_path / "usb"
    logo = st.logo_path(ctx)
    assert logo is not None
    stored = QImage(str(logo))
    assert (stored.width(), stored.height()) == (600, 200)  # scaled down, PNG
    # The final answer is now due at closing time (02:00 the next morning) of the third
    # working day: logged Friday 6 Nov 2026, Mondays off -> Sat, Sun, Tue -> Wed 02:00.
    from datetime import UTC, datetime

    due = policy.answer_due(datetime(2026, 11, 6, 4, 0, tzinfo=UTC))
    assert due.astimezone(policy.tz).strftime("%a %d %H:%M:%S") == "Wed 11 01:59:59"


def test_settings_refuse_bad_input_and_change_nothing(
    settings_dialog: SettingsDialog, ctx: AppContext, tmp_path: Path
) -> None:
    dialog = settings_dialog
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_text("hello", encoding="utf-8")
    assert not dialog.use_logo_file(str(not_a_picture))
    assert "picture" in dialog.error.text()
    dialog.store_name.setText("   ")
    dialog.opens.setTime(QTime(10, 0))
    dialog.closes.setTime(QTime(10, 30))  # open half an hour: refused (at least an hour)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == 0
    assert "Opening hours" in dialog.error.text()
    assert st.logo_path(ctx) is None
    assert cp.get_policy(ctx).open_minute == 600
    for box in dialog.rest_days:
        box.setChecked(True)
    dialog.closes.setTime(QTime(22, 0))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == 0
    assert cp.get_policy(ctx).rest_weekdays == ()  # every day open, as before
    for box in dialog.rest_days:
        box.setChecked(False)
    dialog.zone.setCurrentText("Mars/Olympus_Mons")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == 0 and "Mars/Olympus_Mons" in dialog.error.text()
    assert cp.get_policy(ctx).timezone == "Asia/Shanghai"
    dialog.zone.setCurrentText("Asia/Taipei")
    dialog.store_name.setText("悦泉")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == 1 and cp.get_policy(ctx).timezone == "Asia/Taipei"


def test_switching_the_language_changes_what_is_shown(
    qtbot: QtBot, ctx: AppContext, qapp: QApplication
) -> None:
    try:
        install_translations(qapp, "zh_CN")
        win = open_window(qtbot, ctx)
        assert win.nav.item(0).text().startswith("会员")
        assert formats.local_date(date(2026, 11, 22)) == "2026-11-22"
        dialog = win.open_settings()
        assert isinstance(dialog, SettingsDialog)
        assert dialog.windowTitle() == "设置"
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        with qtbot.waitSignal(win.language_changed) as changed:
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert changed.args == ["en"] and st.language(ctx) == "en"
        # What main.py does with the signal: a new window in the new language.
        install_translations(qapp, "en")
        english = open_window(qtbot, ctx)
        assert english.nav.item(0).text() == "Members  F1"
        assert english.nav.item(english.dashboard_index).text() == "Dashboard  F10"
        assert formats.local_date(date(2026, 11, 22)) == "22 Nov 2026"
        install_translations(qapp, "zh_TW")
        taiwan = open_window(qtbot, ctx)
        assert taiwan.nav.item(0).text().startswith("會員")
        assert formats.local_date(date(2026, 11, 22)) == "2026/11/22"
    finally:
        install_translations(qapp, "en")


def test_stale_day_book_is_recounted_in_the_background(
    qtbot: QtBot, ctx: AppContext, english: None
) -> None:
    from app.admin.demo import seed_demo

    seed_demo(ctx, 40, visits_per_member=3)  # bulk rows: the day book must be recounted
    win = open_window(qtbot, ctx)
    win.show_page(win.dashboard_index)
    page = win.dashboard
    assert "Counting past visits" in page.status.text()
    page.preset.setCurrentIndex(page.preset.findData("last_12_months"))
    qtbot.waitUntil(lambda: page.board is not None, timeout=20000)
    assert page.board is not None and page.board.visits > 0
    assert page.tiles["visits"].value.text().startswith("¥")
    assert not dash.ensure_totals(ctx)  # done, and marked so


def test_a_period_that_ends_before_it_starts_is_explained(
    qtbot: QtBot, ctx: AppContext, english: None
) -> None:
    from PySide6.QtWidgets import QMessageBox

    win = open_window(qtbot, ctx)
    win.show_page(win.dashboard_index)
    page = win.dashboard
    shown = page.board
    page.start.setDate(QDate(2026, 10, 31))
    page.end.setDate(QDate(2026, 10, 1))
    page.refresh_button.click()
    box = page.findChild(QMessageBox, "errorMessageBox")
    assert box is not None and "ends before it starts" in box.text()
    # No figures stand under dates they do not belong to: the tiles show "—".
    assert shown is not None and page.board is None
    assert {tile.value.text() for tile in page.tiles.values()} == {"—"}


def test_this_month_moves_on_at_midnight(
    qtbot: QtBot, ctx: AppContext, clock: FakeClock, english: None
) -> None:
    """The counter stays open past midnight: "this month" is asked of the store's today
    at every refresh, not fixed when the app started."""
    clock.set(datetime(2026, 11, 30, 15, 50, tzinfo=UTC))  # 23:50 in Beijing, 30 Nov
    win = open_window(qtbot, ctx)
    win.show_page(win.dashboard_index)
    page = win.dashboard
    assert page.period() == dash.Period(date(2026, 11, 1), date(2026, 11, 30))
    clock.advance(minutes=40)  # 00:30 on 1 December
    page.refresh_button.click()
    assert page.period() == dash.Period(date(2026, 12, 1), date(2026, 12, 1))
