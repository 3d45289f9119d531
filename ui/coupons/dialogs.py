"""Forms for coupons: a single coupon, a campaign, issuing a campaign, voiding."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, QDate, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from app import coupons as cs
from app import members
from app.core import store
from app.core.context import AppContext
from app.core.errors import FrontdeskError, ValidationError
from app.core.money import parse_amount
from app.coupons import CampaignView, CouponTerms, CouponView
from ui.actions import call, error_text
from ui.coupons import labels
from ui.forms import FormDialog


class TermsFields:
    """The fields that say what a coupon gives; shared by the coupon and campaign forms."""

    def __init__(self, dialog: FormDialog) -> None:
        self.kind = QComboBox(objectName="couponKind")
        for code, text in labels.kinds().items():
            self.kind.addItem(text, code)
        self.value = QLineEdit(objectName="couponValue")
        self.item = QLineEdit(objectName="couponItem")
        self.item.setPlaceholderText(QCoreApplication.translate("TermsFields", "e.g. 足疗 60 分钟"))
        self.min_spend = QLineEdit("0", objectName="couponMinSpend")
        self.days = QSpinBox(objectName="couponDays")
        self.days.setRange(1, 3660)
        self.days.setValue(30)
        self.days.setSuffix(QCoreApplication.translate("TermsFields", " days"))
        self.value_label = QLabel()
        dialog.add_rows(
            (
                (QCoreApplication.translate("TermsFields", "Coupon gives"), self.kind, "kind"),
                (self.value_label, self.value, "value"),
                (QCoreApplication.translate("TermsFields", "Free item"), self.item, "item"),
                (
                    QCoreApplication.translate("TermsFields", "Minimum bill (¥)"),
                    self.min_spend,
                    "min_spend",
                ),
                (QCoreApplication.translate("TermsFields", "Valid for"), self.days, "valid_days"),
            )
        )
        self.kind.currentIndexChanged.connect(self.on_kind)
        self.on_kind()

    @Slot()
    def on_kind(self) -> None:
        kind = self.kind.currentData()
        self.value_label.setText(
            QCoreApplication.translate("TermsFields", "Amount off (¥)")
            if kind == "amount"
            else QCoreApplication.translate("TermsFields", "Percent off (%)")
        )
        self.value.setEnabled(kind != "item")
        self.item.setEnabled(kind == "item")

    def terms(self) -> CouponTerms:
        kind = str(self.kind.currentData())
        if kind == "amount":
            value = parse_amount(self.value.text(), "value")
        elif kind == "percent":
            try:
                value = int(self.value.text().strip().rstrip("%"))
            except ValueError:
                raise ValidationError("coupon.percent", field="value") from None
        else:
            value = 0
        return CouponTerms(
            kind,
            value,
            self.item.text(),
            parse_amount(self.min_spend.text() or "0", "min_spend"),
            self.days.value(),
        ).validated()


class CouponDialog(FormDialog):
    """One coupon at the counter: for a member (member no., card or phone) or the bearer;
    from a complaint it is the compensation coupon."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        member_id: int | None = None,
        complaint_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("couponDialog")
        self.setWindowTitle(
            self.tr("Compensation coupon") if complaint_id else self.tr("New coupon")
        )
        self.setMinimumWidth(480)
        self.ctx = ctx
        self.complaint_id = complaint_id
        self.issued: CouponView | None = None
        self.terms = TermsFields(self)
        self.member = QLineEdit(objectName="couponMember")
        self.member.setPlaceholderText(self.tr("member no., card or phone; empty = bearer"))
        if member_id is not None:
            self.member.setText(members.get_profile(ctx, member_id).member_no)
        self.form.addRow(self.tr("For member"), self.member)
        self.fields["member"] = self.member
        self.terms.value.setFocus()

    def on_save(self) -> None:
        try:
            terms = self.terms.terms()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        member_id = None
        if self.member.text().strip():
            member_id = call(self, members.resolve_code, self.ctx, self.member.text())
            if member_id is None:
                self.show_error(self.tr("No member with that number, card or phone."), "member")
                return
        if self.complaint_id is not None:
            result = call(self, cs.issue_compensation, self.ctx, self.complaint_id, terms)
        else:
            result = call(self, cs.issue_coupon, self.ctx, terms, member_id)
        if result is not None:
            self.issued = result
            self.accept()


class CampaignDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaignDialog")
        self.setWindowTitle(self.tr("New campaign"))
        self.setMinimumWidth(480)
        self.ctx = ctx
        self.created: CampaignView | None = None
        self.kind = QComboBox(objectName="campaignKind")
        for code, text in labels.campaign_kinds().items():
            if code != "adhoc":
                self.kind.addItem(text, code)
        self.name = QLineEdit(objectName="campaignName")
        self.name.setPlaceholderText(self.tr("e.g. 十一月生日礼"))
        self.form.addRow(self.tr("Campaign"), self.kind)
        self.form.addRow(self.tr("Name *"), self.name)
        self.fields.update({"kind": self.kind, "name": self.name})
        self.terms = TermsFields(self)
        self.limit = QSpinBox(objectName="campaignLimit")
        self.limit.setRange(0, 1_000_000)
        self.limit.setSpecialValueText(self.tr("no limit"))
        self.form.addRow(self.tr("At most (coupons)"), self.limit)
        self.fields["max_coupons"] = self.limit
        self.name.setFocus()

    def on_save(self) -> None:
        try:
            terms = self.terms.terms()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        result = call(
            self,
            cs.create_campaign,
            self.ctx,
            str(self.kind.currentData()),
            self.name.text(),
            terms,
            self.limit.value() or None,
        )
        if result is not None:
            self.created = result
            self.accept()


class IssueCampaignDialog(FormDialog):
    """Who gets the campaign's coupons: birthdays in a window, lapsing members, or a list."""

    def __init__(
        self, ctx: AppContext, campaign: CampaignView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("issueCampaignDialog")
        self.setWindowTitle(self.tr("Issue coupons — %1").replace("%1", campaign.name))
        self.setMinimumWidth(520)
        self.ctx = ctx
        self.campaign = campaign
        self.issued: list[CouponView] = []
        self.result_issue: cs.IssuedCampaign | None = None
        today = store.today(ctx)
        self.group = QButtonGroup(self)
        self.by_birthday = QRadioButton(self.tr("Birthdays from"), objectName="audienceBirthday")
        self.by_lapse = QRadioButton(self.tr("No visit for"), objectName="audienceLapsed")
        self.by_list = QRadioButton(self.tr("These members"), objectName="audienceList")
        for i, button in enumerate((self.by_birthday, self.by_lapse, self.by_list)):
            self.group.addButton(button, i)
        self.start = QDateEdit(QDate(today.year, today.month, today.day), objectName="bdayStart")
        end = today + timedelta(days=7)
        self.end = QDateEdit(QDate(end.year, end.month, end.day), objectName="bdayEnd")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.days = QSpinBox(objectName="lapseDays")
        self.days.setRange(1, 3650)
        self.days.setValue(60)
        self.days.setSuffix(self.tr(" days without a visit"))
        self.list = QLineEdit(objectName="audienceMembers")
        self.list.setPlaceholderText(self.tr("member nos., cards or phones, comma separated"))
        row1 = QHBoxLayout()
        row1.addWidget(self.by_birthday)
        row1.addWidget(self.start)
        row1.addWidget(QLabel(self.tr("to")))
        row1.addWidget(self.end)
        row2 = QHBoxLayout()
        row2.addWidget(self.by_lapse)
        row2.addWidget(self.days)
        row3 = QHBoxLayout()
        row3.addWidget(self.by_list)
        row3.addWidget(self.list, 1)
        for row in (row1, row2, row3):
            self.form.addRow(row)
        self.preview = QLabel(objectName="audiencePreview")
        self.preview.setWordWrap(True)
        self.form.addRow(self.preview)
        default = {"birthday": self.by_birthday, "winback": self.by_lapse}.get(
            campaign.kind, self.by_list
        )
        default.setChecked(True)
        self.group.idToggled.connect(lambda *_: self.update_preview())
        # Changing an option's own field chooses that option.
        self.start.dateChanged.connect(lambda *_: self.by_birthday.setChecked(True))
        self.end.dateChanged.connect(lambda *_: self.by_birthday.setChecked(True))
        self.days.valueChanged.connect(lambda *_: self.by_lapse.setChecked(True))
        self.list.textEdited.connect(lambda *_: self.by_list.setChecked(True))
        for signal in (
            self.start.dateChanged,
            self.end.dateChanged,
            self.days.valueChanged,
            self.list.textChanged,
        ):
            signal.connect(lambda *_: self.update_preview())
        self.buttons.button(self.buttons.StandardButton.Save).setText(self.tr("Issue"))
        self.update_preview()

    def audience(self) -> list[int]:
        if self.by_birthday.isChecked():
            s, e = self.start.date(), self.end.date()
            return cs.birthday_members(
                self.ctx, date(s.year(), s.month(), s.day()), date(e.year(), e.month(), e.day())
            )
        if self.by_lapse.isChecked():
            return cs.lapsed_members(self.ctx, self.days.value())
        ids: list[int] = []
        for part in self.list.text().replace("，", ",").split(","):
            if part.strip():
                found = members.resolve_code(self.ctx, part)
                if found is None:
                    raise ValidationError(
                        "member.not_found", field="members", member_id=part.strip()
                    )
                ids.append(found)
        return ids

    @Slot()
    def update_preview(self) -> None:
        try:
            count = len(self.audience())
        except FrontdeskError as exc:
            self.preview.setText(error_text(exc))
            return
        self.preview.setText(
            self.tr(
                "%1 members will get a coupon (members who already have theirs are skipped)."
            ).replace("%1", str(count))
        )

    def on_save(self) -> None:
        try:
            ids = self.audience()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), None)
            return
        result = call(self, cs.issue_campaign, self.ctx, self.campaign.id, ids)
        if result is None:
            return
        if not result.coupons:  # nothing done: say why, and stay
            self.show_error(labels.issued_text(result), None)
            return
        self.issued = result.coupons
        self.result_issue = result
        self.accept()


class VoidDialog(FormDialog):
    def __init__(self, ctx: AppContext, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voidCouponDialog")
        self.setWindowTitle(self.tr("Void coupon"))
        self.ctx = ctx
        self.voided: CouponView | None = None
        self.code = QLineEdit(code, objectName="voidCode")
        self.reason = QLineEdit(objectName="voidReason")
        self.add_rows(
            (
                (self.tr("Code"), self.code, "code"),
                (self.tr("Reason *"), self.reason, "note"),
            )
        )
        self.buttons.button(self.buttons.StandardButton.Save).setText(self.tr("Void"))
        (self.reason if code.strip() else self.code).setFocus()

    def on_save(self) -> None:
        result = call(self, cs.void, self.ctx, self.code.text(), self.reason.text())
        if result is not None:
            self.voided = result
            self.accept()
