"""Forms for complaints: log one, and take each next step."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app import complaints as cp
from app.complaints import ComplaintInput, ComplaintView
from app.core.context import AppContext
from app.members import MemberProfile
from ui.actions import call
from ui.complaints import labels
from ui.forms import FormDialog, ScoreButtons


def _combo(name: str, items: dict[str, str]) -> QComboBox:
    box = QComboBox(objectName=name)
    for code, text in items.items():
        box.addItem(text, code)
    return box


def _text_box(name: str, height: int = 70) -> QPlainTextEdit:
    box: QPlainTextEdit = QPlainTextEdit(objectName=name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class ComplaintDialog(FormDialog):
    """Log a complaint in seconds: who, how, what, how bad."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        member: MemberProfile | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("complaintDialog")
        self.setWindowTitle(self.tr("Log complaint"))
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.member = member
        self.result_view: ComplaintView | None = None
        self.urgent_categories = cp.get_policy(ctx).urgent_categories
        if member is not None:
            who = QLabel(f"{member.name}  ({member.member_no}, {member.phone_masked})")
            who.setObjectName("complaintMemberLabel")
            self.form.addRow(self.tr("Member"), who)
        self.guest_name = QLineEdit(objectName="complaintGuestName")
        self.guest_phone = QLineEdit(objectName="complaintGuestPhone")
        self.guest_phone.setPlaceholderText(self.tr("optional"))
        self.channel = _combo("complaintChannel", labels.channels())
        self.category = _combo("complaintCategory", labels.categories())
        self.severity = _combo("complaintSeverity", labels.severities())
        self.description = _text_box("complaintDescription", 90)
        self.description.setPlaceholderText(self.tr("What happened, in the guest's words"))
        self.hint = QLabel(objectName="complaintSlaHint")
        self.hint.setWordWrap(True)
        rows: list[tuple[str, QWidget, str]] = []
        if member is None:
            rows += [
                (self.tr("Guest name"), self.guest_name, "guest_name"),
                (self.tr("Guest phone"), self.guest_phone, "phone"),
            ]
        rows += [
            (self.tr("Channel"), self.channel, "channel"),
            (self.tr("Category"), self.category, "category"),
            (self.tr("Severity"), self.severity, "severity"),
            (self.tr("Description *"), self.description, "description"),
        ]
        self.add_rows(rows)
        self.form.addRow("", self.hint)
        self.category.currentIndexChanged.connect(self.on_category_changed)
        self.severity.currentIndexChanged.connect(self.update_hint)
        self.on_category_changed()
        (self.guest_name if member is None else self.description).setFocus()

    @Slot()
    def on_category_changed(self) -> None:
        urgent = self.category.currentData() in self.urgent_categories
        self.severity.setCurrentIndex(self.severity.findData("urgent" if urgent else "normal"))
        self.update_hint()

    @Slot()
    def update_hint(self) -> None:
        policy = cp.get_policy(self.ctx)
        if self.severity.currentData() == "urgent":
            text = self.tr(
                "Urgent: a solution is due within %1 minutes; the manager is alerted at once."
            ).replace("%1", str(policy.urgent_solution_minutes))
        else:
            text = self.tr("First response due within %1 minutes.").replace(
                "%1", str(policy.response_minutes)
            )
        self.hint.setText(text)
        urgent = self.severity.currentData() == "urgent"
        self.hint.setStyleSheet("color: #b00020; font-weight: bold;" if urgent else "color: #666;")

    def on_save(self) -> None:
        data = ComplaintInput(
            channel=str(self.channel.currentData()),
            category=str(self.category.currentData()),
            severity=str(self.severity.currentData()),
            description=self.description.toPlainText(),
            member_id=self.member.id if self.member else None,
            guest_name=self.guest_name.text(),
            guest_phone=self.guest_phone.text(),
        )
        result = call(self, cp.log_complaint, self.ctx, data)
        if result is not None:
            self.result_view = result
            self.accept()


class StepDialog(FormDialog):
    """One step of the workflow: who did it and what was said; closing also asks for the
    root cause, the remedy and the guest's satisfaction."""

    def __init__(
        self,
        ctx: AppContext,
        complaint: ComplaintView,
        step: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("complaintStepDialog")
        self.ctx = ctx
        self.complaint = complaint
        self.step = step
        self.result_view: ComplaintView | None = None
        titles = {
            "respond": self.tr("Respond to the guest"),
            "investigate": self.tr("Start investigation"),
            "answer": self.tr("Final answer to the guest"),
            "close": self.tr("Close complaint"),
            "reopen": self.tr("Reopen complaint"),
            "escalate": self.tr("Escalate to manager"),
            "note": self.tr("Add note"),
        }
        self.setWindowTitle(f"{titles[step]} — {complaint.ref}")
        self.setMinimumWidth(520)
        self.note = _text_box("stepNote")
        self.root_cause = _text_box("stepRootCause", 50)
        self.root_cause.setPlainText(complaint.root_cause)
        self.remedy = _text_box("stepRemedy", 50)
        note_label = {
            "respond": self.tr("What was said/done *"),
            "answer": self.tr("Answer given *"),
            "reopen": self.tr("Why reopened *"),
        }.get(step, self.tr("Note"))
        self.form.addRow(note_label, self.note)
        self.fields["note"] = self.note
        if step in ("answer", "close"):
            self.form.addRow(
                self.tr("Root cause") + (" *" if step == "close" else ""), self.root_cause
            )
            self.fields["root_cause"] = self.root_cause
        self.score = ScoreButtons("satisfaction")
        if step == "close":
            self.form.addRow(self.tr("Remedy *"), self.remedy)
            self.fields["remedy"] = self.remedy
            self.form.addRow(self.tr("Guest satisfaction (1-5) *"), self.score)
        self.note.setFocus()

    def on_save(self) -> None:
        ctx, cid = self.ctx, self.complaint.id
        note = self.note.toPlainText()
        if self.step == "respond":
            if not note.strip():
                self.show_error(self.tr("Please say what was said or done."), "note")
                return
            result = call(self, cp.respond, ctx, cid, note)
        elif self.step == "investigate":
            result = call(self, cp.start_investigation, ctx, cid, note)
        elif self.step == "answer":
            if not note.strip():
                self.show_error(self.tr("Please write the answer given to the guest."), "note")
                return
            result = call(self, cp.answer, ctx, cid, note, self.root_cause.toPlainText())
        elif self.step == "close":
            if self.score.checkedId() < 1:
                self.show_error(self.tr("Please choose the guest's satisfaction, 1 to 5."), None)
                return
            result = call(
                self,
                cp.close,
                ctx,
                cid,
                self.root_cause.toPlainText(),
                self.remedy.toPlainText(),
                self.score.checkedId(),
                note,
            )
        elif self.step == "reopen":
            if not note.strip():
                self.show_error(self.tr("Please say why it is reopened."), "note")
                return
            result = call(self, cp.reopen, ctx, cid, note)
        elif self.step == "escalate":
            result = call(self, cp.escalate, ctx, cid, note)
        else:
            result = call(self, cp.add_note, ctx, cid, note)
        if result is not None:
            self.result_view = result
            self.accept()
