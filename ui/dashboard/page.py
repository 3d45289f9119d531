"""The manager's dashboard: targets beside actuals for a chosen period, charts, and the
list behind every number (click a tile, a bar or a slice)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QMargins,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import reporting as dash
from app.core import settings, store
from app.core.context import AppContext
from ui.actions import call
from ui.complaints import labels
from ui.dashboard.drill import DrillDialog
from ui.files import save_path
from ui.format import language, local_datetime, money, percent, qt_date_format
from ui.printing import deliver
from ui.workers import Job

GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#37474f"
TIER_COLOURS = dash.TIER_COLOURS
# A tile whose list is another's, narrowed by a key: the bonus is in the recharges.
TILE_DRILLS: dict[str, tuple[str, str | None]] = {"prepaid_bonus": ("prepaid_recharge", "bonus")}


log = logging.getLogger(__name__)


class Tile(QFrame):
    """One number: its name, the actual, the target, green when the target is met."""

    clicked = Signal()

    def __init__(self, name: str, object_name: str) -> None:
        super().__init__(objectName=object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Keyboard first: Tab reaches each tile, Enter or Space opens its list.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(f"#{object_name}:focus {{ border: 2px solid #3b7dd8; }}")
        self.setMinimumWidth(150)
        self.title = QLabel(name)
        self.value = QLabel("—", objectName=f"{object_name}Value")
        self.detail = QLabel("", objectName=f"{object_name}Detail")
        font = QFont(self.value.font())
        font.setPointSize(font.pointSize() + 9)
        font.setBold(True)
        self.value.setFont(font)
        self.detail.setStyleSheet("color: #607d8b;")
        # Three lines always, so every tile's number sits at the same height.
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        for w in (self.title, self.value, self.detail):
            layout.addWidget(w)

    def show_figure(self, value: str, detail: str, met: bool | None) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        colour = NEUTRAL if met is None else GOOD if met else BAD
        self.value.setStyleSheet(f"color: {colour};")

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


def _font(points: int, bold: bool = False) -> QFont:
    """The application's font (with the bundled CJK fallback) at another size."""
    font = QFont(QApplication.font())
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(_font(11, bold=True))
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setFont(_font(9))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


class DashboardPage(QWidget):
    """Signals: member_requested(int) when a row of a drill-down is opened."""

    member_requested = Signal(int)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("dashboardPage")
        self.ctx = ctx
        self.board: dash.Dashboard | None = None
        self._job: Job | None = None

        self.preset = QComboBox(objectName="periodPreset")
        self.preset.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, text in self.preset_names().items():
            self.preset.addItem(text, key)
        self.preset.addItem(self.tr("Custom dates"), "custom")
        self.start = QDateEdit(objectName="periodStart", calendarPopup=True)
        self.end = QDateEdit(objectName="periodEnd", calendarPopup=True)
        for edit in (self.start, self.end):
            edit.setDisplayFormat(qt_date_format())
        self.refresh_button = QPushButton(self.tr("Refresh"), objectName="dashboardRefresh")
        self.pdf_button = QPushButton(self.tr("Report PDF…"), objectName="reportPdf")
        self.csv_button = QPushButton(self.tr("Report CSV…"), objectName="reportCsv")
        self.status = QLabel("", objectName="dashboardStatus")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period")))
        bar.addWidget(self.preset)
        bar.addWidget(self.start)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.end)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.csv_button)

        self.tiles = {
            "satisfaction": Tile(self.tr("Satisfaction"), "tileSatisfaction"),
            "stage": Tile(self.tr("SLA on time"), "tileSla"),
            "retention": Tile(self.tr("Retention"), "tileRetention"),
            "campaign": Tile(self.tr("Redemption"), "tileRedemption"),
            "visits": Tile(self.tr("Revenue"), "tileRevenue"),
            "new_members": Tile(self.tr("New members"), "tileNewMembers"),
            "category": Tile(self.tr("Complaints"), "tileComplaints"),
        }
        # Stored-value cards: the money of the period, and what the store owes at its end.
        self.card_tiles = {
            "prepaid_recharge": Tile(self.tr("Card recharges"), "tileCardRecharge"),
            "prepaid_bonus": Tile(self.tr("Bonus given"), "tileCardBonus"),
            "prepaid_spend": Tile(self.tr("Paid from cards"), "tileCardSpend"),
            "prepaid_refund": Tile(self.tr("Card refunds"), "tileCardRefund"),
            "prepaid_cards": Tile(self.tr("Owed on cards (liability)"), "tileCardLiability"),
        }
        self.tiles.update(self.card_tiles)
        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        card_row = QHBoxLayout()
        card_row.setSpacing(8)
        for kind, tile in self.tiles.items():
            (card_row if kind in self.card_tiles else tiles).addWidget(tile)
            drill, narrowed = TILE_DRILLS.get(kind, (kind, None))
            tile.clicked.connect(lambda d=drill, k=narrowed: self.open_drill(d, k))

        self.views: dict[str, QChartView] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        names = ("months", "tiers", "stages", "categories", "channels", "campaigns")
        for n, name in enumerate(names):
            view = QChartView(objectName=f"chart_{name}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(260)
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.views[name] = view
            grid.addWidget(view, n // 3, n % 3)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addLayout(tiles)
        inner.addLayout(card_row)
        inner.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        self.preset.currentIndexChanged.connect(self.on_preset)
        self.refresh_button.clicked.connect(self.reload)
        self.start.dateChanged.connect(self.on_dates_edited)
        self.end.dateChanged.connect(self.on_dates_edited)
        self.pdf_button.clicked.connect(self.on_pdf)
        self.csv_button.clicked.connect(self.on_csv)
        self._setting_dates = False
        self.preset.setCurrentIndex(list(dash.PRESETS).index("this_month"))
        self.on_preset()

    @staticmethod
    def preset_names() -> dict[str, str]:
        return {
            "this_month": QCoreApplication.translate("DashboardPage", "This month"),
            "last_month": QCoreApplication.translate("DashboardPage", "Last month"),
            "this_quarter": QCoreApplication.translate("DashboardPage", "This quarter"),
            "this_year": QCoreApplication.translate("DashboardPage", "This year"),
            "last_30_days": QCoreApplication.translate("DashboardPage", "Last 30 days"),
            "last_12_months": QCoreApplication.translate("DashboardPage", "Last 12 months"),
        }

    # --- period ----------------------------------------------------------------------------

    def today(self) -> date:
        return store.today(self.ctx)

    def period(self) -> dash.Period:
        return dash.Period(self.start.date().toPython(), self.end.date().toPython())

    @Slot()
    def on_preset(self) -> None:
        if self._apply_preset() and self.isVisible():
            self.reload()

    def _apply_preset(self) -> bool:
        """Sets the dates of the chosen period from the store's today, asked each time: a
        counter open past midnight moves into the new day (and month)."""
        key = self.preset.currentData()
        if key == "custom":
            return False
        period = dash.Period.preset(key, self.today())
        self._setting_dates = True
        self.start.setDate(QDate(period.start))
        self.end.setDate(QDate(period.end))
        self._setting_dates = False
        return True

    @Slot()
    def on_dates_edited(self) -> None:
        if not self._setting_dates:
            self.preset.setCurrentIndex(self.preset.count() - 1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    # --- figures ---------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        if self._job is not None:
            return
        self._apply_preset()
        if dash.totals_stale(self.ctx):
            self.start_rebuild()
            return
        period = call(self, lambda: self.period())
        board = call(self, lambda: dash.compute(self.ctx, period)) if period else None
        if board is None or period is None:
            self.clear_board()  # no old figures left standing under new dates
            return
        # The same length just before, for the tiles' "before" (as cheap as the period).
        earlier = period.previous()
        before = call(self, lambda: dash.compute(self.ctx, earlier))
        self.show_board(board, before)

    def clear_board(self) -> None:
        self.board = None
        for tile in self.tiles.values():
            tile.show_figure("—", "", None)
        for view in self.views.values():
            view.setChart(_chart(""))
        self.status.clear()

    def start_rebuild(self) -> None:
        """Recounts the day book off the GUI thread (after an upgrade or a bulk import)."""
        self.status.setText(self.tr("Counting past visits for the dashboard…"))
        self._job = Job(lambda _progress: dash.ensure_totals(self.ctx), self)
        self._job.finished.connect(self._rebuilt)
        self._job.start()

    @Slot()
    def _rebuilt(self) -> None:
        self._job = None
        self.status.setText("")
        self.reload()

    def show_board(self, board: dash.Dashboard, before: dash.Dashboard | None = None) -> None:
        """The figures; `before` (the previous period of the same length) adds a
        "before" beside each so a manager sees the direction, not just the level."""
        self.board = board
        t = board.targets

        def was(text: str) -> str:
            return "\n" + self.tr("before %1").replace("%1", text) if before else ""

        def rate_tile(
            kind: str, rate: float | None, target: int, detail: str, earlier: float | None
        ) -> None:
            met = dash.target_met(rate, target)
            line = self.tr("target %1").replace("%1", f"{target}%") + was(percent(earlier))
            self.tiles[kind].show_figure(percent(rate), detail + "\n" + line, met)

        rate_tile(
            "satisfaction",
            board.satisfaction_rate,
            t.satisfaction_pct,
            self.tr("Surveys: %1").replace("%1", f"{board.surveys:,}"),
            before.satisfaction_rate if before else None,
        )
        decided = sum(s.decided for s in board.stages)
        rate_tile(
            "stage",
            board.on_time_rate,
            t.on_time_pct,
            self.tr("Deadlines: %1").replace("%1", f"{decided:,}"),
            before.on_time_rate if before else None,
        )
        rate_tile(
            "retention",
            board.retention_rate,
            t.retention_pct,
            self.tr("Return visits: %1").replace("%1", f"{board.returns:,}"),
            before.retention_rate if before else None,
        )
        issued = sum(c.issued for c in board.campaigns)
        rate_tile(
            "campaign",
            board.redemption_rate,
            t.redemption_pct,
            self.tr("Coupons: %1").replace("%1", f"{issued:,}"),
            before.redemption_rate if before else None,
        )
        self.tiles["visits"].show_figure(
            money(board.revenue_cents),
            self.tr("Visits: %1").replace("%1", f"{board.visits:,}")
            + "\n"
            + self.tr("Average bill: %1").replace("%1", money(board.average_bill_cents)),
            None,
        )
        if before:
            self.tiles["visits"].detail.setText(
                self.tiles["visits"].detail.text()
                + "\n"
                + self.tr("before %1").replace("%1", f"¥{before.revenue_cents // 100:,}")
            )
        self.tiles["new_members"].show_figure(
            f"{board.new_members:,}",
            was(f"{before.new_members:,}" if before else "").strip(),
            None,
        )
        self.tiles["category"].show_figure(
            f"{board.complaints:,}",
            was(f"{before.complaints:,}" if before else "").strip(),
            None,
        )
        self.show_cards(board, before)
        # When the figures were read (the milliseconds they took are for the log, not staff).
        self.status.setText(
            self.tr("As of %1").replace("%1", local_datetime(self.ctx.clock.now())[-5:])
        )
        log.info("dashboard computed in %.0f ms", board.computed_ms)
        self.draw_charts(board)

    def show_cards(self, board: dash.Dashboard, before: dash.Dashboard | None) -> None:
        """The stored-value tiles: money in, the bonus given, money spent from the cards,
        money paid back, and what is owed on the cards at the period's end."""
        c = board.cards
        earlier = before.cards if before else None

        def was(cents: int | None) -> str:
            if cents is None:
                return ""
            sign = "-" if cents < 0 else ""
            return self.tr("before %1").replace("%1", f"{sign}¥{abs(cents) // 100:,}")

        def lines(*parts: str) -> str:
            return "\n".join(p for p in parts if p)

        def show(kind: str, cents: int, *detail: str) -> None:
            self.card_tiles[kind].show_figure(money(cents), lines(*detail), None)

        show(
            "prepaid_recharge",
            c.recharged_cents,
            was(earlier.recharged_cents if earlier else None),
        )
        show(
            "prepaid_bonus",
            c.bonus_given_cents,
            ""  # nothing paid in: no share of it
            if board.card_bonus_rate is None
            else self.tr("%1 of the money paid in").replace("%1", percent(board.card_bonus_rate)),
            was(earlier.bonus_given_cents if earlier else None),
        )
        show(
            "prepaid_spend",
            board.card_spend_cents,
            self.tr("Principal: %1").replace("%1", money(c.spent_principal_cents)),
            self.tr("Bonus: %1").replace("%1", money(c.spent_bonus_cents)),
            was(before.card_spend_cents if before else None),
        )
        show(
            "prepaid_refund",
            c.refunded_cents,
            self.tr("Bonus written off: %1").replace("%1", money(c.forfeited_bonus_cents)),
            was(earlier.refunded_cents if earlier else None),
        )
        show(
            "prepaid_cards",
            c.liability_cents,
            self.tr("Principal: %1").replace("%1", money(c.liability_principal_cents)),
            self.tr("Cards holding a balance: %1").replace("%1", f"{c.cards:,}"),
            was(earlier.liability_cents if earlier else None),
        )

    def draw_charts(self, board: dash.Dashboard) -> None:
        self.views["months"].setChart(self.months_chart(board))
        self.views["tiers"].setChart(self.tiers_chart(board))
        self.views["stages"].setChart(self.stages_chart(board))
        cats = labels.categories()
        chans = labels.channels()
        self.views["categories"].setChart(
            self.count_chart(self.tr("Complaints by category"), board.by_category, cats, "category")
        )
        self.views["channels"].setChart(
            self.count_chart(self.tr("Complaints by channel"), board.by_channel, chans, "channel")
        )
        self.views["campaigns"].setChart(self.campaigns_chart(board))

    def months_chart(self, board: dash.Dashboard) -> QChart:
        chart = _chart(self.tr("Revenue by month (¥)"))
        revenue = QBarSet(self.tr("Revenue"))
        revenue.setColor(QColor("#1565c0"))
        for m in board.months:
            revenue.append(m.revenue_cents / 100)
        series = QBarSeries()
        series.append(revenue)
        months = [m.month for m in board.months]
        series.clicked.connect(lambda i, _set: self.open_drill("visits", months[i]))
        chart.addSeries(series)
        # Month numbers (the title says they are months): "Dec" or "12月" get cut to "D…"
        # when twelve bars share a third of the window.
        axis_x = QBarCategoryAxis()
        axis_x.append([str(int(m.month[5:])) for m in board.months])
        axis_x.setLabelsFont(_font(8))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%.0f")
        axis_y.setLabelsFont(_font(8))
        top = max((m.revenue_cents / 100 for m in board.months), default=0)
        axis_y.setRange(0, max(top * 1.1, 1))
        axis_y.applyNiceNumbers()
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().hide()
        return chart

    def tiers_chart(self, board: dash.Dashboard) -> QChart:
        chart = _chart(self.tr("Revenue share by tier"))
        series = QPieSeries()
        for n, t in enumerate(board.by_tier):
            if t.revenue_cents <= 0:
                continue
            piece = series.append(f"{t.name} {percent(t.share)}", t.revenue_cents / 100)
            piece.setColor(QColor(TIER_COLOURS[n % len(TIER_COLOURS)]))
            piece.setLabelFont(_font(9))
            piece.setProperty("tier", t.code)
        series.clicked.connect(self.on_slice)
        chart.addSeries(series)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        return chart

    def stages_chart(self, board: dash.Dashboard) -> QChart:
        names = labels.stages()
        stages = [s for s in board.stages if s.decided]
        title = self.tr("SLA on time by stage (target %1%)").replace(
            "%1", str(board.targets.on_time_pct)
        )
        return self.bar_chart(
            title,
            [names.get(s.stage, s.stage) for s in stages],
            [round((s.rate or 0) * 100, 1) for s in stages],
            "#00897b",
            lambda i: self.open_drill("stage", stages[i].stage),
            percent=True,
        )

    def count_chart(
        self, title: str, counts: dict[str, int], names: dict[str, str], kind: str
    ) -> QChart:
        keys = sorted(counts, key=lambda k: -counts[k])
        return self.bar_chart(
            title,
            [names.get(k, k) for k in keys],
            [float(counts[k]) for k in keys],
            "#ef6c00",
            lambda i: self.open_drill(kind, keys[i]),
        )

    def campaigns_chart(self, board: dash.Dashboard) -> QChart:
        campaigns = board.campaigns[:8]
        single = self.tr("Single coupons")
        title = self.tr("Redemption by campaign (target %1%)").replace(
            "%1", str(board.targets.redemption_pct)
        )
        return self.bar_chart(
            title,
            [f"{c.name or single} ({c.issued})" for c in campaigns],
            [round((c.rate or 0) * 100, 1) for c in campaigns],
            "#6a1b9a",
            lambda i: self.open_drill("campaign", str(campaigns[i].campaign_id or "")),
            percent=True,
        )

    def bar_chart(
        self,
        title: str,
        names: list[str],
        values: list[float],
        colour: str,
        on_click: Any,
        percent: bool = False,
    ) -> QChart:
        """Horizontal bars, first item on top, labels at full length on the left and the
        value at the end of each bar; a click on a bar calls on_click(index)."""
        chart = _chart(title)
        bar = QBarSet(title)
        bar.setColor(QColor(colour))
        bar.setLabelColor(QColor("#263238"))
        bar.setLabelFont(_font(8))
        for v in reversed(values):
            bar.append(v)
        series = QHorizontalBarSeries()
        series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value%" if percent else "@value")
        count = len(values)
        series.clicked.connect(lambda i, _set: on_click(count - 1 - i))
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append(list(reversed(names)))
        axis_y.setLabelsFont(_font(9))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = QValueAxis()
        axis_x.setLabelsFont(_font(8))
        if percent:
            axis_x.setRange(0, 100)
            axis_x.setTickCount(5)
            axis_x.setLabelFormat("%d%%")
        else:
            axis_x.setRange(0, max(max(values, default=0) * 1.2, 1))
            axis_x.applyNiceNumbers()
            axis_x.setLabelFormat("%d")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().hide()
        return chart

    # --- drill-down and reports ------------------------------------------------------------

    @Slot(QPieSlice)
    def on_slice(self, piece: QPieSlice) -> None:
        self.open_drill("tier", piece.property("tier"))

    def open_drill(self, kind: str, key: str | None) -> DrillDialog | None:
        period = call(self, lambda: self.period())
        if period is None:
            return None
        result = call(self, lambda: dash.drill(self.ctx, kind, period, key))
        if result is None:
            return None
        dialog = DrillDialog(result, key, self, self.reports_dir())
        dialog.member_requested.connect(self.member_requested)
        dialog.open()
        return dialog

    def export(self, path: str, kind: str) -> bool:
        from app.reporting import report

        if self.board is None:
            return False
        board = self.board
        done = call(
            self,
            lambda: (
                report.write_pdf(self.ctx, board, path, lang=language())
                if kind == "pdf"
                else report.write_csv(board, path, lang=language())
            ),
        )
        if done is None:
            return False
        self.status.setText(self.tr("Saved %1").replace("%1", path))
        return True

    @Slot()
    def on_pdf(self) -> None:
        path = save_path(
            self,
            self.tr("Save report"),
            self.reports_dir(),
            self.default_name("pdf"),
            "PDF (*.pdf)",
        )
        if path and self.export(path, "pdf"):
            deliver(path, settings.load(self.ctx).report_printer)

    @Slot()
    def on_csv(self) -> None:
        path = save_path(
            self,
            self.tr("Save report"),
            self.reports_dir(),
            self.default_name("csv"),
            "CSV (*.csv)",
        )
        if path:
            self.export(path, "csv")

    def reports_dir(self) -> Path:
        """Reports are offered a place in the data folder (reports/), not the program's."""
        return Path(self.ctx.data_dir or ".") / "reports"

    def default_name(self, ext: str) -> str:
        p = self.period()
        return f"frontdesk-report-{p.start.isoformat()}-{p.end.isoformat()}.{ext}"
