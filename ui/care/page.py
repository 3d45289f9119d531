"""The care page: lapsing guests, birthdays, complaint follow-ups, calls due, and the
manager's view of tiers, segments and satisfaction."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import coupons as cs
from app import loyalty as ly
from app.core.context import AppContext
from app.core.money import format_cents
from app.members import MemberRow
from ui.actions import call
from ui.care.dialogs import FollowUpDialog, IssueToSelectionDialog, OutcomeDialog
from ui.care.tiers import TierDialog
from ui.coupons.labels import issued_text
from ui.format import local_date, local_datetime
from ui.members.models import PagedMemberModel
from ui.table import DISPLAY, RowsTableModel
from ui.workers import Job, Progress


class FollowUpTableModel(RowsTableModel[ly.FollowUpView]):
    def headers(self) -> list[str]:
        return [
            self.tr("Due"),
            self.tr("Member"),
            self.tr("Phone"),
            self.tr("Purpose"),
            self.tr("Who calls"),
        ]

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        f = self._rows[index.row()]
        return [
            local_datetime(f.due_at),
            f.member.name,
            f.member.phone_masked,
            f.purpose,
            f.assignee,
        ][index.column()]


class MemberListTab(QWidget):
    """A care list with its actions, for the selected members."""

    def __init__(
        self, name: str, kind: str, coupon_kind: str, purpose: str, page: CarePage
    ) -> None:
        super().__init__()
        self.page = page
        self.kind = kind  # which care list (app.loyalty.CARE_LISTS)
        self.coupon_kind = coupon_kind
        self.purpose = purpose
        self.all_selected = False  # "select all": every member of the list, not only shown
        self.model = PagedMemberModel(self)
        self.model.rowsInserted.connect(self.on_rows_loaded)
        self.view = QTableView(objectName=name)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        for col, width in ((0, 130), (1, 130), (2, 105), (3, 120), (4, 70), (5, 110), (6, 140)):
            self.view.setColumnWidth(col, width)
        self.coupon_button = QPushButton(
            self.tr("Issue coupons to selection…"), objectName=f"{name}Coupons"
        )
        self.call_button = QPushButton(
            self.tr("Schedule follow-up call…"), objectName=f"{name}FollowUp"
        )
        self.select_all = QPushButton(self.tr("Select all"), objectName=f"{name}SelectAll")
        self.coupon_button.clicked.connect(self.on_coupons)
        self.call_button.clicked.connect(self.on_follow_up)
        self.select_all.clicked.connect(self.on_select_all)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.selected_label = QLabel(objectName=f"{name}Selected")
        buttons = QHBoxLayout()
        for button in (self.select_all, self.coupon_button, self.call_button):
            buttons.addWidget(button)
        buttons.addWidget(self.selected_label)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def load(self) -> None:
        ctx, kind = self.page.ctx, self.kind

        def page(offset: int) -> tuple[list[MemberRow], int]:
            found = call(self, ly.care_page, ctx, kind, offset)
            return (found.rows, found.total) if found is not None else ([], 0)

        self.all_selected = False
        self.model.set_loader(page)
        self.on_selection_changed()

    def on_select_all(self) -> None:
        """Selects every member of the list (those not loaded yet too)."""
        self.all_selected = self.model.total > 0
        self.view.selectAll()
        self.on_selection_changed()

    def on_rows_loaded(self, *_args: object) -> None:
        if self.all_selected:  # rows arriving while "all" is chosen are chosen too
            self.view.selectAll()

    def on_selection_changed(self, *_args: object) -> None:
        chosen = len(self.view.selectionModel().selectedRows())
        if self.all_selected and chosen < self.model.rowCount():
            self.all_selected = False  # the user picked rows by hand
        count = self.model.total if self.all_selected else chosen
        self.selected_label.setText(
            self.tr("%1 of %2 selected")
            .replace("%1", f"{count:,}")
            .replace("%2", f"{self.model.total:,}")
            if count
            else ""
        )

    def selected_ids(self) -> list[int]:
        if self.all_selected:
            return call(self, ly.care_ids, self.page.ctx, self.kind) or []
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [r.id for r in (self.model.row_at(i) for i in rows) if r is not None]

    @Slot()
    def on_coupons(self) -> IssueToSelectionDialog | None:
        ids = self.selected_ids()
        if not ids:
            self.page.say(self.tr("Select one or more members first."))
            return None
        dialog = IssueToSelectionDialog(self.page.ctx, ids, self.coupon_kind, self)
        dialog.finished.connect(lambda _r: self.page.after_coupons(dialog.result_issue))
        dialog.open()
        return dialog

    @Slot()
    def on_follow_up(self) -> FollowUpDialog | None:
        ids = self.selected_ids()
        if not ids:
            self.page.say(self.tr("Select one or more members first."))
            return None
        dialog = FollowUpDialog(self.page.ctx, ids, self, self.purpose)
        dialog.finished.connect(lambda _r: self.page.after_calls(dialog))
        dialog.open()
        return dialog


class CarePage(QWidget):
    """Signals:
    follow_ups_due(int): how many follow-up calls are due by tomorrow.
    review_done(object): a loyalty review finished (RefreshResult).
    """

    follow_ups_due = Signal(int)
    review_done = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carePage")
        self.ctx = ctx
        self.message = QLabel(objectName="careMessage")
        self.lapsing = MemberListTab(
            "lapsingList", "lapsing", "winback", self.tr("Invite back: we miss you"), self
        )
        self.birthdays = MemberListTab(
            "birthdayList", "birthdays", "birthday", self.tr("Birthday greeting"), self
        )
        self.complaints = MemberListTab(
            "complaintCareList",
            "complaints",
            "compensation",
            self.tr("Ask how the complaint was handled"),
            self,
        )
        self.follow_model = FollowUpTableModel(self)
        self.follow_view = QTableView(objectName="followUpList")
        self.follow_view.setModel(self.follow_model)
        self.follow_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.follow_view.verticalHeader().hide()
        self.follow_view.horizontalHeader().setStretchLastSection(True)
        self.follow_view.setColumnWidth(0, 150)
        self.follow_view.setColumnWidth(3, 320)
        done_button = QPushButton(self.tr("Call done…"), objectName="followUpDone")
        done_button.clicked.connect(self.on_follow_up_done)
        follow_tab = QWidget()
        follow_layout = QVBoxLayout(follow_tab)
        follow_layout.addWidget(done_button)
        follow_layout.addWidget(self.follow_view, 1)

        self.overview = QTextBrowser(objectName="loyaltyOverview")
        self.review_button = QPushButton(
            self.tr("Run tier and segment review now"), objectName="reviewButton"
        )
        self.review_button.clicked.connect(lambda: self.start_review())
        self.review_bar = QProgressBar(objectName="reviewProgress")
        self.review_bar.hide()
        overview_tab = QWidget()
        overview_layout = QVBoxLayout(overview_tab)
        self.tiers_button = QPushButton(self.tr("Tiers…"), objectName="tiersButton")
        self.tiers_button.clicked.connect(self.open_tiers)
        row = QHBoxLayout()
        row.addWidget(self.tiers_button)
        row.addWidget(self.review_button)
        row.addWidget(self.review_bar, 1)
        overview_layout.addLayout(row)
        overview_layout.addWidget(self.overview, 1)

        self.tabs = QTabWidget(objectName="careTabs")
        self.tabs.addTab(self.lapsing, self.tr("Lapsing"))
        self.tabs.addTab(self.birthdays, self.tr("Birthdays this week"))
        self.tabs.addTab(self.complaints, self.tr("After a complaint"))
        self.tabs.addTab(follow_tab, self.tr("Calls due"))
        self.overview_index = self.tabs.addTab(overview_tab, self.tr("Tiers and segments"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self._job: Job | None = None
        self._loaded = False
        self.tabs.currentChanged.connect(lambda _i: self._load_overview())

    def showEvent(self, event: QShowEvent) -> None:
        # The lists are read when the page is first opened, not at start-up: over a
        # million members they cost a second or two the counter should not wait for.
        if not self._loaded:
            self.reload()
        super().showEvent(event)

    def reset(self) -> None:
        """Lists are read again, under the new person's role, when the page is opened."""
        self.say("")
        for tab in (self.lapsing, self.birthdays, self.complaints):
            tab.model.set_loader(None)
        self.follow_model.set_rows([])
        self.overview.clear()
        self._loaded = False

    def refresh_reminders(self) -> None:
        """Only the count of calls due (cheap, indexed): for the status bar."""
        self.follow_ups_due.emit(len(call(self, ly.due_follow_ups, self.ctx) or []))

    def _load_overview(self) -> None:
        if self._loaded and self.tabs.currentIndex() == self.tabs.count() - 1:
            self.overview.setHtml(self._overview_html())

    def say(self, text: str) -> None:
        self.message.setText(text)

    def reload(self) -> None:
        for tab in (self.lapsing, self.birthdays, self.complaints):
            tab.load()
        due = call(self, ly.due_follow_ups, self.ctx) or []
        self.follow_model.set_rows(due)
        for i, (title, count) in enumerate(
            (
                (self.tr("Lapsing"), self.lapsing.model.total),
                (self.tr("Birthdays this week"), self.birthdays.model.total),
                (self.tr("After a complaint"), self.complaints.model.total),
                (self.tr("Calls due"), len(due)),
            )
        ):
            self.tabs.setTabText(i, f"{title} ({count:,})")
        self._loaded = True
        self._load_overview()
        self.follow_ups_due.emit(len(due))

    def _overview_html(self) -> str:
        now = self.ctx.clock.now()
        tiers = {t.code: t for t in call(self, ly.list_tiers, self.ctx) or []}
        pareto = call(self, ly.revenue_by_tier, self.ctx, now - timedelta(days=365), now) or []
        segments = call(self, ly.segment_counts, self.ctx) or {}
        months = call(self, ly.satisfaction_by_month, self.ctx) or []
        words = {
            "rev": self.tr("Revenue in the last 12 months by tier"),
            "seg": self.tr("RFM segments (R recency, F frequency, M spend; 3 = best)"),
            "sat": self.tr("Satisfaction by month (share of 4-5 scores)"),
            "none": self.tr("No review yet: run one to see segments."),
        }
        rows = "".join(
            f"<tr><td>{html.escape(tiers[c].name if c in tiers else c)}</td>"
            f"<td align='right'>{format_cents(v)}</td><td align='right'>{share * 100:.1f}%</td>"
            f"</tr>"
            for c, v, share in pareto
        )
        top = sorted(((n, s) for s, n in segments.items() if s != "—"), reverse=True)[:12]
        seg_rows = "".join(f"<tr><td>{s}</td><td align='right'>{n:,}</td></tr>" for n, s in top)
        sat_rows = "".join(
            f"<tr><td>{m}</td><td align='right'>{n}</td>"
            f"<td align='right'>{rate * 100:.0f}%</td></tr>"
            for m, n, rate in months
        )
        return (
            f"<h4>{words['rev']}</h4><table width='50%'>{rows}</table>"
            f"<h4>{words['seg']}</h4>"
            + (f"<table width='30%'>{seg_rows}</table>" if seg_rows else f"<p>{words['none']}</p>")
            + f"<h4>{words['sat']}</h4><table width='40%'>{sat_rows}</table>"
        )

    def after_calls(self, dialog: FollowUpDialog) -> None:
        self.reload()
        if dialog.scheduled:
            self.say(
                self.tr("%1 follow-up calls scheduled for %2.")
                .replace("%1", str(dialog.scheduled))
                .replace("%2", local_date(dialog.due.date().toPython()))
            )

    def after_coupons(self, result: cs.IssuedCampaign | None) -> None:
        if result is None:
            return  # cancelled, or refused (the dialog said why)
        self.say(issued_text(result) + " " + self.tr("Print them on the Coupons page (F6)."))

    @Slot()
    def on_follow_up_done(self) -> OutcomeDialog | None:
        index = self.follow_view.currentIndex()
        follow_up = self.follow_model.row_at(index.row()) if index.isValid() else None
        if follow_up is None:
            self.say(self.tr("Select a call first."))
            return None
        dialog = OutcomeDialog(self.ctx, follow_up, self)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()
        return dialog

    def open_tiers(self) -> TierDialog:
        dialog = TierDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()
        return dialog

    # --- the review, in the background ---------------------------------------------------

    def start_review(self, automatic: bool = False) -> bool:
        """Starts the tier and segment review on a worker thread (once at a time): by a
        manager's hand, or the monthly one the store runs itself."""
        if self._job is not None:
            return False
        ctx = self.ctx.as_system() if automatic else self.ctx
        if not automatic and call(self, ly.check_may_review, ctx) is None:
            return False
        self.review_button.setEnabled(False)
        self.review_bar.show()
        self.review_bar.setValue(0)

        def review(progress: Progress) -> ly.RefreshResult:
            result = ly.refresh(ctx, progress=progress)
            ly.expire_points(ctx.as_system())
            return result

        job = Job(review, self)
        job.progress.connect(self.on_review_progress)
        job.done.connect(self.on_review_done)
        job.failed.connect(self.on_review_failed)
        job.finished.connect(self._review_finished)
        self._job = job.start()
        return True

    @Slot(str, int, int)
    def on_review_progress(self, stage: str, done: int, total: int) -> None:
        self.review_bar.setMaximum(max(total, 1))
        self.review_bar.setValue(done)
        label = self.tr("Reading visits…") if stage == "visits" else self.tr("Members %1 / %2")
        self.review_bar.setFormat(label.replace("%1", f"{done:,}").replace("%2", f"{total:,}"))

    @Slot(object)
    def on_review_done(self, result: ly.RefreshResult) -> None:
        self.say(
            self.tr("Review done: %1 members, %2 up, %3 down, %4 s.")
            .replace("%1", f"{result.members:,}")
            .replace("%2", str(result.upgraded))
            .replace("%3", str(result.downgraded))
            .replace("%4", f"{result.seconds:.1f}")
        )
        self.reload()
        self.review_done.emit(result)

    @Slot(str)
    def on_review_failed(self, error: str) -> None:
        self.say(
            self.tr("The review stopped before the end; run it again. Details are in the log.")
        )

    @Slot()
    def _review_finished(self) -> None:
        self.review_button.setEnabled(True)
        self.review_bar.hide()
        self._job = None

    def wait_for_review(self, ms: int = 60000) -> None:
        if self._job is not None:
            self._job.wait(ms)
