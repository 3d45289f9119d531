"""The coupons page: redeem by scan at the counter; issue, campaign, print, void."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import coupons as cs
from app.core import codes, settings, store
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.core.money import format_cents, parse_amount
from app.coupons import CampaignView, CouponView
from ui import bus
from ui.actions import Attempt, call, error_text
from ui.bus import Changes
from ui.coupons import labels
from ui.coupons.dialogs import CampaignDialog, CouponDialog, IssueCampaignDialog, VoidDialog
from ui.format import local_datetime
from ui.printing import available, print_pdf
from ui.table import DISPLAY, RowsTableModel


def deliver_pdf(path: str, choice: str, printer: str) -> str:
    """Does the counter's choice with a PDF just made; says what happened: "printed",
    "opened", "saved", or "no_viewer" (nothing on this PC could open it)."""
    if choice == "save":
        return "saved"
    if choice == "print" and available(printer) and print_pdf(path, printer):
        return "printed"
    opened = QDesktopServices.openUrl(QUrl.fromLocalFile(path))
    return "opened" if opened else "no_viewer"


class CampaignTableModel(RowsTableModel[CampaignView]):
    def headers(self) -> list[str]:
        return [
            self.tr("Campaign"),
            self.tr("Kind"),
            self.tr("Offer"),
            self.tr("Coupons issued"),
            self.tr("Coupons redeemed"),
            self.tr("Redemption rate"),
        ]

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        c = self._rows[index.row()]
        kinds = labels.campaign_kinds()
        t = c.terms
        offer = {"amount": format_cents(t.value), "percent": f"{t.value}%", "item": t.item}[t.kind]
        if t.min_spend_cents:
            offer += " / ≥" + format_cents(t.min_spend_cents)
        rate = f"{c.redeemed * 100 / c.issued:.0f}%" if c.issued else "—"
        return [c.name, kinds.get(c.kind, c.kind), offer, str(c.issued), str(c.redeemed), rate][
            index.column()
        ]


class CouponsPage(QWidget):
    """Signals:
    redeemed(object): a coupon was redeemed (RedemptionView).
    """

    redeemed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        changes: Changes | None = None,
        load_when_shown: bool = False,
    ) -> None:
        """load_when_shown: the campaigns (with their counts over every coupon) are read
        when the page is first shown rather than now (the main window: a quicker start)."""
        super().__init__(parent)
        self.changes = changes if changes is not None else Changes(self)
        self.changes.changed.connect(self._on_changed)
        self.setObjectName("couponsPage")
        self.ctx = ctx
        self.current: CouponView | None = None
        self._checked_text = ""  # the code box's text when `current` was looked up
        self.attempt = Attempt()  # one request id per thing being saved
        # What to do with a PDF just made (tests replace it): print, open or only save.
        self.deliver: Callable[[str, str, str], str] = deliver_pdf
        self.last_pdf: Path | None = None
        self._prefix = ""

        self.code_box = QLineEdit(objectName="couponCodeBox")
        self.code_box.setPlaceholderText(self.tr("Scan or type the coupon code"))
        self.code_box.setStyleSheet("QLineEdit { font-size: 16pt; padding: 6px 10px; }")
        self.code_box.returnPressed.connect(self.on_check)
        self.bill_box: QLineEdit = QLineEdit(objectName="couponBillBox")
        self.bill_box.setPlaceholderText(self.tr("bill (¥)"))
        self.bill_box.setMaximumWidth(160)
        self.bill_box.returnPressed.connect(self.on_redeem)
        self.bill_box.installEventFilter(self)  # Esc: back to the code box
        self.redeem_button = QPushButton(self.tr("Redeem"), objectName="couponRedeemButton")
        self.redeem_button.clicked.connect(self.on_redeem)
        self.info = QLabel(objectName="couponInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setMinimumHeight(100)
        redeem_box = QGroupBox(self.tr("Redeem"))
        row = QHBoxLayout()
        row.addWidget(self.code_box, 1)
        row.addWidget(self.bill_box)
        row.addWidget(self.redeem_button)
        redeem_layout = QVBoxLayout(redeem_box)
        redeem_layout.addLayout(row)
        redeem_layout.addWidget(self.info)

        self.layout_box = QComboBox(objectName="printLayout")
        for code, text in labels.layouts().items():
            self.layout_box.addItem(text, code)
        buttons = QHBoxLayout()
        actions = (
            # (a click's `checked` argument must not reach member_id)
            ("newCouponButton", self.tr("New coupon…"), lambda: self.open_coupon_dialog()),
            ("newCampaignButton", self.tr("New campaign…"), self.open_campaign_dialog),
            ("issueCampaignButton", self.tr("Issue campaign…"), self.open_issue_dialog),
            ("printCampaignButton", self.tr("Print campaign"), self.print_campaign),
            ("voidCouponButton", self.tr("Void coupon…"), self.open_void_dialog),
        )
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in actions:
            button = QPushButton(text, objectName=name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[name] = button
        buttons.addStretch(1)
        buttons.addWidget(QLabel(self.tr("Print as")))
        buttons.addWidget(self.layout_box)
        # After issuing: the counter's choice, remembered; and the last PDF's actions.
        self.after_issue = QComboBox(objectName="afterIssue")
        for code, text in (
            ("print", self.tr("then print it")),
            ("open", self.tr("then open the PDF")),
            ("save", self.tr("then only save the PDF")),
        ):
            self.after_issue.addItem(text, code)
        self.after_issue.activated.connect(self.on_after_issue)
        buttons.addWidget(self.after_issue)
        self.pdf_actions = QWidget(objectName="pdfActions")
        pdf_row = QHBoxLayout(self.pdf_actions)
        pdf_row.setContentsMargins(0, 0, 0, 0)
        for name, text, action in (
            ("printAgainButton", self.tr("Print"), lambda: self.deliver_last("print")),
            ("openPdfButton", self.tr("Open PDF"), lambda: self.deliver_last("open")),
            ("openFolderButton", self.tr("Open folder"), self.open_folder),
        ):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(action)
            pdf_row.addWidget(button)
            self.buttons[name] = button
        pdf_row.addStretch(1)
        self.pdf_actions.hide()

        self.campaigns = CampaignTableModel(self)
        self.campaign_view = QTableView(objectName="campaignList")
        self.campaign_view.setModel(self.campaigns)
        self.campaign_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.campaign_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.campaign_view.verticalHeader().hide()
        self.campaign_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        for col, width in enumerate((0, 120, 200, 130, 150, 130)):
            if width:
                self.campaign_view.setColumnWidth(col, width)

        layout = QVBoxLayout(self)
        layout.addWidget(redeem_box)
        layout.addWidget(self.pdf_actions)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Campaigns")))
        layout.addWidget(self.campaign_view, 1)
        self.use_settings()
        self.loaded = False
        if not load_when_shown:
            self.reload()
        self.show_message(self.tr("Scan a coupon: its details show here before you redeem it."))

    @Slot(str, int, object)
    def _on_changed(self, topic: str, _member_id: int, source: object) -> None:
        """Another page changed something this page shows."""
        if source is self:
            return
        if topic == bus.SETTINGS:
            self.use_settings()
        elif topic == bus.COUPONS:
            self.reload()
            self._recheck_shown()

    def _recheck_shown(self) -> None:
        """The coupon on screen was perhaps redeemed or voided elsewhere (another counter):
        if so it is shown again as it now is, and the bill box no longer waits for it."""
        shown = self.current
        if shown is None or self.code_box.text() != self._checked_text:
            return
        try:
            now = cs.look_up(self.ctx, self._checked_text)
        except FrontdeskError:
            return
        today = store.today(self.ctx)
        if now.state(today) != shown.state(today) or now.used_at != shown.used_at:
            self.on_check()

    def reset(self) -> None:
        """A new person at the counter: no code, bill or message of the previous one."""
        self.current = None
        self.code_box.clear()
        self.bill_box.clear()
        self.show_message(self.tr("Scan a coupon: its details show here before you redeem it."))
        self.reload()

    # --- redeem ----------------------------------------------------------------------

    def show_message(self, text: str, tone: str = "info") -> None:
        colour = {"info": "#333", "ok": "#0a7d32", "error": "#b00020"}[tone]
        self.info.setText(f"<div style='color:{colour}; font-size:13pt'>{text}</div>")

    def show_code(self, code: str) -> None:
        """A code scanned elsewhere (the member search box) lands here, checked."""
        self.code_box.setText(code)
        self.on_check()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.bill_box
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.bill_box.clear()
            self.code_box.setFocus()
            self.code_box.selectAll()
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def on_check(self) -> CouponView | None:
        self.bill_box.clear()  # a new code: the last one's bill does not carry over
        try:
            view = cs.look_up(self.ctx, self.code_box.text())
        except FrontdeskError as exc:
            self.current = None
            self.show_message(html.escape(error_text(exc)), "error")
            self.code_box.setFocus()  # the next scan replaces the bad code
            self.code_box.selectAll()
            return None
        self.current = view
        self._checked_text = self.code_box.text()
        state = view.state(store.today(self.ctx))
        status = labels.states()[state]
        if view.used_at:
            status += " " + local_datetime(view.used_at)
        who = html.escape(view.member_name or self.tr("bearer coupon"))
        valid = (
            self.tr("valid %1 to %2")
            .replace("%1", view.valid_from.isoformat())
            .replace("%2", view.valid_to.isoformat())
        )
        extra = []
        if view.min_spend_cents:
            extra.append(
                self.tr("minimum bill %1").replace("%1", format_cents(view.min_spend_cents))
            )
        if view.campaign_name:
            extra.append(html.escape(view.campaign_name))
        lines = [
            f"<b>{status} · {html.escape(labels.value_text(view))}</b> · {view.display_code}",
            f"{who} · {valid}",
        ]
        if extra:
            lines.append(" · ".join(extra))
        self.show_message("<br>".join(lines), "ok" if state == "valid" else "error")
        if state == "valid":
            self.bill_box.setFocus()
        else:
            self.code_box.setFocus()
            self.code_box.selectAll()
        return view

    @Slot()
    def on_redeem(self) -> None:
        typed = self.bill_box.text()
        scanned = codes.code_at_end(typed)
        if scanned is not None:
            # A scan always goes to the code, wherever the focus was (even typed after a
            # bill that was refused and is still in the box).
            self.show_code(scanned)
            return
        try:
            bill = parse_amount(typed, "bill")
        except FrontdeskError as exc:
            self.show_message(html.escape(error_text(exc)), "error")
            self.bill_box.setFocus()
            self.bill_box.selectAll()  # the corrected bill replaces it
            return
        try:
            code = self.code_box.text()
            done = cs.redeem(self.ctx, code, bill, self.attempt.id_for(code.strip(), bill))
        except FrontdeskError as exc:
            self.show_message(html.escape(error_text(exc)), "error")
            self.bill_box.setFocus()
            self.bill_box.selectAll()
            return
        self.show_message(
            self.tr("Redeemed %1. Discount %2, to pay %3.")
            .replace("%1", done.coupon.display_code)
            .replace("%2", format_cents(done.discount_cents))
            .replace("%3", format_cents(done.bill_cents - done.discount_cents))
            + (
                "<br>" + self.tr("Give: %1").replace("%1", html.escape(done.coupon.item))
                if done.coupon.kind == "item"
                else ""
            ),
            "ok",
        )
        self.attempt.done()
        self.code_box.clear()
        self.bill_box.clear()
        self.code_box.setFocus()
        self.reload()
        self.redeemed.emit(done)
        self.changes.tell(bus.COUPONS, done.coupon.member_id, self)

    # --- issue and print --------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        if not self.loaded:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        self.loaded = True
        self.campaigns.set_rows(call(self, cs.list_campaigns, self.ctx) or [])

    def selected_campaign(self) -> CampaignView | None:
        index = self.campaign_view.currentIndex()
        return self.campaigns.row_at(index.row()) if index.isValid() else None

    def open_coupon_dialog(
        self, member_id: int | None = None, complaint_id: int | None = None
    ) -> CouponDialog:
        dialog = CouponDialog(self.ctx, self, member_id, complaint_id)

        def issued(_result: int) -> None:
            if dialog.issued is not None and complaint_id is not None:
                # The complaint's timeline now names the coupon.
                self.changes.tell(bus.COMPLAINTS, dialog.issued.member_id, self)
            self.offer_coupon(dialog.issued)

        dialog.finished.connect(issued)
        dialog.open()
        return dialog

    def offer_coupon(self, coupon: CouponView | None) -> None:
        """A coupon just issued (here, from a complaint, or for points): its code and what
        it gives, then printing."""
        if coupon is None:
            return
        self.changes.tell(bus.COUPONS, coupon.member_id, self)
        done = (
            self.tr("Issued %1: %2")
            .replace("%1", coupon.display_code)
            .replace("%2", html.escape(labels.value_text(coupon)))
        )
        self.show_message(done, "ok")
        self.print_coupons([coupon], f"coupon-{coupon.code}.pdf", prefix=done + "<br>")

    def open_campaign_dialog(self) -> CampaignDialog:
        dialog = CampaignDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: self._after_campaign(dialog.created))
        dialog.open()
        return dialog

    def _after_campaign(self, campaign: CampaignView | None) -> None:
        self.reload()
        if campaign is None:
            return
        ids = [
            getattr(self.campaigns.row_at(i), "id", None) for i in range(self.campaigns.rowCount())
        ]
        row = ids.index(campaign.id) if campaign.id in ids else -1
        if row >= 0:
            self.campaign_view.selectRow(row)  # ready for "Issue campaign…"
        self.show_message(
            self.tr("Campaign %1 created. Choose Issue campaign… to give out its coupons.").replace(
                "%1", html.escape(campaign.name)
            ),
            "ok",
        )

    def open_issue_dialog(self) -> IssueCampaignDialog | None:
        campaign = self.selected_campaign()
        if campaign is None:
            self.show_message(self.tr("Choose a campaign in the list first."), "error")
            return None
        dialog = IssueCampaignDialog(self.ctx, campaign, self)
        dialog.finished.connect(lambda _r: self._after_issue(dialog.result_issue, campaign))
        dialog.open()
        return dialog

    def _after_issue(self, result: cs.IssuedCampaign | None, campaign: CampaignView) -> None:
        self.reload()
        if result is not None and result.coupons:
            self.changes.tell(bus.COUPONS, None, self)
            done = html.escape(campaign.name) + ": " + html.escape(labels.issued_text(result))
            self.show_message(done, "ok")
            self.print_coupons(result.coupons, f"campaign-{campaign.id}.pdf", prefix=done + "<br>")

    @Slot()
    def print_campaign(self) -> None:
        campaign = self.selected_campaign()
        if campaign is None:
            self.show_message(self.tr("Choose a campaign in the list first."), "error")
            return
        today = store.today(self.ctx)
        coupons = [
            c
            for c in call(self, cs.campaign_coupons, self.ctx, campaign.id) or []
            if c.state(today) == "valid"
        ]
        if not coupons:
            self.show_message(self.tr("This campaign has no unused coupons to print."), "error")
            return
        self.print_coupons(coupons, f"campaign-{campaign.id}.pdf")

    def print_coupons(self, coupons: list[CouponView], name: str, prefix: str = "") -> Path | None:
        """Renders the coupons to a PDF in the data folder's coupons/ (no file dialog in the
        way), with progress and Cancel; then prints, opens or only keeps it, as this
        counter chose, and says which."""
        folder = call(self, settings.output_dir, self.ctx, "coupons")
        if folder is None:
            return None
        target_path = folder / name
        n = 1
        while target_path.exists():
            target_path = folder / f"{Path(name).stem}-{n}.pdf"
            n += 1
        target = str(target_path)
        progress = QProgressDialog(
            self.tr("Rendering coupons…"), self.tr("Cancel"), 0, len(coupons), self
        )
        progress.setObjectName("printProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def step(done: int, total: int) -> None:
            progress.setValue(done)
            QCoreApplication.processEvents()

        from app.coupons import pdf as coupon_pdf  # ReportLab loads on first print, not at start-up

        try:
            ok = coupon_pdf.render(
                coupons,
                str(self.layout_box.currentData()),
                target,
                store=store.name(self.ctx),
                progress=step,
                cancelled=progress.wasCanceled,
                logo=settings.logo_path(self.ctx),
                lang=settings.language(self.ctx),  # the store's language, for its guests
            )
        except FrontdeskError as exc:
            self.show_message(html.escape(error_text(exc)), "error")
            return None
        finally:
            progress.close()
        if not ok:
            self.show_message(self.tr("Printing cancelled; no file was written."), "error")
            return None
        self.last_pdf = Path(target)
        self._prefix = prefix + self.tr("%1 coupons saved as %2.").replace(
            "%1", str(len(coupons))
        ).replace("%2", html.escape(f"{folder.name}/{target_path.name}"))
        self.deliver_last(str(self.after_issue.currentData()))
        return self.last_pdf

    def deliver_last(self, choice: str) -> str:
        """Prints, opens or keeps the last PDF; the message says what happened."""
        if self.last_pdf is None:
            return "saved"
        printer = settings.load(self.ctx).coupon_printer
        outcome = self.deliver(str(self.last_pdf), choice, printer)
        said = {
            "printed": self.tr("Printed on %1.").replace("%1", html.escape(printer)),
            "opened": self.tr("Opened in the PDF viewer to print."),
            "saved": self.tr("Use Print or Open PDF below when needed."),
            "no_viewer": self.tr(
                "No printer is chosen in the settings and no PDF viewer opens on this PC: "
                "use Open folder and print the file from there."
            ),
        }[outcome]
        if outcome == "no_viewer":  # the coupon is fine; only printing needs a hand
            said = f"<span style='color:#8a5a00'>{said}</span>"
        self.show_message(self._prefix + "<br>" + said, "ok")
        self.pdf_actions.show()
        return outcome

    @Slot()
    def open_folder(self) -> None:
        if self.last_pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_pdf.parent)))

    @Slot(int)
    def on_after_issue(self, _index: int) -> None:
        call(self, settings.set_after_issue, self.ctx, str(self.after_issue.currentData()))

    def use_settings(self) -> None:
        """The store's default coupon layout (settings dialog)."""
        chosen = settings.load(self.ctx)
        index = self.layout_box.findData(chosen.coupon_layout)
        if index >= 0:
            self.layout_box.setCurrentIndex(index)
        self.after_issue.setCurrentIndex(
            max(0, self.after_issue.findData(chosen.coupon_after_issue))
        )

    def open_void_dialog(self) -> VoidDialog:
        dialog = VoidDialog(self.ctx, self.code_box.text(), self)
        dialog.finished.connect(lambda _r: self._after_void(dialog.voided))
        dialog.open()
        return dialog

    def _after_void(self, coupon: CouponView | None) -> None:
        if coupon is not None:
            self.changes.tell(bus.COUPONS, coupon.member_id, self)
            self.show_message(self.tr("Voided %1.").replace("%1", coupon.display_code), "ok")
