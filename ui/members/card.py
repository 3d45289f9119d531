"""Stored-value cards (储值卡) on screen: the card's ledger, recharge, refund, void and
adjust forms, and the recharge offers (edited in the settings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import loyalty
from app import prepaid as pp
from app.core.context import AppContext
from app.core.errors import FrontdeskError, ValidationError
from app.core.messages import message_template, render
from app.core.money import parse_amount
from app.core.text import text_field
from app.members import MemberProfile
from ui.actions import Attempt, ask, call, error_text
from ui.format import local_date, local_datetime, money
from ui.forms import FormDialog
from ui.table import DISPLAY, RowsTableModel

FOREGROUND = Qt.ItemDataRole.ForegroundRole
GREY = QBrush(QColor("#999999"))
RED = QBrush(QColor("#b00020"))


# --- words ----------------------------------------------------------------------------------


def kinds() -> dict[str, str]:
    return {
        "recharge": QCoreApplication.translate("card", "Recharge"),
        "spend": QCoreApplication.translate("card", "Payment"),
        "refund": QCoreApplication.translate("card", "Refund"),
        "void": QCoreApplication.translate("card", "Void"),
        "adjust": QCoreApplication.translate("card", "Adjustment"),
    }


def methods() -> dict[str, str]:
    return {
        "cash": QCoreApplication.translate("card", "Cash"),
        "wechat": QCoreApplication.translate("card", "WeChat"),
        "alipay": QCoreApplication.translate("card", "Alipay"),
        "card": QCoreApplication.translate("card", "Bank card"),
    }


def splits() -> dict[str, str]:
    return {
        "pro_rata": QCoreApplication.translate("card", "In proportion (paid and bonus)"),
        "principal_first": QCoreApplication.translate("card", "Paid money first"),
        "bonus_first": QCoreApplication.translate("card", "Bonus first"),
    }


def split_text(principal_cents: int, bonus_cents: int) -> str:
    return (
        QCoreApplication.translate("card", "paid %1 + bonus %2")
        .replace("%1", money(principal_cents))
        .replace("%2", money(bonus_cents))
    )


def card_text(card: pp.CardView) -> tuple[str, str]:
    """The balance, and what it is made of (or why there is none), as the profile shows."""
    if card.status == "none":
        return "—", QCoreApplication.translate("card", "No card yet")
    if card.status == "closed":
        return "—", QCoreApplication.translate("card", "Closed (refunded)")
    return money(card.balance_cents), split_text(card.principal_cents, card.bonus_cents)


def warning_text(warning: pp.Warning) -> str:
    return render(
        QCoreApplication.translate("errors", message_template(warning.code)), warning.params
    )


def plan_text(plan: pp.PlanView) -> str:
    """An offer as the counter reads it: its name, what the guest pays and gets."""
    return (
        QCoreApplication.translate("card", "%1 — pay %2, get %3")
        .replace("%1", plan.name)
        .replace("%2", money(plan.pay_cents))
        .replace("%3", money(plan.pay_cents + plan.bonus_cents))
    )


def signed_amount(text: str, field: str) -> int:
    """'+50', '-12.50', '−3' -> cents (an adjustment goes either way)."""
    stripped = text.strip()
    sign = -1 if stripped[:1] in ("-", "−") else 1
    return sign * parse_amount(stripped.lstrip("+-−").strip(), field)


# --- the ledger --------------------------------------------------------------------------------


class CardLedgerModel(RowsTableModel[pp.EntryView]):
    """A card's entries, the newest first: a voided one greyed and marked."""

    COL_NO, COL_TIME, COL_KIND, COL_AMOUNT, COL_AFTER = range(5)
    COL_METHOD, COL_STAFF, COL_REASON, COL_BUYER = range(5, 9)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._texts: list[tuple[str, ...]] = []

    def headers(self) -> list[str]:
        return [
            self.tr("No."),
            self.tr("Time"),
            self.tr("Kind"),
            self.tr("Amount"),
            self.tr("Balance after"),
            self.tr("Paid by"),
            self.tr("Staff"),
            self.tr("Reason"),
            self.tr("Buyer"),
        ]

    def set_rows(self, rows: list[pp.EntryView]) -> None:
        words, ways = kinds(), methods()
        voided = self.tr("(voided)")
        self.beginResetModel()
        self._rows = rows
        self._texts = []
        for e in rows:
            kind = words.get(e.kind, e.kind)
            if e.kind == "void" and e.voids_id is not None:
                kind = self.tr("Void of no. %1").replace("%1", f"{e.voids_id:06d}")
            if e.voided:
                kind = f"{kind} {voided}"
            amount = money(e.amount_cents)
            if e.amount_cents > 0:
                amount = "+" + amount
            if e.kind == "refund":
                amount += " " + self.tr("(paid back %1)").replace("%1", money(e.cash_cents))
            after = (
                f"{money(e.principal_after + e.bonus_after)}  "
                f"({money(e.principal_after)} + {money(e.bonus_after)})"
            )
            buyer = e.buyer_id_masked or e.buyer_name  # the name also in the tooltip
            self._texts.append(
                (
                    f"{e.id:06d}",
                    local_datetime(e.at),
                    kind,
                    amount,
                    after,
                    ways.get(e.method, e.method) if e.cash_cents else "",
                    e.staff,
                    e.reason,
                    buyer,
                )
            )
        self.endResetModel()

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        row = index.row()
        if role == DISPLAY:
            return self._texts[row][index.column()]
        if role == FOREGROUND:
            e = self._rows[row]
            if e.voided:
                return GREY
            if index.column() == self.COL_AMOUNT and e.amount_cents < 0:
                return RED
        if role == Qt.ItemDataRole.ToolTipRole:
            e = self._rows[row]
            if index.column() == self.COL_BUYER:
                return " ".join(p for p in (e.buyer_name, e.buyer_id_masked) if p) or None
            if index.column() == self.COL_AMOUNT:
                return split_text(e.principal_cents, e.bonus_cents)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.COL_AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def ledger_view(model: CardLedgerModel, name: str) -> QTableView:
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(CardLedgerModel.COL_REASON, QHeaderView.ResizeMode.Stretch)
    for col, width in enumerate((64, 140, 150, 120, 230, 70, 80, 0, 160)):
        if width:
            view.setColumnWidth(col, width)
    return view


# --- recharge -------------------------------------------------------------------------------


def _focus_back(dialog: FormDialog, field: QWidget) -> None:
    """After a question answered No the keyboard is back in the form, not nowhere."""
    dialog.activateWindow()
    field.setFocus()


class RechargeDialog(FormDialog):
    """Money onto a member's card: one of today's offers or a free amount (a bonus on a
    free amount is a manager's), how it was paid, who bought it. The store's rules it goes
    past (the named-card limit, no ID number) are asked about before it is saved."""

    def __init__(
        self, ctx: AppContext, profile: MemberProfile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("rechargeDialog")
        self.ctx = ctx
        self.profile = profile
        self.attempt = Attempt()  # one request id per thing being saved
        self.result_entry: pp.EntryView | None = None
        self.question: QMessageBox | None = None
        self.setWindowTitle(self.tr("Recharge card — %1").replace("%1", profile.name))
        self.setMinimumWidth(520)
        card = call(self, pp.card, ctx, profile.id) or pp.CardView(profile.id, 0, 0, "none")
        balance, split = card_text(card)
        now = QLabel(
            split if card.status != "open" else f"{balance}  ({split})",
            objectName="rechargeCardNow",
        )
        self.offer = QComboBox(objectName="rechargeOffer")
        self.plans = {p.id: p for p in call(self, pp.offered_plans, ctx) or []}
        for plan in self.plans.values():
            self.offer.addItem(plan_text(plan), plan.id)
        self.offer.addItem(self.tr("Free amount"), None)
        self.pay = QLineEdit(objectName="rechargePay")
        self.pay.setPlaceholderText(self.tr("amount in yuan, e.g. 500"))
        self.bonus = QLineEdit(objectName="rechargeBonus")
        self.may_bonus = ctx.staff.may("prepaid.bonus") if ctx.staff is not None else ctx.system
        if not self.may_bonus:
            self.bonus.setToolTip(self.tr("A bonus on a free amount is a manager's."))
        self.method = QComboBox(objectName="rechargeMethod")
        for code, text in methods().items():
            self.method.addItem(text, code)
        self.buyer_name = QLineEdit(profile.name, objectName="rechargeBuyerName")
        self.buyer_id = QLineEdit(objectName="rechargeBuyerId")
        self.buyer_id.setMaxLength(20)
        self.buyer_id.setPlaceholderText(self.tr("18 characters, for a named card"))
        self.after = QLabel(objectName="rechargeAfter")
        self.after.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.tr("On the card now"), now)
        self.add_rows(
            (
                (self.tr("Offer"), self.offer, "plan"),
                (self.tr("Amount paid (¥) *"), self.pay, "pay"),
                (self.tr("Bonus (¥)"), self.bonus, "bonus"),
                (self.tr("Paid by"), self.method, "method"),
                (self.tr("Buyer's name"), self.buyer_name, "buyer_name"),
                (self.tr("Buyer's ID number"), self.buyer_id, "buyer_id"),
            )
        )
        self.form.addRow(self.tr("Balance after"), self.after)
        self.buttons.button(self.buttons.StandardButton.Save).setText(self.tr("Recharge"))
        self.offer.currentIndexChanged.connect(self._on_offer)
        for edit in (self.pay, self.bonus):
            edit.textChanged.connect(self._show_after)
        self._on_offer()
        self.offer.setFocus()

    def plan(self) -> pp.PlanView | None:
        plan_id = self.offer.currentData()
        return self.plans.get(plan_id) if plan_id is not None else None

    @Slot()
    def _on_offer(self) -> None:
        plan = self.plan()
        free = plan is None
        for edit in (self.pay, self.bonus):
            edit.blockSignals(True)
        if plan is not None:
            self.pay.setText(f"{plan.pay_cents / 100:g}")
            self.bonus.setText(f"{plan.bonus_cents / 100:g}")
        elif not self.pay.isEnabled():  # from an offer to a free amount: start empty
            self.pay.clear()
            self.bonus.clear()
        for edit in (self.pay, self.bonus):
            edit.blockSignals(False)
        self.pay.setEnabled(free)
        self.bonus.setEnabled(free and self.may_bonus)
        self._show_after()

    def recharge_input(self) -> pp.RechargeInput:
        plan = self.plan()
        pay = bonus = 0
        if plan is None:
            pay = parse_amount(self.pay.text(), "pay")
            bonus = parse_amount(self.bonus.text(), "bonus") if self.bonus.text().strip() else 0
        return pp.RechargeInput(
            member_id=self.profile.id,
            method=str(self.method.currentData()),
            plan_id=plan.id if plan is not None else None,
            pay_cents=pay,
            bonus_cents=bonus,
            buyer_name=self.buyer_name.text(),
            buyer_id=self.buyer_id.text(),
        )

    @Slot()
    def _show_after(self) -> None:
        try:
            principal, bonus = pp.recharge_after(self.ctx, self.recharge_input())
        except FrontdeskError:
            self.after.setText("—")
            return
        self.after.setText(f"{money(principal + bonus)}  ({split_text(principal, bonus)})")

    def on_save(self) -> None:
        try:
            data = self.recharge_input()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        warnings = call(self, pp.recharge_warnings, self.ctx, data)
        if warnings is None:
            return
        if not warnings:
            self._save(data)
            return
        self.question = ask(
            self,
            "rechargeWarnings",
            self.tr("Recharge anyway?"),
            "\n\n".join([*(warning_text(w) for w in warnings), self.tr("Recharge anyway?")]),
            lambda: self._save(data),
            # back to the form, where the buyer's ID number would be typed
            lambda: _focus_back(self, self.buyer_id),
            icon=QMessageBox.Icon.Warning,
        )

    def _save(self, data: pp.RechargeInput) -> None:
        result = call(
            self,
            pp.recharge,
            self.ctx,
            data,
            True,  # the warnings were shown and confirmed (or there were none)
            request_id=self.attempt.id_for(data),
        )
        if result is not None:
            self.attempt.done()
            self.result_entry = result
            self.accept()


# --- a manager's: refund, void, adjust --------------------------------------------------------


class RefundDialog(FormDialog):
    """Pays back the unspent paid money and closes the card; the figures first, counted by
    the 2025 rule (the bonus is spread over what was spent)."""

    def __init__(
        self, ctx: AppContext, profile: MemberProfile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("refundDialog")
        self.ctx = ctx
        self.profile = profile
        self.attempt = Attempt()
        self.result_entry: pp.EntryView | None = None
        self.question: QMessageBox | None = None
        self.setWindowTitle(self.tr("Refund card — %1").replace("%1", profile.name))
        self.setMinimumWidth(520)
        self.preview = call(self, pp.refund_preview, ctx, profile.id)
        card = call(self, pp.card, ctx, profile.id)
        self.figures: dict[str, QLabel] = {}
        if self.preview is not None:
            p = self.preview
            rows = (
                ("paid", self.tr("Paid in"), money(p.paid)),
                ("bonus", self.tr("Bonus given"), money(p.bonus)),
                ("spent", self.tr("Spent from the card"), money(p.spent)),
                (
                    "consumed",
                    self.tr("Counted as used of the paid money"),
                    self.tr("%1 (spent × paid ÷ (paid + bonus))").replace("%1", money(p.consumed)),
                ),
                ("refund", self.tr("Refund"), money(p.refund)),
            )
            for key, label, text in rows:
                value = QLabel(text, objectName=f"refund_{key}")
                self.form.addRow(label, value)
                self.figures[key] = value
            self.figures["refund"].setStyleSheet(
                "font-size: 14pt; font-weight: bold; color: #0a7d32;"
            )
            if card is not None and card.bonus_cents:
                note = QLabel(
                    self.tr("The card closes; the bonus left (%1) is not paid out.").replace(
                        "%1", money(card.bonus_cents)
                    ),
                    objectName="refundNote",
                )
            else:
                note = QLabel(self.tr("The card closes."), objectName="refundNote")
            note.setWordWrap(True)
            note.setStyleSheet("color: #607d8b;")
            self.body.insertWidget(1, note)  # under the figures, wrapped to the width
        self.reason = QLineEdit(objectName="refundReason")
        self.add_rows(((self.tr("Reason *"), self.reason, "reason"),))
        save = self.buttons.button(self.buttons.StandardButton.Save)
        save.setText(
            self.tr("Refund %1").replace("%1", money(self.preview.refund))
            if self.preview is not None
            else self.tr("Refund")
        )
        save.setEnabled(self.preview is not None)
        self.reason.setFocus()

    def on_save(self) -> None:
        if self.preview is None:
            return
        try:
            text_field(self.reason.text(), "reason", required=True, max_len=160)
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        self.question = ask(
            self,
            "confirmRefund",
            self.tr("Refund card"),
            self.tr("Pay %1 back to %2 and close the card?")
            .replace("%1", money(self.preview.refund))
            .replace("%2", self.profile.name),
            self._save,
            lambda: _focus_back(self, self.reason),
        )

    def _save(self) -> None:
        reason = self.reason.text()
        result = call(
            self,
            pp.refund,
            self.ctx,
            self.profile.id,
            reason,
            request_id=self.attempt.id_for(reason),
        )
        if result is not None:
            self.attempt.done()
            self.result_entry = result
            self.accept()


class VoidEntryDialog(FormDialog):
    """Undoes one recharge or payment entered by mistake (a manager's, with a reason)."""

    def __init__(self, ctx: AppContext, entry: pp.EntryView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voidEntryDialog")
        self.ctx = ctx
        self.entry = entry
        self.attempt = Attempt()
        self.result_entry: pp.EntryView | None = None
        self.setWindowTitle(self.tr("Void card entry no. %1").replace("%1", f"{entry.id:06d}"))
        shown = QLabel(
            f"{local_datetime(entry.at)}  {kinds().get(entry.kind, entry.kind)}  "
            f"{money(entry.amount_cents)}  {entry.staff}",
            objectName="voidEntryShown",
        )
        shown.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.tr("Entry"), shown)
        self.reason = QLineEdit(objectName="voidEntryReason")
        self.add_rows(((self.tr("Reason *"), self.reason, "reason"),))
        self.buttons.button(self.buttons.StandardButton.Save).setText(self.tr("Void entry"))
        self.reason.setFocus()

    def on_save(self) -> None:
        reason = self.reason.text()
        result = call(
            self, pp.void, self.ctx, self.entry.id, reason, request_id=self.attempt.id_for(reason)
        )
        if result is not None:
            self.attempt.done()
            self.result_entry = result
            self.accept()


class AdjustCardDialog(FormDialog):
    """A manager's correction of either balance (+ adds, − takes), with a reason."""

    def __init__(
        self, ctx: AppContext, profile: MemberProfile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("adjustCardDialog")
        self.ctx = ctx
        self.profile = profile
        self.attempt = Attempt()
        self.result_entry: pp.EntryView | None = None
        card = call(self, pp.card, ctx, profile.id) or pp.CardView(profile.id, 0, 0, "none")
        balance, split = card_text(card)
        self.setWindowTitle(self.tr("Adjust card — %1").replace("%1", profile.name))
        self.form.addRow(
            self.tr("On the card now"),
            QLabel(
                f"{balance}  ({split})" if card.status == "open" else split,
                objectName="adjustCardNow",
            ),
        )
        self.principal = QLineEdit(objectName="adjustPrincipal")
        self.bonus = QLineEdit(objectName="adjustBonus")
        for edit in (self.principal, self.bonus):
            edit.setPlaceholderText(self.tr("e.g. +50 or -12.50"))
        self.reason = QLineEdit(objectName="adjustCardReason")
        self.add_rows(
            (
                (self.tr("Paid balance (¥ + / −)"), self.principal, "principal"),
                (self.tr("Bonus balance (¥ + / −)"), self.bonus, "bonus"),
                (self.tr("Reason *"), self.reason, "reason"),
            )
        )
        self.principal.setFocus()

    def on_save(self) -> None:
        try:
            principal = (
                signed_amount(self.principal.text(), "principal")
                if self.principal.text().strip()
                else 0
            )
            bonus = signed_amount(self.bonus.text(), "bonus") if self.bonus.text().strip() else 0
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        reason = self.reason.text()
        result = call(
            self,
            pp.adjust,
            self.ctx,
            self.profile.id,
            principal,
            bonus,
            reason,
            request_id=self.attempt.id_for(principal, bonus, reason),
        )
        if result is not None:
            self.attempt.done()
            self.result_entry = result
            self.accept()


# --- offers (the settings' "Stored-value cards" tab) --------------------------------------------


def parse_day(text: str, field: str) -> date | None:
    """'2026-12-31' -> a date; empty -> None (no limit)."""
    text = text.strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValidationError("date.invalid", field=field, value=text[:20]) from None


class PlanDialog(FormDialog):
    """A new recharge offer ("充1000送200"), or changes to one (a manager's)."""

    def __init__(
        self, ctx: AppContext, plan: pp.PlanView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.ctx = ctx
        self.plan = plan
        self.result_plan: pp.PlanView | None = None
        self.setWindowTitle(self.tr("Edit offer") if plan else self.tr("New offer"))
        self.name = QLineEdit(plan.name if plan else "", objectName="planName")
        self.name.setPlaceholderText(self.tr("e.g. 充1000送200"))
        self.name.setMaxLength(60)
        self.pay = QLineEdit(f"{plan.pay_cents / 100:g}" if plan else "", objectName="planPay")
        self.bonus = QLineEdit(
            f"{plan.bonus_cents / 100:g}" if plan else "0", objectName="planBonus"
        )
        self.valid_from = QLineEdit(
            plan.valid_from.isoformat() if plan and plan.valid_from else "", objectName="planFrom"
        )
        self.valid_to = QLineEdit(
            plan.valid_to.isoformat() if plan and plan.valid_to else "", objectName="planTo"
        )
        for edit in (self.valid_from, self.valid_to):
            edit.setPlaceholderText(self.tr("e.g. 2026-12-31; empty: no limit"))
        self.tier = QComboBox(objectName="planTier")
        self.tier.addItem(self.tr("No upgrade"), "")
        for t in call(self, loyalty.list_tiers, ctx) or []:
            self.tier.addItem(t.name, t.code)
        self.tier.setCurrentIndex(
            max(0, self.tier.findData(plan.upgrade_tier or "" if plan else ""))
        )
        self.active = QCheckBox(self.tr("On sale"), objectName="planActive")
        self.active.setChecked(plan.active if plan else True)
        self.add_rows(
            (
                (self.tr("Name *"), self.name, "name"),
                (self.tr("Guest pays (¥) *"), self.pay, "pay"),
                (self.tr("Bonus (¥)"), self.bonus, "bonus"),
                (self.tr("On sale from"), self.valid_from, "valid_from"),
                (self.tr("On sale until"), self.valid_to, "valid_to"),
                (self.tr("Raises the tier to"), self.tier, "upgrade_tier"),
                ("", self.active, "active"),
            )
        )
        self.name.setFocus()

    def plan_input(self) -> pp.PlanInput:
        return pp.PlanInput(
            name=self.name.text(),
            pay_cents=parse_amount(self.pay.text(), "pay"),
            bonus_cents=parse_amount(self.bonus.text(), "bonus")
            if self.bonus.text().strip()
            else 0,
            valid_from=parse_day(self.valid_from.text(), "valid_from"),
            valid_to=parse_day(self.valid_to.text(), "valid_to"),
            upgrade_tier=str(self.tier.currentData()) or None,
            active=self.active.isChecked(),
        )

    def on_save(self) -> None:
        try:
            data = self.plan_input()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        result = call(self, pp.save_plan, self.ctx, data, self.plan.id if self.plan else None)
        if result is not None:
            self.result_plan = result
            self.accept()


class PlanTableModel(RowsTableModel[pp.PlanView]):
    def headers(self) -> list[str]:
        return [
            self.tr("Offer"),
            self.tr("Pays"),
            self.tr("Bonus"),
            self.tr("On sale"),
            self.tr("Tier"),
        ]

    def set_tiers(self, names: dict[str, str]) -> None:
        self._tiers = names

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        p = self._rows[index.row()]
        if role == FOREGROUND and not p.active:
            return GREY
        if role != DISPLAY:
            return None
        if index.column() == 0:
            return p.name
        if index.column() == 1:
            return money(p.pay_cents)
        if index.column() == 2:
            return money(p.bonus_cents)
        if index.column() == 3:
            if not p.active:
                return self.tr("Off")
            if p.valid_from is None and p.valid_to is None:
                return self.tr("Always")
            return f"{local_date(p.valid_from) or '…'} – {local_date(p.valid_to) or '…'}"
        tiers = getattr(self, "_tiers", {})
        return tiers.get(p.upgrade_tier, p.upgrade_tier) if p.upgrade_tier else "—"


class PlansPanel(QWidget):
    """Every offer with New/Edit (a manager's: disabled for others).

    Signals:
    changed(): an offer was added or changed."""

    changed = Signal()

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = PlanTableModel(self)
        self.view = QTableView(objectName="planList")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 100), (2, 100), (3, 180), (4, 80)):
            self.view.setColumnWidth(col, width)
        self.view.activated.connect(self.on_edit)
        self.new_button = QPushButton(self.tr("New offer…"), objectName="newPlanButton")
        self.edit_button = QPushButton(self.tr("Edit offer…"), objectName="editPlanButton")
        self.new_button.clicked.connect(self.on_new)
        self.edit_button.clicked.connect(self.on_edit)
        for button in (self.new_button, self.edit_button):
            button.setEnabled(editable)
        self.view.setEnabled(True)
        self.editable = editable
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.model.set_tiers(
            {t.code: t.name for t in call(self, loyalty.list_tiers, self.ctx) or []}
        )
        self.model.set_rows(call(self, pp.list_plans, self.ctx) or [])

    @Slot()
    def on_new(self) -> PlanDialog | None:
        return self._open(None)

    @Slot()
    def on_edit(self) -> PlanDialog | None:
        plan = self.model.row_at(self.view.currentIndex().row())
        return self._open(plan) if plan is not None else None

    def _open(self, plan: pp.PlanView | None) -> PlanDialog | None:
        if not self.editable:
            return None
        dialog = PlanDialog(self.ctx, plan, self)

        def done(_result: int) -> None:
            if dialog.result_plan is not None:
                self.reload()
                self.changed.emit()

        dialog.finished.connect(done)
        dialog.open()
        return dialog
