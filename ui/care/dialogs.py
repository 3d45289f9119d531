"""Forms for guest care: follow-up calls, their outcome, issuing coupons to a selection,
points at the counter, and a quick satisfaction survey."""

from __future__ import annotations

from datetime import time, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from app import coupons as cs
from app import loyalty as ly
from app.core import store
from app.core.context import AppContext
from app.coupons import CouponView
from ui.actions import Attempt, call
from ui.forms import FormDialog, ScoreButtons


class FollowUpDialog(FormDialog):
    """Schedule a call back (回访) for one or more members."""

    def __init__(
        self,
        ctx: AppContext,
        member_ids: list[int],
        parent: QWidget | None = None,
        purpose: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("followUpDialog")
        self.setWindowTitle(
            self.tr("Schedule follow-up call (%1 members)").replace("%1", str(len(member_ids)))
        )
        self.ctx = ctx
        self.member_ids = member_ids
        self.scheduled = 0
        tomorrow = store.today(ctx) + timedelta(days=1)
        self.due = QDateEdit(
            QDate(tomorrow.year, tomorrow.month, tomorrow.day), objectName="followUpDue"
        )
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.assignee = QLineEdit(ctx.actor, objectName="followUpAssignee")  # by default: me
        self.purpose = QLineEdit(purpose, objectName="followUpPurpose")
        self.add_rows(
            (
                (self.tr("Call on"), self.due, "due_at"),
                (self.tr("Who calls"), self.assignee, "assignee"),
                (self.tr("Purpose *"), self.purpose, "purpose"),
            )
        )

    def on_save(self) -> None:
        # 10:00 on that day in the store's time zone (whatever the PC's zone is).
        due_at = store.at(self.ctx, self.due.date().toPython(), time(10, 0))
        for member_id in self.member_ids:
            if (
                call(
                    self,
                    ly.schedule_follow_up,
                    self.ctx,
                    member_id,
                    due_at,
                    self.assignee.text(),
                    self.purpose.text(),
                )
                is None
            ):
                return
            self.scheduled += 1
        self.accept()


class OutcomeDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, follow_up: ly.FollowUpView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("followUpOutcomeDialog")
        self.setWindowTitle(self.tr("Call with %1").replace("%1", follow_up.member.name))
        self.ctx = ctx
        self.follow_up = follow_up
        self.completed = False  # not 'done': that is QDialog.done()
        self.outcome = QLineEdit(objectName="followUpOutcome")
        self.purpose = QLineEdit(follow_up.purpose, objectName="followUpPurposeShown")
        self.purpose.setReadOnly(True)
        guest = QLabel(
            f"{follow_up.member.name}  {follow_up.member.phone_masked}  "
            f"({follow_up.member.member_no})",
            objectName="followUpMember",
        )
        guest.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.tr("Member"), guest)
        self.form.addRow(self.tr("Purpose"), self.purpose)
        self.form.addRow(self.tr("Outcome *"), self.outcome)
        self.fields["outcome"] = self.outcome

    def on_save(self) -> None:
        if (
            call(self, ly.complete_follow_up, self.ctx, self.follow_up.id, self.outcome.text())
            is not None
        ):
            self.completed = True
            self.accept()


class IssueToSelectionDialog(FormDialog):
    """Issue one campaign's coupons to the members chosen in a care list."""

    def __init__(
        self, ctx: AppContext, member_ids: list[int], kind: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("issueToSelectionDialog")
        self.setWindowTitle(
            self.tr("Issue coupons to %1 members").replace("%1", str(len(member_ids)))
        )
        self.ctx = ctx
        self.member_ids = member_ids
        self.issued: list[CouponView] = []
        self.result_issue: cs.IssuedCampaign | None = None
        self.campaign = QComboBox(objectName="careCampaign")
        self.campaign.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        campaigns = call(self, cs.list_campaigns, ctx) or []
        for c in sorted(campaigns, key=lambda c: c.kind != kind):
            self.campaign.addItem(c.name, c.id)
        self.form.addRow(self.tr("Campaign"), self.campaign)
        self.fields["campaign"] = self.campaign
        self.buttons.button(self.buttons.StandardButton.Save).setText(self.tr("Issue"))
        if not campaigns:
            self.show_error(self.tr("Create a campaign on the Coupons page (F6) first."), None)

    def on_save(self) -> None:
        if self.campaign.currentData() is None:
            return
        result = call(
            self, cs.issue_campaign, self.ctx, int(self.campaign.currentData()), self.member_ids
        )
        if result is not None:
            self.issued = result.coupons
            self.result_issue = result
            self.accept()


class PointsDialog(FormDialog):
    """Use points at the counter, or (manager) correct a balance with a reason."""

    def __init__(
        self, ctx: AppContext, member_id: int, adjust: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pointsAdjustDialog" if adjust else "pointsRedeemDialog")
        self.ctx = ctx
        self.member_id = member_id
        self.adjust = adjust
        self.new_balance: int | None = None
        self.attempt = Attempt()  # one request id per thing being saved
        have = ly.balance(ctx, member_id)
        self.setWindowTitle(
            (self.tr("Adjust points") if adjust else self.tr("Use points"))
            + " — "
            + self.tr("balance %1").replace("%1", f"{have:,}")
        )
        self.points = QSpinBox(objectName="pointsAmount")
        self.points.setRange(-1_000_000 if adjust else 1, 1_000_000)
        self.points.setValue(min(have, 100) if not adjust and have else 0)
        self.reason = QLineEdit(objectName="pointsReason")
        self.form.addRow(
            self.tr("Points (100 = ¥1)") if not adjust else self.tr("Points (+ add, − take)"),
            self.points,
        )
        self.form.addRow(self.tr("Reason *") if adjust else self.tr("Reason"), self.reason)
        self.fields.update({"points": self.points, "reason": self.reason})
        self.as_coupon = QCheckBox(
            self.tr("Give as a coupon (¥1 per 100 points)"), objectName="pointsAsCoupon"
        )
        self.issued: CouponView | None = None
        if not adjust:
            self.form.addRow("", self.as_coupon)
        # The digits typed next are the points: they replace the suggested amount.
        self.points.setFocus()
        self.points.selectAll()

    def on_save(self) -> None:
        if self.adjust:
            result = call(
                self,
                ly.adjust_points,
                self.ctx,
                self.member_id,
                self.points.value(),
                self.reason.text(),
            )
        elif self.as_coupon.isChecked():
            coupon = call(
                self,
                ly.exchange_for_coupon,
                self.ctx,
                self.member_id,
                self.points.value(),
                self.reason.text(),
            )
            if coupon is None:
                return
            self.issued = coupon
            result = ly.balance(self.ctx, self.member_id)
        else:
            points, reason = self.points.value(), self.reason.text()
            result = call(
                self,
                ly.redeem_points,
                self.ctx,
                self.member_id,
                points,
                reason,
                request_id=self.attempt.id_for(points, reason),
            )
        if result is not None:
            self.new_balance = result
            self.accept()


class SurveyDialog(FormDialog):
    """The guest's 1-5 score, entered at the counter."""

    def __init__(
        self, ctx: AppContext, member_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("surveyDialog")
        self.setWindowTitle(self.tr("How was your visit?"))
        self.ctx = ctx
        self.member_id = member_id
        self.saved = False
        self.scores = ScoreButtons("surveyScore", ["★" * score for score in range(1, 6)])
        self.group = self.scores.group
        self.comment = QLineEdit(objectName="surveyComment")
        self.form.addRow(self.tr("Score"), self.scores)
        self.form.addRow(self.tr("Comment"), self.comment)

    def on_save(self) -> None:
        if self.group.checkedId() < 1:
            self.show_error(self.tr("Please choose a score from 1 to 5."), None)
            return
        if (
            call(
                self,
                ly.record_survey,
                self.ctx,
                self.group.checkedId(),
                self.comment.text(),
                self.member_id,
            )
            is not None
        ):
            self.saved = True
            self.accept()
