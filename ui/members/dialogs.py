"""Forms: new/edit member and record a visit."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app import loyalty, members
from app import staff as staff_service
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.core.money import parse_amount
from app.members import MemberInput, MemberProfile, VisitRow
from ui.actions import Attempt, call, error_text
from ui.forms import FormDialog


class MemberDialog(FormDialog):
    """New member (profile is None) or edit an existing one."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, profile: MemberProfile | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("memberDialog")
        self.ctx = ctx
        self.profile = profile
        self.result_profile: MemberProfile | None = None
        self.setWindowTitle(self.tr("Edit member") if profile else self.tr("New member"))
        self.setMinimumWidth(520)
        self.name = QLineEdit(objectName="memberNameEdit")
        self.phone = QLineEdit(objectName="memberPhoneEdit")
        self.phone.setPlaceholderText(self.tr("11-digit mobile, e.g. 13800138000"))
        self.gender = QComboBox(objectName="memberGenderEdit")
        for label, value in (
            (self.tr("Not given"), ""),
            (self.tr("Female"), "F"),
            (self.tr("Male"), "M"),
        ):
            self.gender.addItem(label, value)
        self.birthday = QLineEdit(objectName="memberBirthdayEdit")
        self.birthday.setPlaceholderText(self.tr("e.g. 1990-05-21"))
        self.card = QLineEdit(objectName="memberCardEdit")
        self.card.setPlaceholderText(self.tr("scan the card, or leave empty"))
        self.tags = QLineEdit(objectName="memberTagsEdit")
        self.tags.setPlaceholderText(self.tr("separate with commas"))
        self.preferences = QPlainTextEdit(objectName="memberPreferencesEdit")
        self.preferences.setTabChangesFocus(True)
        self.preferences.setFixedHeight(60)
        self.allergies = QLineEdit(objectName="memberAllergiesEdit")
        self.notes = QPlainTextEdit(objectName="memberNotesEdit")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        rows = [
            (self.tr("Name *"), self.name, "name"),
            (self.tr("Phone *"), self.phone, "phone"),
            (self.tr("Gender"), self.gender, "gender"),
            (self.tr("Birthday"), self.birthday, "birthday"),
            (self.tr("Card no."), self.card, "card_no"),
            (self.tr("Tags"), self.tags, "tags"),
            (self.tr("Preferences"), self.preferences, "preferences"),
            (self.tr("Allergies"), self.allergies, "allergies"),
            (self.tr("Notes"), self.notes, "notes"),
        ]
        self.add_rows(rows)
        if profile:
            self.name.setText(profile.name)
            self.phone.setText(profile.phone)
            self.gender.setCurrentIndex(max(0, self.gender.findData(profile.gender)))
            self.birthday.setText(profile.birthday.isoformat() if profile.birthday else "")
            self.card.setText(profile.card_no or "")
            self.tags.setText(", ".join(profile.tags))
            self.preferences.setPlainText(profile.preferences)
            self.allergies.setText(profile.allergies)
            self.notes.setPlainText(profile.notes)
        self.name.setFocus()

    def member_input(self) -> MemberInput:
        tags = self.tags.text().replace("，", ",").replace("；", ",").replace(";", ",")
        return MemberInput(
            name=self.name.text(),
            phone=self.phone.text(),
            gender=str(self.gender.currentData()),
            birthday=members.parse_birthday(self.birthday.text()),
            card_no=self.card.text() or None,
            preferences=self.preferences.toPlainText(),
            allergies=self.allergies.text(),
            notes=self.notes.toPlainText(),
            tags=tuple(t.strip() for t in tags.split(",") if t.strip()),
        )

    def on_save(self) -> None:
        try:
            data = self.member_input()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        if self.profile is None:
            result = call(self, members.create_member, self.ctx, data)
        else:
            result = call(self, members.update_member, self.ctx, self.profile.id, data)
        if result is not None:
            self.result_profile = result
            self.accept()


class VisitDialog(FormDialog):
    """Record a visit or purchase for one member."""

    def __init__(
        self,
        ctx: AppContext,
        profile: MemberProfile,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("visitDialog")
        self.ctx = ctx
        self.profile = profile
        self.result_visit: VisitRow | None = None
        self.attempt = Attempt()  # one request id per thing being saved
        self.setWindowTitle(self.tr("Record visit — %1").replace("%1", profile.name))
        self.setMinimumWidth(420)
        self.amount = QLineEdit(objectName="visitAmountEdit")
        self.amount.setPlaceholderText(self.tr("amount in yuan, e.g. 128.50"))
        self.items = QLineEdit(objectName="visitItemsEdit")
        self.items.setPlaceholderText(self.tr("what was served, e.g. 搓澡、足疗"))
        # Who served the guest: the signed-in person unless another is chosen (the visit is
        # recorded as entered by whoever is signed in either way).
        self.staff = QComboBox(objectName="visitStaffEdit")
        names = call(self, staff_service.team, ctx) or []
        for name in dict.fromkeys([ctx.actor, *names]):
            self.staff.addItem(name)
        self.add_rows(
            (
                (self.tr("Amount (¥) *"), self.amount, "amount"),
                (self.tr("Items"), self.items, "items"),
                (self.tr("Served by"), self.staff, "staff"),
            )
        )
        tier = next((t for t in loyalty.list_tiers(ctx) if t.code == profile.tier), None)
        if tier is not None and tier.discount_percent:
            benefit = QLabel(
                self.tr("%1 member: %2% off")
                .replace("%1", tier.name)
                .replace("%2", str(tier.discount_percent))
            )
            benefit.setObjectName("visitTierBenefit")
            benefit.setStyleSheet("color: #0a7d32; font-weight: bold;")
            self.form.insertRow(0, benefit)
        if profile.allergies:
            warning = QLabel(self.tr("Allergies: %1").replace("%1", profile.allergies))
            warning.setObjectName("profileAllergies")
            self.form.insertRow(0, warning)
        self.amount.setFocus()

    def on_save(self) -> None:
        try:
            cents = parse_amount(self.amount.text())
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        items, staff = self.items.text(), self.staff.currentText()
        result = call(
            self,
            members.record_visit,
            self.ctx,
            self.profile.id,
            cents,
            items,
            staff,
            request_id=self.attempt.id_for(cents, items, staff),
        )
        if result is not None:
            self.attempt.done()
            self.result_visit = result
            self.accept()
