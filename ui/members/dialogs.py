"""Forms: new/edit member and record a visit."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app import coupons, loyalty, members
from app import prepaid as pp
from app import staff as staff_service
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.core.money import parse_amount
from app.members import MemberInput, MemberProfile
from ui.actions import Attempt, call, error_text
from ui.format import money
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
    """Record a visit or purchase for one member, paid at the counter: a coupon scanned
    first, then (an open card) part or all of the rest from the card; what is left is paid
    by other means. Saved in one go by prepaid.checkout: all of it, or nothing."""

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
        self.result_checkout: pp.Checkout | None = None
        self.attempt = Attempt()  # one request id per thing being saved
        self.setWindowTitle(self.tr("Record visit — %1").replace("%1", profile.name))
        self.setMinimumWidth(460)
        self.amount = QLineEdit(objectName="visitAmountEdit")
        self.amount.setPlaceholderText(self.tr("amount in yuan, e.g. 128.50"))
        self.items = QLineEdit(objectName="visitItemsEdit")
        self.items.setPlaceholderText(self.tr("what was served, e.g. 搓澡、足疗"))
        self.coupon = QLineEdit(objectName="visitCouponEdit")
        self.coupon.setPlaceholderText(self.tr("scan or type a coupon, or leave empty"))
        self.coupon_note = QLabel(objectName="visitCouponNote")
        self.coupon_note.setWordWrap(True)
        self.coupon_note.hide()
        card = call(self, pp.card, ctx, profile.id)
        self.card_open = card is not None and card.status == "open"
        self.from_card = QLineEdit(self, objectName="visitFromCardEdit")
        self.from_card.setPlaceholderText(self.tr("0 = none"))
        self.from_card_edited = False  # auto-filled until the user types in it
        self.from_card.textEdited.connect(self._on_from_card_edited)
        self.to_pay = QLabel(objectName="visitToPay")
        self.to_pay.setStyleSheet("font-weight: bold;")
        # Who served the guest: the signed-in person unless another is chosen (the visit is
        # recorded as entered by whoever is signed in either way).
        self.staff = QComboBox(objectName="visitStaffEdit")
        names = call(self, staff_service.team, ctx) or []
        for name in dict.fromkeys([ctx.actor, *names]):
            self.staff.addItem(name)
        rows: list[tuple[str, QWidget, str]] = [
            (self.tr("Amount (¥) *"), self.amount, "amount"),
            (self.tr("Items"), self.items, "items"),
            (self.tr("Coupon"), self.coupon, "coupon"),
        ]
        if self.card_open and card is not None:
            rows.append(
                (
                    self.tr("From card (¥, balance %1)").replace("%1", money(card.balance_cents)),
                    self.from_card,
                    "from_card",
                )
            )
        rows.append((self.tr("Served by"), self.staff, "staff"))
        self.add_rows(rows)
        self.form.insertRow(3, "", self.coupon_note)
        self.form.addRow(self.tr("To pay by other means"), self.to_pay)
        if not self.card_open:
            self.from_card.hide()
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
        self.amount.textChanged.connect(self.update_quote)
        self.coupon.textChanged.connect(self.update_quote)
        self.from_card.textChanged.connect(self._show_to_pay)
        self.quote: pp.CheckoutQuote | None = None
        self.update_quote()
        self.amount.setFocus()

    @Slot(str)
    def _on_from_card_edited(self, _text: str) -> None:
        self.from_card_edited = True

    def _coupon_code(self) -> str | None:
        """The coupon typed, once it is a whole code (a scanner types it a key at a time;
        Save says what is wrong with a code that never became whole)."""
        text = self.coupon.text().strip()
        if not text or coupons.is_coupon_code(self.ctx, text):
            return text or None
        problem = coupons.code_problem(self.ctx, text)
        if problem is not None:
            raise problem
        return None

    @Slot()
    def update_quote(self) -> None:
        """What the coupon takes off and what the card would pay, as the fields change."""
        self.coupon_note.hide()
        try:
            bill = parse_amount(self.amount.text()) if self.amount.text().strip() else 0
        except FrontdeskError:
            self.quote = None
            self._show_to_pay()
            return
        try:
            code = self._coupon_code()
            self.quote = pp.checkout_quote(self.ctx, self.profile.id, bill, code)
        except FrontdeskError as exc:
            self.quote = pp.checkout_quote(self.ctx, self.profile.id, bill)
            if self.coupon.text().strip():
                self.coupon_note.setText(error_text(exc))
                self.coupon_note.setStyleSheet("color: #b00020;")
                self.coupon_note.show()
        else:
            if self.quote.discount_cents:
                self.coupon_note.setText(
                    self.tr("Coupon: %1 off").replace("%1", money(self.quote.discount_cents))
                )
                self.coupon_note.setStyleSheet("color: #0a7d32; font-weight: bold;")
                self.coupon_note.show()
        if self.card_open and not self.from_card_edited:
            suggested = self.quote.suggested_from_card_cents
            self.from_card.setText(f"{suggested / 100:.2f}" if suggested else "")
        self._show_to_pay()

    def _from_card_cents(self) -> int:
        if not self.card_open or not self.from_card.text().strip():
            return 0
        return parse_amount(self.from_card.text(), "from_card")

    @Slot()
    def _show_to_pay(self) -> None:
        if self.quote is None:
            self.to_pay.setText("—")
            return
        try:
            from_card = self._from_card_cents()
        except FrontdeskError:
            self.to_pay.setText("—")
            return
        self.to_pay.setText(money(self.quote.due_cents - from_card))

    def on_save(self) -> None:
        try:
            cents = parse_amount(self.amount.text())
            from_card = self._from_card_cents()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        items, staff = self.items.text(), self.staff.currentText()
        code = self.coupon.text().strip() or None
        result = call(
            self,
            pp.checkout,
            self.ctx,
            self.profile.id,
            cents,
            items,
            staff,
            coupon_code=code,
            from_card_cents=from_card,
            request_id=self.attempt.id_for(cents, items, staff, code, from_card),
        )
        if result is not None:
            self.attempt.done()
            self.result_checkout = result
            self.accept()
