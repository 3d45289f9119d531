"""The manager's forms: the SLA policy and the SLA report."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import complaints as cp
from app.core.calendar import STAGES, SlaPolicy
from app.core.context import AppContext
from app.core.errors import ValidationError
from ui.actions import call, error_text
from ui.complaints import labels
from ui.format import local_datetime
from ui.forms import FormDialog, WeekdayChecks


def _spin(name: str, low: int, high: int, value: int, suffix: str) -> QSpinBox:
    box = QSpinBox(objectName=name)
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


def _dates(text: str, field: str) -> tuple[date, ...]:
    out = []
    for part in text.replace("，", ",").replace(" ", ",").split(","):
        if part.strip():
            try:
                out.append(date.fromisoformat(part.strip()))
            except ValueError:
                raise ValidationError("date.invalid", field=field, value=part.strip()) from None
    return tuple(sorted(set(out)))


class SlaPolicyDialog(FormDialog):
    """Promised times and the store calendar. Changes apply to complaints logged from now
    on; deadlines already promised to guests stay as they are."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slaPolicyDialog")
        self.setMinimumWidth(620)  # seven weekday boxes in a row, in every language
        self.setWindowTitle(self.tr("SLA policy and store calendar"))
        self.ctx = ctx
        self.saved: SlaPolicy | None = None
        p = cp.get_policy(ctx)
        minutes, hours, days = self.tr(" min"), self.tr(" h"), self.tr(" working days")
        self.response = _spin("slaResponse", 1, 1440, p.response_minutes, minutes)
        self.solution = _spin("slaSolution", 1, 1440, p.urgent_solution_minutes, minutes)
        self.investigation = _spin("slaInvestigation", 1, 720, p.investigation_hours, hours)
        self.answer = _spin("slaAnswer", 1, 60, p.answer_working_days, days)
        self.soon = _spin("slaSoon", 0, 1440, p.due_soon_minutes, minutes)
        self.warn_response = _spin("slaWarnResponse", 0, 1440, p.warn_response_minutes, minutes)
        self.warn_response.setSpecialValueText(self.tr("no warning"))
        self.warn_investigation = _spin(
            "slaWarnInvestigation", 0, 10080, p.warn_investigation_minutes, minutes
        )
        self.warn_investigation.setSpecialValueText(self.tr("no warning"))
        self.warn_answer = _spin("slaWarnAnswer", 0, 10080, p.warn_answer_minutes, minutes)
        self.warn_answer.setSpecialValueText(self.tr("the morning of its last day"))
        # The final answer's warning can be switched off (its 0 is "the morning of the
        # last day", so it needs a switch of its own).
        self.warn_answer_on = QCheckBox(self.tr("Warn"), objectName="slaWarnAnswerOn")
        self.warn_answer_on.setChecked(p.warn_answer)
        self.warn_answer_on.toggled.connect(self.warn_answer.setEnabled)
        self.warn_answer.setEnabled(p.warn_answer)
        answer_row = QWidget()
        row = QHBoxLayout(answer_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.warn_answer_on)
        row.addWidget(self.warn_answer, 1)
        self.rest = WeekdayChecks(p.rest_weekdays)
        self.rest_boxes = self.rest.boxes
        self.holidays = QLineEdit(
            ", ".join(d.isoformat() for d in p.holidays), objectName="slaHolidays"
        )
        self.holidays.setPlaceholderText(self.tr("e.g. 2027-01-01, 2027-02-06"))
        self.makeup = QLineEdit(
            ", ".join(d.isoformat() for d in p.makeup_workdays), objectName="slaMakeup"
        )
        self.manager = QLineEdit(p.manager, objectName="slaManager")
        self.manager.setPlaceholderText(labels.manager_name(""))
        self.add_rows(
            (
                (self.tr("First response within"), self.response, "response_minutes"),
                (self.tr("Urgent: solution within"), self.solution, "urgent_solution_minutes"),
                (self.tr("Investigation within"), self.investigation, "investigation_hours"),
                (self.tr("Final answer within"), self.answer, "answer_working_days"),
                (self.tr("Amber when due within"), self.soon, "due_soon_minutes"),
                (self.tr("Escalate to"), self.manager, "manager"),
                (self.tr("Holidays"), self.holidays, "holidays"),
                (self.tr("Make-up working days"), self.makeup, "makeup_workdays"),
                (
                    self.tr("Warn before response/urgent"),
                    self.warn_response,
                    "warn_response_minutes",
                ),
                (
                    self.tr("Warn before investigation"),
                    self.warn_investigation,
                    "warn_investigation_minutes",
                ),
                (self.tr("Warn before final answer"), answer_row, "warn_answer_minutes"),
            )
        )
        self.fields["warn_answer_minutes"] = self.warn_answer  # an error's focus goes there
        self.form.insertRow(5, self.tr("Rest days"), self.rest)
        meaning = QLabel(
            self.tr(
                "A working day is a day the store is open: every day except the rest days "
                "and holidays ticked here (a make-up day counts even if it is a rest day). "
                "The final answer is due by closing time of its last working day."
            ),
            objectName="workingDayHint",
        )
        meaning.setWordWrap(True)
        meaning.setStyleSheet("color: #607d8b;")
        self.form.insertRow(6, "", meaning)
        self.policy = p

    def on_save(self) -> None:
        try:
            policy = self.policy.with_changes(
                response_minutes=self.response.value(),
                urgent_solution_minutes=self.solution.value(),
                investigation_hours=self.investigation.value(),
                answer_working_days=self.answer.value(),
                due_soon_minutes=self.soon.value(),
                warn_response_minutes=self.warn_response.value(),
                warn_investigation_minutes=self.warn_investigation.value(),
                warn_answer_minutes=self.warn_answer.value(),
                warn_answer=self.warn_answer_on.isChecked(),
                rest_weekdays=self.rest.checked(),
                holidays=_dates(self.holidays.text(), "holidays"),
                makeup_workdays=_dates(self.makeup.text(), "makeup_workdays"),
                manager=self.manager.text().strip(),
            )
        except ValidationError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        if call(self, cp.set_policy, self.ctx, policy) is not None:
            self.saved = policy
            self.accept()


class SlaReportDialog(QDialog):
    """The last 30 days at a glance: on-time rate per stage, response time, by category."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, days: int = 30) -> None:
        super().__init__(parent)
        self.setObjectName("slaReportDialog")
        self.setWindowTitle(self.tr("SLA report — last %1 days").replace("%1", str(days)))
        self.resize(560, 520)
        end = ctx.clock.now()
        report = call(self, cp.report, ctx, end - timedelta(days=days), end)
        self.view = QTextBrowser(objectName="slaReportView")
        self.view.setHtml(self._html(report) if report else "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)

    def _html(self, r: cp.SlaReport) -> str:
        st, cat, ch = labels.stages(), labels.categories(), labels.channels()
        period = (
            self.tr("Complaints logged from %1 to %2; open and overdue as of now.")
            .replace("%1", local_datetime(r.start))
            .replace("%2", local_datetime(r.end))
        )

        def pct(value: float | None) -> str:
            return "—" if value is None else f"{value * 100:.0f}%"

        on_time, warned, then_met = self.tr("On time"), self.tr("Warned"), self.tr("Then met")
        head = (
            f"<tr><th></th><th align='right'>{on_time}</th>"
            f"<th align='right'>{warned}</th><th align='right'>{then_met}</th></tr>"
        )
        rows = head + "".join(
            f"<tr><td>{st[s]}</td><td align='right'>{pct(r.on_time_rate.get(s))}</td>"
            f"<td align='right'>{r.warned.get(s, 0)}</td>"
            f"<td align='right'>{r.warned_then_met.get(s, 0)}</td></tr>"
            for s in STAGES
        )
        median = "—" if r.median_response_minutes is None else f"{r.median_response_minutes:.1f}"
        sat = "—" if r.average_satisfaction is None else f"{r.average_satisfaction:.1f} / 5"
        by_cat = "".join(
            f"<tr><td>{cat.get(k, k)}</td><td align='right'>{v}</td></tr>"
            for k, v in sorted(r.by_category.items(), key=lambda kv: -kv[1])
        )
        by_ch = "".join(
            f"<tr><td>{ch.get(k, k)}</td><td align='right'>{v}</td></tr>"
            for k, v in sorted(r.by_channel.items(), key=lambda kv: -kv[1])
        )
        words = {
            "logged": self.tr("Complaints logged"),
            "open": self.tr("Open now"),
            "overdue": self.tr("Overdue now"),
            "median": self.tr("Median first response (minutes)"),
            "sat": self.tr("Average satisfaction"),
            "stage": self.tr("Deadlines by stage: on time; warned before, and then met"),
            "cat": self.tr("By category"),
            "ch": self.tr("By channel"),
        }
        return (
            f"<p>{period}</p>"
            f"<h3>{words['logged']}: {r.logged}</h3>"
            f"<p>{words['open']}: {r.open_now} · {words['overdue']}: "
            f"<b style='color:#b00020'>{r.breached_now}</b></p>"
            f"<p>{words['median']}: {median} · {words['sat']}: {sat}</p>"
            f"<h4>{words['stage']}</h4><table width='80%'>{rows}</table>"
            f"<h4>{words['cat']}</h4><table width='60%'>{by_cat}</table>"
            f"<h4>{words['ch']}</h4><table width='60%'>{by_ch}</table>"
        )


def open_report(ctx: AppContext, parent: QWidget) -> SlaReportDialog:
    dialog = SlaReportDialog(ctx, parent)
    dialog.open()
    return dialog
