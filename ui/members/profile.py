"""A member's profile: who they are, what they like, what they spent."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import complaints, loyalty, members
from app import coupons as coupon_service
from app import prepaid as pp
from app.core import settings as st
from app.core import store
from app.core.context import AppContext
from app.members import MemberProfile
from ui import bus
from ui.actions import ask, call, warn
from ui.bus import Changes
from ui.care.dialogs import PointsDialog, SurveyDialog
from ui.complaints.models import MemberComplaintsModel
from ui.coupons.models import MemberCouponsModel
from ui.coupons.page import deliver_pdf
from ui.format import local_date, local_datetime, money
from ui.members.card import (
    AdjustCardDialog,
    CardLedgerModel,
    RechargeDialog,
    RefundDialog,
    VoidEntryDialog,
    card_text,
    kinds,
    ledger_view,
)
from ui.members.dialogs import MemberDialog, VisitDialog
from ui.members.models import VisitTableModel
from ui.style import style_widget

_TIER_REASON = re.compile(
    r"^(upgrade|downgrade)( \(review\))?: 12 months (¥[\d,.]+), (\d+) visits$"
)


def tier_reason(text: str) -> str:
    """Why a tier changed, in the UI's language (the service writes a fixed form)."""
    m = _TIER_REASON.match(text)
    if m is None:
        return text
    words = {
        ("upgrade", False): QCoreApplication.translate(
            "profile", "Up on a visit: %1 and %2 visits in 12 months"
        ),
        ("upgrade", True): QCoreApplication.translate(
            "profile", "Up at the review: %1 and %2 visits in 12 months"
        ),
        ("downgrade", True): QCoreApplication.translate(
            "profile", "Down at the review: %1 and %2 visits in 12 months"
        ),
        ("downgrade", False): QCoreApplication.translate(
            "profile", "Down: %1 and %2 visits in 12 months"
        ),
    }
    return (
        words[(m.group(1), m.group(2) is not None)]
        .replace("%1", m.group(3))
        .replace("%2", m.group(4))
    )


def points_reason(text: str) -> str:
    """A points ledger line's reason, in the UI's language where the service wrote it."""
    if text.startswith("earned "):  # expired: when the points were earned
        return QCoreApplication.translate("profile", "earned %1").replace(
            "%1", text.removeprefix("earned ")
        )
    if text.startswith("coupon "):  # exchanged for a coupon
        code, _, why = text.removeprefix("coupon ").partition(": ")
        shown = QCoreApplication.translate("profile", "coupon %1").replace("%1", code)
        return f"{shown}: {why}" if why else shown
    return text


class MemberProfileView(QWidget):
    """Signals:
    back_requested: the user wants the search again (Esc or the Back button).
    changed(int): the member with this id was edited or got a visit.
    complaint_requested(MemberProfile): log a complaint for this member.
    coupon_issued(CouponView): points were turned into this coupon (to show and print).
    said(str): what was just done, for the status bar ("visit recorded ...").

    Attributes: deliver(path, choice, printer) prints or opens a receipt's PDF (tests
    replace it: no printer or viewer there).
    """

    back_requested = Signal()
    changed = Signal(int)
    complaint_requested = Signal(object)
    coupon_issued = Signal(object)
    said = Signal(str)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, changes: Changes | None = None
    ) -> None:
        super().__init__(parent)
        self.changes = changes if changes is not None else Changes(self)
        self.changes.changed.connect(self._on_changed)
        self.setObjectName("memberProfile")
        self.ctx = ctx
        self.profile: MemberProfile | None = None
        self.deliver = deliver_pdf

        self.name = QLabel(objectName="profileName")
        style_widget(self.name)
        self.subtitle = QLabel(objectName="profileSubtitle")
        self.status = QLabel(objectName="profileStatus")
        self.back_button = QPushButton(self.tr("← Back (Esc)"), objectName="profileBackButton")
        self.visit_button = QPushButton(
            self.tr("Record visit (F5)"), objectName="recordVisitButton"
        )
        self.edit_button = QPushButton(self.tr("Edit (F2)"), objectName="editMemberButton")
        self.active_button = QPushButton(objectName="toggleActiveButton")
        self.complaint_button = QPushButton(
            self.tr("Complaint (Ctrl+L)"), objectName="memberComplaintButton"
        )
        self.complaint_button.clicked.connect(self.on_complaint)
        self.points_button = QPushButton(self.tr("Use points (F8)"), objectName="usePointsButton")
        self.adjust_button = QPushButton(self.tr("Adjust points"), objectName="adjustPointsButton")
        self.survey_button = QPushButton(self.tr("Survey"), objectName="surveyButton")
        self.points_button.clicked.connect(lambda: self.loyalty_dialog("redeem"))
        self.adjust_button.clicked.connect(lambda: self.loyalty_dialog("adjust"))
        self.survey_button.clicked.connect(lambda: self.loyalty_dialog("survey"))
        self.back_button.clicked.connect(self.back_requested)
        self.visit_button.clicked.connect(self.on_record_visit)
        self.edit_button.clicked.connect(self.on_edit)
        self.active_button.clicked.connect(self.on_toggle_active)
        for button in (
            self.back_button,
            self.visit_button,
            self.edit_button,
            self.active_button,
            self.complaint_button,
        ):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        header = QHBoxLayout()
        title = QVBoxLayout()
        title.addWidget(self.name)
        title.addWidget(self.subtitle)
        header.addLayout(title, 1)
        header.addWidget(self.status)
        main_row, care_row = QHBoxLayout(), QHBoxLayout()
        for button in (
            self.visit_button,
            self.complaint_button,
            self.edit_button,
            self.active_button,
            self.back_button,
        ):
            main_row.addWidget(button)
        care_row.addStretch(1)
        for button in (self.points_button, self.adjust_button, self.survey_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            care_row.addWidget(button)
        button_rows = QVBoxLayout()
        button_rows.addLayout(main_row)
        button_rows.addLayout(care_row)
        header.addLayout(button_rows)

        self.values: dict[str, QLabel] = {}
        details = QGroupBox(self.tr("Details"))
        grid = QFormLayout(details)
        for key, label in (
            ("phone", self.tr("Phone")),
            ("card_no", self.tr("Card no.")),
            ("gender", self.tr("Gender")),
            ("birthday", self.tr("Birthday")),
            ("tags", self.tr("Tags")),
            ("created_at", self.tr("Member since")),
        ):
            value = QLabel(objectName=f"profile_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addRow(label + ":", value)
            self.values[key] = value

        care = QGroupBox(self.tr("Preferences and care"))
        care_grid = QFormLayout(care)
        for key, label in (
            ("allergies", self.tr("Allergies")),
            ("preferences", self.tr("Preferences")),
            ("notes", self.tr("Notes")),
        ):
            value = QLabel(objectName=f"profile_{key}")
            value.setWordWrap(True)
            care_grid.addRow(label + ":", value)
            self.values[key] = value

        totals = QGroupBox(self.tr("Spending"))
        totals_grid = QFormLayout(totals)
        for key, label in (
            ("visit_count", self.tr("Visits")),
            ("lifetime_spend", self.tr("Total spend")),
            ("average", self.tr("Average per visit")),
            ("last_visit", self.tr("Last visit")),
        ):
            value = QLabel(objectName=f"profile_{key}")
            totals_grid.addRow(label + ":", value)
            self.values[key] = value

        card_box = QGroupBox(self.tr("Stored-value card"))
        card_layout = QVBoxLayout(card_box)
        self.card_balance = QLabel(objectName="profileCardBalance")
        self.card_balance.setStyleSheet("font-size: 18pt; font-weight: bold; color: #0d47a1;")
        self.card_split = QLabel(objectName="profileCardSplit")
        self.card_split.setWordWrap(True)
        self.recharge_button = QPushButton(
            self.tr("Recharge… (Ctrl+R)"), objectName="cardRechargeButton"
        )
        self.recharge_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.recharge_button.clicked.connect(self.on_recharge)
        card_layout.addWidget(self.card_balance)
        card_layout.addWidget(self.card_split)
        card_layout.addStretch(1)
        card_layout.addWidget(self.recharge_button)

        top = QGridLayout()
        top.addWidget(details, 0, 0)
        top.addWidget(care, 0, 1)
        top.addWidget(totals, 0, 2)
        top.addWidget(card_box, 0, 3)
        top.setColumnStretch(0, 3)
        top.setColumnStretch(1, 3)
        top.setColumnStretch(2, 3)
        top.setColumnStretch(3, 3)

        self.visits_model = VisitTableModel(self)
        self.visits_view = QTableView(objectName="visitHistoryView")
        self.visits_view.setModel(self.visits_model)
        self.visits_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.visits_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.visits_view.setAlternatingRowColors(True)
        self.visits_view.verticalHeader().hide()
        self.visits_view.horizontalHeader().setSectionResizeMode(
            VisitTableModel.COL_ITEMS, QHeaderView.ResizeMode.Stretch
        )
        self.visits_view.setColumnWidth(VisitTableModel.COL_TIME, 160)
        self.visits_view.setColumnWidth(VisitTableModel.COL_AMOUNT, 110)

        self.complaints_model = MemberComplaintsModel(self)
        self.complaints_view = QTableView(objectName="memberComplaintsView")
        self.complaints_view.setModel(self.complaints_model)
        self.complaints_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.complaints_view.verticalHeader().hide()
        self.complaints_view.horizontalHeader().setStretchLastSection(True)
        self.complaints_view.setColumnWidth(MemberComplaintsModel.COL_LOGGED, 150)

        tabs = QTabWidget(objectName="profileTabs")
        tabs.addTab(self.visits_view, self.tr("Visit history"))
        tabs.addTab(self.complaints_view, self.tr("Complaints"))
        self.coupons_model = MemberCouponsModel(self)
        self.coupons_view = QTableView(objectName="memberCouponsView")
        self.coupons_view.setModel(self.coupons_model)
        self.coupons_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.coupons_view.verticalHeader().hide()
        self.coupons_view.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((150, 220, 90, 210)):
            self.coupons_view.setColumnWidth(col, width)
        tabs.addTab(self.coupons_view, self.tr("Coupons"))
        self.loyalty_view = QTextBrowser(objectName="profileLoyalty")
        tabs.addTab(self.loyalty_view, self.tr("Points and tier"))
        # The card's ledger, with what may be done to one entry or the card.
        self.card_model = CardLedgerModel(self)
        self.card_view = ledger_view(self.card_model, "cardLedgerView")
        self.card_buttons: dict[str, QPushButton] = {}
        card_row = QHBoxLayout()
        for name, text, slot in (
            ("cardReceiptButton", self.tr("Print receipt"), self.on_print_selected),
            ("cardVoidButton", self.tr("Void entry…"), self.on_void_entry),
            ("cardRevealIdButton", self.tr("Show ID number"), self.on_reveal_id),
            ("cardAdjustButton", self.tr("Adjust…"), self.on_adjust_card),
            ("cardRefundButton", self.tr("Refund card…"), self.on_refund),
        ):
            button = QPushButton(text, objectName=name)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(slot)
            card_row.addWidget(button)
            self.card_buttons[name] = button
            if name == "cardReceiptButton":
                card_row.addStretch(1)
        card_page = QWidget(objectName="cardLedgerPage")
        card_page_layout = QVBoxLayout(card_page)
        card_page_layout.setContentsMargins(0, 0, 0, 0)
        card_page_layout.addWidget(self.card_view, 1)
        card_page_layout.addLayout(card_row)
        self.card_tab = tabs.addTab(card_page, self.tr("Stored-value card"))
        self.tabs = tabs

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(top)
        layout.addWidget(tabs, 1)

    @Slot(str, int, object)
    def _on_changed(self, topic: str, member_id: int, source: object) -> None:
        """Something of the member shown changed on another page (a coupon redeemed, a
        complaint logged for them): the profile shows it at once."""
        if source is self or self.profile is None or topic == bus.SETTINGS:
            return
        if member_id in (0, self.profile.id):
            self.refresh()

    def show_member(self, member_id: int) -> bool:
        profile = call(self, members.get_profile, self.ctx, member_id)
        if profile is None:
            return False
        self._show(profile)
        return True

    def clear(self) -> None:
        self.profile = None
        self.name.clear()
        self.subtitle.clear()
        self.status.clear()
        for value in self.values.values():
            value.clear()
        self.visits_model.set_loader(None)
        self.complaints_model.set_rows([])
        self.coupons_model.load([], store.today(self.ctx))
        self.loyalty_view.clear()
        self.card_model.set_rows([])
        self.card_balance.clear()
        self.card_split.clear()

    def refresh(self) -> None:
        if self.profile is not None:
            self.show_member(self.profile.id)

    def _show(self, p: MemberProfile) -> None:
        self.profile = p
        self.name.setText(p.name)
        tier_names = {t.code: t.name for t in loyalty.list_tiers(self.ctx)}
        self.subtitle.setText(
            self.tr("Member no. %1 · tier %2 · %3 points")
            .replace("%1", p.member_no)
            .replace("%2", tier_names.get(p.tier, p.tier))
            .replace("%3", f"{p.points_balance:,}")
        )
        self.status.setText("" if p.active else self.tr("Deactivated"))
        self.status.setStyleSheet("color: #b00020; font-weight: bold;")
        self.active_button.setText(self.tr("Deactivate") if p.active else self.tr("Reactivate"))
        self.visit_button.setEnabled(p.active)
        genders = {"F": self.tr("Female"), "M": self.tr("Male"), "": self.tr("Not given")}
        avg = p.lifetime_spend_cents // p.visit_count if p.visit_count else 0
        texts = {
            "phone": p.phone,
            "card_no": p.card_no or "—",
            "gender": genders.get(p.gender, ""),
            "birthday": local_date(p.birthday) or "—",
            "tags": "、".join(p.tags) or "—",
            "created_at": local_datetime(p.created_at),
            "allergies": p.allergies or self.tr("None recorded"),
            "preferences": p.preferences or "—",
            "notes": p.notes or "—",
            "visit_count": str(p.visit_count),
            "lifetime_spend": money(p.lifetime_spend_cents),
            "average": money(avg),
            "last_visit": local_datetime(p.last_visit_at) or self.tr("never"),
        }
        for key, text in texts.items():
            self.values[key].setText(text)
        # Red only when there is something to watch out for.
        self.values["allergies"].setStyleSheet(
            "color: #b00020; font-weight: bold;" if p.allergies else "color: #666;"
        )
        member_id = p.id
        history = call(self, complaints.member_complaints, self.ctx, member_id) or []
        self.complaints_model.set_rows(history)
        self.tabs.setTabText(1, self.tr("Complaints (%1)").replace("%1", str(len(history))))
        held = call(self, coupon_service.member_coupons, self.ctx, member_id) or []
        today = store.today(self.ctx)
        self.coupons_model.load(held, today)
        usable = sum(1 for c in held if c.state(today) == "valid")
        self.tabs.setTabText(2, self.tr("Coupons (%1 usable)").replace("%1", str(usable)))
        self.loyalty_view.setHtml(self._loyalty_html(member_id, tier_names))
        self.visits_model.set_loader(
            lambda offset, limit: members.list_visits(self.ctx, member_id, limit, offset)
        )
        self._show_card(p)

    def _show_card(self, p: MemberProfile) -> None:
        card = call(self, pp.card, self.ctx, p.id) or pp.CardView(p.id, 0, 0, "none")
        balance, split = card_text(card)
        self.card_balance.setText(balance)
        self.card_split.setText(split)
        self.recharge_button.setEnabled(p.active)
        self.card_model.set_rows(call(self, pp.entries, self.ctx, p.id) or [])
        self.tabs.setTabText(
            self.card_tab,
            self.tr("Stored-value card (%1)").replace("%1", balance)
            if card.status == "open"
            else self.tr("Stored-value card"),
        )
        # What a manager may do; the services refuse everyone else anyway.
        who = self.ctx.staff
        may = who.may if who is not None else (lambda _p: self.ctx.system)
        for name, permission in (
            ("cardVoidButton", "prepaid.void"),
            ("cardRevealIdButton", "prepaid.id_view"),
            ("cardAdjustButton", "prepaid.adjust"),
            ("cardRefundButton", "prepaid.refund"),
        ):
            self.card_buttons[name].setVisible(may(permission))
        for name in ("cardAdjustButton", "cardRefundButton"):
            self.card_buttons[name].setEnabled(card.status == "open")

    @Slot()
    def on_record_visit(self) -> None:
        if self.profile is None or not self.profile.active:
            return
        dialog = VisitDialog(self.ctx, self.profile, self)
        dialog.finished.connect(lambda _r: self._after_visit(dialog))
        dialog.open()

    def _after_visit(self, dialog: VisitDialog) -> None:
        done = dialog.result_checkout
        if done is None or self.profile is None:
            return
        name, member_id = self.profile.name, self.profile.id
        self._after_dialog(True)
        self.changes.tell(bus.VISITS, member_id, self)
        if done.coupon_code:
            self.changes.tell(bus.COUPONS, member_id, self)
        text = (
            self.tr("Visit recorded: %1, %2.")
            .replace("%1", name)
            .replace("%2", money(done.bill_cents - done.discount_cents))
        )
        if done.discount_cents:
            text += " " + self.tr("Coupon %1 off.").replace("%1", money(done.discount_cents))
        if done.from_card_cents:
            text += " " + (
                self.tr("%1 from the card (%2 left).")
                .replace("%1", money(done.from_card_cents))
                .replace("%2", money(done.principal_after + done.bonus_after))
            )
        text += " " + self.tr("To pay by other means: %1.").replace("%1", money(done.to_pay_cents))
        self.said.emit(text)

    # --- the stored-value card ---------------------------------------------------------------

    def selected_entry(self) -> pp.EntryView | None:
        index = self.card_view.currentIndex()
        return self.card_model.row_at(index.row()) if index.isValid() else None

    @Slot()
    def on_recharge(self) -> RechargeDialog | None:
        if self.profile is None or not self.profile.active:
            return None
        dialog = RechargeDialog(self.ctx, self.profile, self)
        dialog.finished.connect(lambda _r: self._after_card(dialog.result_entry, True))
        dialog.open()
        return dialog

    @Slot()
    def on_refund(self) -> RefundDialog | None:
        if self.profile is None:
            return None
        if self.ctx.staff is not None and not self.ctx.staff.may("prepaid.refund"):
            warn(self, self.tr("Refunding a card is a manager's."))  # (Ctrl+Shift+R)
            return None
        dialog = RefundDialog(self.ctx, self.profile, self)
        dialog.finished.connect(lambda _r: self._after_card(dialog.result_entry, True))
        dialog.open()
        return dialog

    @Slot()
    def on_adjust_card(self) -> AdjustCardDialog | None:
        if self.profile is None:
            return None
        dialog = AdjustCardDialog(self.ctx, self.profile, self)
        dialog.finished.connect(lambda _r: self._after_card(dialog.result_entry, False))
        dialog.open()
        return dialog

    @Slot()
    def on_void_entry(self) -> VoidEntryDialog | None:
        entry = self.selected_entry()
        if entry is None:
            warn(self, self.tr("Choose the entry to void in the list first."))
            return None
        dialog = VoidEntryDialog(self.ctx, entry, self)
        dialog.finished.connect(lambda _r: self._after_card(dialog.result_entry, False))
        dialog.open()
        return dialog

    @Slot()
    def on_reveal_id(self) -> QMessageBox | None:
        """The buyer's whole ID number, for a manager (every look is audited)."""
        entry = self.selected_entry()
        if entry is None:
            warn(self, self.tr("Choose a recharge with an ID number in the list first."))
            return None
        number = call(self, pp.reveal_buyer_id, self.ctx, entry.id)
        if number is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Buyer's ID number"),
            self.tr("%1, entry no. %2:")
            .replace("%1", entry.buyer_name)
            .replace("%2", f"{entry.id:06d}")
            + "\n"
            + number,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("buyerIdBox")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        return box

    @Slot()
    def on_print_selected(self) -> str | None:
        entry = self.selected_entry()
        if entry is None:
            warn(self, self.tr("Choose the entry to print in the list first."))
            return None
        return self.print_receipt(entry.id)

    def _after_card(self, entry: pp.EntryView | None, offer_receipt: bool) -> None:
        if entry is None or self.profile is None:
            return
        self._after_dialog(True)
        self.changes.tell(bus.VISITS, entry.member_id, self)
        words = kinds()
        self.said.emit(
            self.tr("%1 saved: %2. Card balance %3.")
            .replace("%1", words.get(entry.kind, entry.kind))
            .replace(
                "%2", money(entry.cash_cents if entry.kind == "refund" else entry.amount_cents)
            )
            .replace("%3", money(entry.principal_after + entry.bonus_after))
        )
        if offer_receipt:
            self.offer_receipt(entry)

    def offer_receipt(self, entry: pp.EntryView) -> QMessageBox:
        """After money changed hands: a receipt for the guest? (Yes is the default.)"""
        words = kinds()
        return ask(
            self,
            "offerReceipt",
            self.tr("Receipt"),
            self.tr("%1 of %2 saved. Print a receipt for the guest?")
            .replace("%1", words.get(entry.kind, entry.kind))
            .replace("%2", money(entry.cash_cents)),
            lambda: self.print_receipt(entry.id),
            yes_by_default=True,
        )

    def print_receipt(self, entry_id: int) -> str | None:
        """Writes the receipt's PDF (data folder's receipts/) and prints it on the coupon
        printer, or opens it in the PDF viewer; says which in the status bar."""
        from app.prepaid import receipt  # ReportLab loads on first print, not at start-up

        path = call(self, receipt.write, self.ctx, entry_id)
        if path is None:
            return None
        printer = st.load(self.ctx).coupon_printer
        outcome = str(self.deliver(str(path), "print", printer))
        said = {
            "printed": self.tr("Receipt printed on %1.").replace("%1", printer),
            "opened": self.tr("Receipt opened in the PDF viewer to print."),
            "no_viewer": self.tr("Receipt saved as %1; no PDF viewer opens on this PC.").replace(
                "%1", str(path)
            ),
        }.get(outcome, self.tr("Receipt saved as %1.").replace("%1", str(path)))
        self.said.emit(said)
        return outcome

    def _loyalty_html(self, member_id: int, tier_names: dict[str, str]) -> str:
        kinds = {
            "earn": self.tr("earned"),
            "redeem": self.tr("used"),
            "adjust": self.tr("adjusted"),
            "expire": self.tr("expired"),
        }
        changes = "".join(
            f"<tr><td>{local_datetime(c.at)}</td><td>{tier_names.get(c.from_tier, c.from_tier)}"
            f" → <b>{tier_names.get(c.to_tier, c.to_tier)}</b></td>"
            f"<td>{html.escape(tier_reason(c.reason))}</td></tr>"
            for c in loyalty.tier_history(self.ctx, member_id)
        )
        lines = "".join(
            f"<tr><td>{local_datetime(e.at)}</td><td>{kinds.get(e.kind, e.kind)}</td>"
            f"<td align='right'>{e.points:+,}</td><td>{html.escape(points_reason(e.reason))}</td>"
            f"<td>{html.escape(e.staff)}</td></tr>"
            for e in loyalty.points_history(self.ctx, member_id, 50)
        )
        title_tiers, title_points = self.tr("Tier changes"), self.tr("Points ledger")
        return (
            f"<h4>{title_tiers}</h4><table cellpadding='3'>{changes}</table>"
            f"<h4>{title_points}</h4><table cellpadding='3'>{lines}</table>"
        )

    def loyalty_dialog(self, which: str) -> QDialog | None:
        if self.profile is None:
            return None
        dialog: QDialog
        if which == "survey":
            dialog = SurveyDialog(self.ctx, self.profile.id, self)
        else:
            points = PointsDialog(self.ctx, self.profile.id, which == "adjust", self)
            points.finished.connect(
                lambda _r: self.coupon_issued.emit(points.issued) if points.issued else None
            )
            dialog = points
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    @Slot()
    def on_complaint(self) -> None:
        if self.profile is not None:
            self.complaint_requested.emit(self.profile)

    @Slot()
    def on_edit(self) -> None:
        if self.profile is None:
            return
        dialog = MemberDialog(self.ctx, self, self.profile)
        dialog.finished.connect(lambda _r: self._after_dialog(dialog.result_profile is not None))
        dialog.open()

    @Slot()
    def on_toggle_active(self) -> QMessageBox | None:
        """Deactivating asks first (No is the default); bringing back does not."""
        if self.profile is None:
            return None
        if not self.profile.active:
            self._set_active(True)
            return None
        return ask(
            self,
            "confirmDeactivate",
            self.tr("Deactivate member"),
            self.tr(
                "Deactivate %1? They no longer appear at the top of searches and get no "
                "coupons; their history stays, and a manager can bring them back."
            ).replace("%1", self.profile.name),
            lambda: self._set_active(False),
        )

    def _set_active(self, active: bool) -> None:
        if self.profile is None:
            return
        result = call(self, members.set_active, self.ctx, self.profile.id, active)
        if result is not None:
            self._show(result)
            self.changed.emit(result.id)
            self.said.emit(
                (
                    self.tr("%1 deactivated.") if not active else self.tr("%1 is active again.")
                ).replace("%1", result.name)
            )

    def _after_dialog(self, saved: bool) -> None:
        if saved and self.profile is not None:
            self.show_member(self.profile.id)
            self.changed.emit(self.profile.id)
