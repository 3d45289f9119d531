"""The complaints page: open complaints by what is due first, with live countdowns."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import complaints as cp
from app.complaints import BreachAlert, ComplaintView, WarningAlert
from app.core.context import AppContext
from app.members import MemberProfile
from ui import bus
from ui.actions import call, quietly
from ui.bus import Changes
from ui.complaints import labels
from ui.complaints.dialogs import ComplaintDialog, StepDialog
from ui.complaints.models import ComplaintTableModel, CountdownTableView
from ui.complaints.policy import SlaPolicyDialog, open_report
from ui.format import local_datetime

# Which buttons each status offers.
STEPS_FOR_STATUS = {
    "new": ("respond", "escalate", "note", "coupon"),
    "responded": ("investigate", "answer", "escalate", "note", "coupon"),
    "investigating": ("answer", "escalate", "note", "coupon"),
    "answered": ("close", "escalate", "note", "coupon"),
    "closed": ("reopen", "note"),
    "reopened": ("investigate", "answer", "escalate", "note", "coupon"),
}


def esc(text: str) -> str:
    """Guest-typed text shown as text, never as markup."""
    return html.escape(text).replace("\n", "<br>")


class ComplaintsPage(QWidget):
    """Signals:
    breaches(list): deadlines that have just been missed (BreachAlert list), once each.
    counts_changed(int, int): open complaints, and how many of them are overdue.
    compensation_requested(int): issue a compensation coupon for this complaint id.
    """

    breaches = Signal(list)
    warnings = Signal(list)
    counts_changed = Signal(int, int)
    compensation_requested = Signal(int)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, changes: Changes | None = None
    ) -> None:
        super().__init__(parent)
        self.changes = changes if changes is not None else Changes(self)
        self.changes.changed.connect(self._on_changed)
        self.setObjectName("complaintsPage")
        self.ctx = ctx
        self.policy = cp.get_policy(ctx)
        self._ticks = 0
        self._fingerprint: object = None

        self.log_button = QPushButton(
            self.tr("Log complaint (Ctrl+L)"), objectName="logComplaintButton"
        )
        self.log_button.clicked.connect(lambda: self.open_log_dialog())
        self.summary = QLabel(objectName="complaintSummary")
        self.report_button = QPushButton(self.tr("SLA report"), objectName="slaReportButton")
        self.report_button.clicked.connect(lambda: open_report(self.ctx, self))
        self.policy_button = QPushButton(self.tr("SLA policy…"), objectName="slaPolicyButton")
        self.policy_button.clicked.connect(self.open_policy)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.report_button)
        top.addWidget(self.policy_button)
        top.addWidget(self.log_button)

        self.model = ComplaintTableModel(self)
        self.view = CountdownTableView(objectName="complaintList")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(30)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Wide enough for the longest words in every language (and "overdue 58 d 18 h").
        for col, width in enumerate((90, 110, 160, 80, 90, 110, 165, 140)):
            self.view.setColumnWidth(col, width)
        self.view.selectionModel().currentRowChanged.connect(self.on_current_changed)
        # Keyboard first: Tab leaves the list for the step buttons (not from cell to cell),
        # and Enter on a case opens its next step.
        self.view.setTabKeyNavigation(False)
        self.view.activated.connect(self.open_next_step)

        self.detail = QTextBrowser(objectName="complaintDetail")
        self.step_buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        # Each step has its Alt key (the underlined letter; Enter opens the next one).
        step_titles = {
            "respond": (self.tr("&Respond"), "R"),
            "investigate": (self.tr("&Investigate"), "I"),
            "answer": (self.tr("&Answer"), "A"),
            "close": (self.tr("&Close"), "C"),
            "reopen": (self.tr("Re&open"), "O"),
            "escalate": (self.tr("&Escalate"), "E"),
            "note": (self.tr("&Note"), "N"),
            "coupon": (self.tr("Com&pensation coupon"), "P"),
        }
        for step, (title, key) in step_titles.items():
            button = QPushButton(title, objectName=f"step_{step}")
            button.setToolTip(f"Alt+{key}")
            button.clicked.connect(lambda _c=False, s=step: self.open_step(s))
            buttons.addWidget(button)
            self.step_buttons[step] = button
        buttons.addStretch(1)
        detail_box = QGroupBox(self.tr("Complaint"))
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.addLayout(buttons)
        detail_layout.addWidget(self.detail, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(detail_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        shortcut = QShortcut(QKeySequence("Ctrl+L"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self.open_log_dialog())
        self.current: ComplaintView | None = None
        self._warned: list[WarningAlert] = []
        self.reload()

    @Slot(str, int, object)
    def _on_changed(self, topic: str, _member_id: int, source: object) -> None:
        """A complaint moved elsewhere (compensated from the coupons page...)."""
        if topic == bus.COMPLAINTS and source is not self:
            self.reload()

    def reset(self) -> None:
        self.current = None
        self.view.clearSelection()
        self.show_detail(None)
        self.reload()

    # --- data ------------------------------------------------------------------------

    def reload(self) -> None:
        """Reads the open complaints again (after a change, or now and then for other
        counters' changes) and keeps the same complaint selected."""
        keep = self.current.id if self.current else None
        self.policy = cp.get_policy(self.ctx)
        self._fingerprint = call(self, cp.open_fingerprint, self.ctx)
        rows = call(self, cp.open_complaints, self.ctx) or []
        self.model.load(rows, self.ctx.clock.now(), self.policy.due_soon_minutes)
        showing_closed = self.current is not None and self.current.status == "closed"
        first = -1 if showing_closed or not rows else 0
        target = next((i for i, r in enumerate(rows) if r.id == keep), first)
        if target >= 0:
            self.view.selectRow(target)
        elif not showing_closed:  # a just-closed case stays shown until another is chosen
            self.show_detail(None)
        self._emit_counts()

    def select(self, complaint_id: int) -> None:
        """Shows this complaint (if it is open)."""
        row = next(
            (i for i in range(self.model.rowCount()) if self.model.row_at(i).id == complaint_id),  # type: ignore[union-attr]
            -1,
        )
        if row >= 0:
            self.view.selectRow(row)

    def _changed_elsewhere(self) -> bool:
        """True when another counter (or another window) changed open complaints."""
        return quietly(cp.open_fingerprint, self.ctx) not in (None, self._fingerprint)

    def tick(self, locked: bool = False) -> list[BreachAlert]:
        """Once a second: countdowns from stored deadlines, then newly missed deadlines.
        Deadlines are watched by the store itself, also while the counter is locked (the
        alert still sounds); the list is read again only for somebody signed in."""
        self._ticks += 1
        self.model.tick(self.ctx.clock.now())
        alerts = quietly(cp.check_breaches, self.ctx.as_system()) or []
        near = quietly(cp.check_warnings, self.ctx.as_system()) or []
        if near:
            self._warned.extend(near)
            self.warnings.emit(near)  # also while locked: the warning still sounds
            known = {row.id for row in self.model.rows()}
            if not locked and not {a.complaint_id for a in near} <= known:
                self.reload()  # logged at another counter a moment ago
            shown = self.current
            if not locked and shown is not None and shown.id in {a.complaint_id for a in near}:
                self.on_current_changed()  # its timeline shows the warning
        if locked:
            if alerts:
                self.breaches.emit(alerts)
            return alerts
        if alerts:
            # A breach escalates but does not move a complaint in the list: refresh
            # just those rows instead of reading every open complaint again.
            fresh = (
                quietly(cp.complaints_by_ids, self.ctx, sorted({a.complaint_id for a in alerts}))
                or []
            )
            if self.model.replace_rows(fresh):
                self.reload()
            else:
                self._fingerprint = quietly(cp.open_fingerprint, self.ctx)
                self._emit_counts()
                self.on_current_changed()
        elif self._ticks % 10 == 0 and self._changed_elsewhere():
            self.reload()
        else:
            self._emit_counts()
        if alerts:
            self.breaches.emit(alerts)
        return alerts

    def warnings_to_heed(self) -> list[WarningAlert]:
        """The warnings given whose deadline is still to come and not yet met, soonest
        first (forgotten once met, missed or closed)."""
        if not {a.complaint_id for a in self._warned} <= {row.id for row in self.model.rows()}:
            self.reload()  # warned while locked, or closed: the list says which (once)
        self._warned = cp.still_to_heed(self._warned, self.model.rows(), self.ctx.clock.now())
        return list(self._warned)

    def _emit_counts(self) -> None:
        total, late = self.model.rowCount(), self.model.breached_count()
        self.summary.setText(
            self.tr("Open: %1    Overdue: %2").replace("%1", str(total)).replace("%2", str(late))
        )
        self.counts_changed.emit(total, late)

    @Slot()
    def open_next_step(self) -> None:
        """Enter (or a double click) on a case: the next step of its workflow, the first of
        respond, investigate, answer, close, reopen that applies to it now."""
        for step in ("respond", "investigate", "answer", "close", "reopen"):
            if self.step_buttons[step].isEnabled():
                self.open_step(step)
                return

    # --- detail ----------------------------------------------------------------------

    @Slot()
    def on_current_changed(self) -> None:
        row = self.model.row_at(self.view.currentIndex().row())
        if row is None:
            self.show_detail(None)
            return
        full = call(self, cp.get_complaint, self.ctx, row.id)
        self.show_detail(full)

    def show_detail(self, c: ComplaintView | None) -> None:
        self.current = c
        allowed = STEPS_FOR_STATUS.get(c.status, ()) if c else ()
        # Every step keeps its place (a click where "Answer" was never hits "Escalate");
        # the ones that do not apply now are greyed out.
        for step, button in self.step_buttons.items():
            button.setEnabled(step in allowed)
        if c is None:
            nothing = self.tr("No complaint selected.")
            self.detail.setHtml(f"<p style='color:#666'>{nothing}</p>")
            return
        st, ch, cat, sev = (
            labels.stages(),
            labels.channels(),
            labels.categories(),
            labels.severities(),
        )
        acts = labels.actions()
        assignee_word = self.tr("assignee")
        due_word = self.tr("due")
        who = esc(labels.assignee(c.assignee, c.escalated))
        lines = [
            f"<h3>{c.ref} · {esc(c.guest)} · {sev[c.severity]}</h3>",
            f"<p>{ch[c.channel]} · {cat[c.category]} · {assignee_word}: {who}</p>",
            f"<p><b>{esc(c.description)}</b></p><ul>",
        ]
        for d in c.deadlines:
            if d.met_at is not None:
                state = self.tr("met %1").replace("%1", local_datetime(d.met_at)) + (
                    "" if d.on_time else " " + self.tr("(late)")
                )
            elif d.breached_at is not None:
                state = "<span style='color:#b00020'>" + self.tr("missed") + "</span>"
            else:
                state = self.tr("open")
            lines.append(
                f"<li>{st.get(d.stage, d.stage)}: {due_word} "
                f"{local_datetime(d.due_at)} — {state}</li>"
            )
        lines.append("</ul><table cellpadding='2'>")
        reasons = {"urgent": self.tr("urgent case"), "manual": self.tr("by staff")}
        for e in c.events:
            note = e.note
            if e.action == "escalated":
                stage = note.removeprefix("breach:")
                note = (
                    self.tr("%1 overdue").replace("%1", st.get(stage, stage))
                    if note.startswith("breach:")
                    else reasons.get(note, note)
                )
            elif e.action in ("breached", "warned"):
                note = st.get(note, note)
            lines.append(
                f"<tr><td>{local_datetime(e.at)}</td><td>{esc(e.actor)}</td>"
                f"<td><b>{acts.get(e.action, e.action)}</b></td>"
                f"<td>{esc(note)}</td></tr>"
            )
        lines.append("</table>")
        self.detail.setHtml("".join(lines))

    # --- actions ---------------------------------------------------------------------

    def open_log_dialog(self, member: MemberProfile | None = None) -> ComplaintDialog:
        dialog = ComplaintDialog(self.ctx, self, member)
        dialog.finished.connect(lambda _r: self._after(dialog.result_view))
        dialog.open()
        return dialog

    def open_policy(self) -> SlaPolicyDialog:
        dialog = SlaPolicyDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()
        return dialog

    def open_step(self, step: str) -> StepDialog | None:
        if self.current is None:
            return None
        if step == "coupon":
            self.compensation_requested.emit(self.current.id)
            return None
        dialog = StepDialog(self.ctx, self.current, step, self)
        dialog.finished.connect(lambda _r: self._after(dialog.result_view))
        dialog.open()
        return dialog

    def _after(self, result: ComplaintView | None) -> None:
        if result is None:
            return
        self.current = result
        if result.status == "closed":
            # It leaves the open list: no other case is highlighted while this one shows.
            selection = self.view.selectionModel()
            selection.blockSignals(True)
            self.view.clearSelection()
            self.view.setCurrentIndex(QModelIndex())
            selection.blockSignals(False)
        self.reload()
        self.changes.tell(bus.COMPLAINTS, result.member_id, self)
        if result.status == "closed":
            self.show_detail(result)
        elif self.isVisible():
            self.view.setFocus()  # the case just logged or moved on: Enter, its next step
