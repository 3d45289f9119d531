"""The settings dialog: store name and logo, language, opening hours and rest days (the
SLA working days), printing, backups, idle lock, the dashboard's targets, stored-value card
offers and rules, and which database this counter uses (its own file, or the store's
server).

Every part is checked before anything is saved; each is then saved by its own service
(which checks the signed-in role)."""

from __future__ import annotations

from zoneinfo import available_timezones

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTime, Signal, Slot
from PySide6.QtGui import QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app import complaints as cp
from app import reporting as dash
from app.admin import backup as bk
from app.admin import counter
from app.core import connection, store
from app.core import settings as st
from app.core.calendar import SlaPolicy
from app.core.context import AppContext
from app.core.errors import FrontdeskError, ValidationError
from ui.actions import call, error_text
from ui.coupons import labels as coupon_labels
from ui.files import folder_path, open_path
from ui.forms import FormDialog, WeekdayChecks
from ui.members.card import PlansPanel, splits

LANGUAGE_NAMES = {"zh_CN": "简体中文", "zh_TW": "繁體中文", "en": "English"}
LOGO_MAX = (600, 300)  # pixels: plenty for a receipt or a report heading


def printer_names() -> list[str]:
    try:
        from PySide6.QtPrintSupport import QPrinterInfo

        return list(QPrinterInfo.availablePrinterNames())
    except ImportError:
        return []


# The zones the counters this app is for are in, first; then every other zone.
NEAR_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
)


def time_zones(current: str) -> list[str]:
    others = sorted(z for z in available_timezones() if "/" in z and z not in NEAR_ZONES)
    zones = [*NEAR_ZONES, *others]
    return zones if current in zones else [current, *zones]


def logo_png(path: str) -> bytes:
    """The chosen picture, scaled down to LOGO_MAX and stored as PNG."""
    image = QImage(path)
    if image.isNull():
        raise ValidationError("settings.logo", field="logo")
    if image.width() > LOGO_MAX[0] or image.height() > LOGO_MAX[1]:
        image = image.scaled(
            LOGO_MAX[0],
            LOGO_MAX[1],
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


class SettingsDialog(FormDialog):
    """Signals: language_changed(str) after a save that changed the language."""

    language_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.ctx = ctx
        self.current = st.load(ctx)
        self.policy = cp.get_policy(ctx)
        self.targets = dash.get_targets(ctx)
        self.new_logo: bytes | None = None
        self.saved: st.StoreSettings | None = None
        self.remove_logo = False
        may = ctx.staff.may if ctx.staff is not None else (lambda _p: ctx.system)

        tabs = QTabWidget(objectName="settingsTabs")
        # The FormDialog's own form holds nothing; each tab has its own.
        self.body.insertWidget(0, tabs)

        # --- store --------------------------------------------------------------------------
        store_tab = QWidget()
        store_form = self._form(store_tab)
        self.store_name = QLineEdit(store.name(ctx), objectName="storeName")
        self.store_name.setMaxLength(40)
        self.logo_preview = QLabel(objectName="logoPreview")
        self.logo_preview.setFixedSize(200, 80)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px dashed #b0bec5;")
        choose_logo = QPushButton(self.tr("Choose picture…"), objectName="chooseLogo")
        clear_logo = QPushButton(self.tr("Remove"), objectName="removeLogo")
        choose_logo.clicked.connect(self.on_choose_logo)
        clear_logo.clicked.connect(self.on_remove_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(choose_logo)
        logo_row.addWidget(clear_logo)
        logo_row.addStretch(1)
        self.language = QComboBox(objectName="languageBox")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGE_NAMES).index(self.current.language))
        store_form.addRow(self.tr("Store name"), self.store_name)
        store_form.addRow(self.tr("Logo (coupons, reports)"), logo_row)
        store_form.addRow(self.tr("Language"), self.language)
        self.fuzzy = QCheckBox(self.tr("Forgive misheard pinyin"), objectName="fuzzyPinyin")
        self.fuzzy.setChecked(self.current.fuzzy_pinyin)
        fuzzy_hint = QLabel(
            self.tr(
                "z/zh, c/ch, s/sh, l/n, an/ang, en/eng, in/ing and ü/u (lv/lu) count as the "
                "same, as in an input method's fuzzy mode; exact matches still come first."
            ),
            objectName="fuzzyPinyinHint",
        )
        fuzzy_hint.setWordWrap(True)
        fuzzy_hint.setStyleSheet("color: #607d8b;")
        store_form.addRow(self.tr("Member search"), self.fuzzy)
        store_form.addRow("", fuzzy_hint)
        self.fields.update({"name": self.store_name, "language": self.language})
        tabs.addTab(store_tab, self.tr("Store"))
        path = st.logo_path(ctx)
        if path is not None:
            self.logo_preview.setPixmap(self._scaled(QPixmap(str(path))))
        else:
            self.logo_preview.setText(self.tr("No logo"))

        # --- hours --------------------------------------------------------------------------
        hours = QWidget()
        hours_form = self._form(hours)
        self.opens = QTimeEdit(objectName="opensAt")
        self.closes = QTimeEdit(objectName="closesAt")
        for edit in (self.opens, self.closes):
            edit.setDisplayFormat("HH:mm")
        self.opens.setTime(QTime(self.policy.open_minute // 60, self.policy.open_minute % 60))
        close = self.policy.close_minute % (24 * 60)
        self.closes.setTime(QTime(close // 60, close % 60))
        hint = QLabel(
            self.tr("A closing time before the opening time means after midnight."),
            objectName="hoursHint",
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b;")
        self.rest = WeekdayChecks(self.policy.rest_weekdays)
        self.rest_days = self.rest.boxes
        self.zone = QComboBox(objectName="timeZone")
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for zone in time_zones(self.policy.timezone):
            self.zone.addItem(zone)
        self.zone.setCurrentText(self.policy.timezone)
        completer = self.zone.completer()
        if completer is not None:
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        hours_form.addRow(self.tr("Time zone of the store"), self.zone)
        hours_form.addRow(self.tr("Opens"), self.opens)
        hours_form.addRow(self.tr("Closes"), self.closes)
        hours_form.addRow("", hint)
        hours_form.addRow(self.tr("Rest days (no SLA working day)"), self.rest)
        self.fields.update(
            {"hours": self.opens, "rest_weekdays": self.rest_days[0], "timezone": self.zone}
        )
        hours.setEnabled(may("sla.policy"))
        tabs.addTab(hours, self.tr("Hours"))

        # --- printing -----------------------------------------------------------------------
        printing = QWidget()
        print_form = self._form(printing)
        self.layout_box = QComboBox(objectName="couponLayout")
        for code, text in coupon_labels.layouts().items():
            self.layout_box.addItem(text, code)
        self.layout_box.setCurrentIndex(
            max(self.layout_box.findData(self.current.coupon_layout), 0)
        )
        self.coupon_printer = self._printer_box("couponPrinter", self.current.coupon_printer)
        self.report_printer = self._printer_box("reportPrinter", self.current.report_printer)
        print_form.addRow(self.tr("Coupon layout"), self.layout_box)
        print_form.addRow(self.tr("Coupon printer"), self.coupon_printer)
        print_form.addRow(self.tr("Report printer"), self.report_printer)
        tabs.addTab(printing, self.tr("Printing"))

        # --- safety -------------------------------------------------------------------------
        safety = QWidget()
        safety_form = self._form(safety)
        self.idle = QSpinBox(objectName="idleMinutes")
        self.idle.setRange(0, 240)
        self.idle.setValue(self.current.idle_lock_minutes)
        self.idle.setSuffix(self.tr(" min"))
        self.idle.setSpecialValueText(self.tr("never"))
        self.backup_folder = QLineEdit(str(bk.backup_dir(ctx)), objectName="backupFolder")
        browse = QPushButton(self.tr("Choose…"), objectName="chooseBackupFolder")
        browse.clicked.connect(self.on_choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder, 1)
        folder_row.addWidget(browse)
        owner = may("backup.settings")
        self.backup_folder.setEnabled(owner)
        browse.setEnabled(owner)
        self.keep = QSpinBox(objectName="backupKeep")
        self.keep.setRange(1, 365)
        self.keep.setValue(self.current.backup_keep)
        self.keep.setEnabled(owner)  # the owner's setting
        # What a receptionist may give away on one coupon (managers: no limit). The owner's.
        self.limit_amount = QSpinBox(objectName="couponLimitAmount")
        self.limit_amount.setRange(0, 10_000)
        self.limit_amount.setPrefix("¥")
        self.limit_amount.setValue(self.current.coupon_limit_cents // 100)
        self.limit_percent = QSpinBox(objectName="couponLimitPercent")
        self.limit_percent.setRange(0, 100)
        self.limit_percent.setSuffix(" %")
        self.limit_percent.setValue(self.current.coupon_limit_percent)
        for box in (self.limit_amount, self.limit_percent):
            box.setEnabled(may("coupon.limits"))
        safety_form.addRow(self.tr("Lock the counter after"), self.idle)
        safety_form.addRow(self.tr("Backup folder"), folder_row)
        safety_form.addRow(self.tr("Backups to keep"), self.keep)
        safety_form.addRow(self.tr("Receptionists' coupons: at most"), self.limit_amount)
        safety_form.addRow(self.tr("or at most (percent off)"), self.limit_percent)
        self.fields.update(
            {
                "idle_lock_minutes": self.idle,
                "backup_keep": self.keep,
                "folder": self.backup_folder,
                "coupon_limit_cents": self.limit_amount,
                "coupon_limit_percent": self.limit_percent,
            }
        )
        tabs.addTab(safety, self.tr("Safety"))

        # --- targets ------------------------------------------------------------------------
        goals = QWidget()
        goals_form = self._form(goals)
        self.goal_boxes: dict[str, QSpinBox] = {}
        goal_names = {
            "satisfaction_pct": self.tr("Satisfaction (scores 4-5)"),
            "on_time_pct": self.tr("Complaint deadlines met"),
            "retention_pct": self.tr("Guests back within their usual interval"),
            "redemption_pct": self.tr("Coupons redeemed"),
        }
        for key, text in goal_names.items():
            box = QSpinBox(objectName=f"target_{key}")
            box.setRange(0, 100)
            box.setSuffix(" %")
            box.setValue(getattr(self.targets, key))
            goals_form.addRow(text, box)
            self.goal_boxes[key] = box
        tabs.addTab(goals, self.tr("Targets"))

        # --- stored-value cards: the offers (managers), the rules (the owner) ----------------
        cards = QWidget()
        cards_layout = QVBoxLayout(cards)
        self.plans = PlansPanel(ctx, may("prepaid.plans"))
        self.plans.view.setMinimumHeight(150)
        cards_layout.addWidget(QLabel(self.tr("Recharge offers (for sale on the dates shown)")))
        cards_layout.addWidget(self.plans, 1)
        cards_form = QFormLayout()
        cards_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        cards_layout.addLayout(cards_form)
        self.split = QComboBox(objectName="prepaidSplit")
        for code, text in splits().items():
            self.split.addItem(text, code)
        self.split.setCurrentIndex(max(0, self.split.findData(self.current.prepaid_split)))
        self.card_limit = QSpinBox(objectName="prepaidCardLimit")
        self.card_limit.setRange(0, 1_000_000)
        self.card_limit.setSingleStep(500)
        self.card_limit.setPrefix("¥")
        self.card_limit.setGroupSeparatorShown(True)
        self.card_limit.setSpecialValueText(self.tr("no warning"))
        self.card_limit.setValue(self.current.prepaid_card_limit_cents // 100)
        self.ask_id = QCheckBox(
            self.tr("Ask for the buyer's ID number"),
            objectName="prepaidAskId",
        )
        self.ask_id.setChecked(self.current.prepaid_ask_buyer_id)
        rules_hint = QLabel(
            self.tr(
                "A recharge past the limit, or without an ID number, is asked about "
                "(MOFCOM: a named card holds at most ¥5,000); the receptionist may go on."
            ),
            objectName="prepaidRulesHint",
        )
        rules_hint.setWordWrap(True)
        rules_hint.setStyleSheet("color: #607d8b;")
        for widget in (self.split, self.card_limit, self.ask_id):
            widget.setEnabled(may("prepaid.settings"))
        cards_form.addRow(self.tr("A card payment comes from"), self.split)
        cards_form.addRow(self.tr("Warn when a card would hold over"), self.card_limit)
        cards_form.addRow(self.tr("At a recharge"), self.ask_id)
        cards_form.addRow("", rules_hint)
        self.fields.update(
            {
                "prepaid_split": self.split,
                "prepaid_card_limit_cents": self.card_limit,
                "prepaid_ask_buyer_id": self.ask_id,
            }
        )
        tabs.addTab(cards, self.tr("Stored-value cards"))

        # --- database (this counter's own choice, kept on this PC) --------------------------
        self.counter_config = counter.counter_config(ctx)
        database = QWidget()
        db_form = self._form(database)
        self.use_file = QRadioButton(self.tr("This PC only (its own file)"), objectName="useFile")
        self.use_server = QRadioButton(
            self.tr("The store's server (several counters)"), objectName="useServer"
        )
        where = QButtonGroup(database)
        where.addButton(self.use_file)
        where.addButton(self.use_server)
        (self.use_server if self.counter_config.database_url else self.use_file).setChecked(True)
        address, password = connection.split_password(self.counter_config.database_url)
        self.server_url = QLineEdit(address, objectName="serverUrl")
        self.server_url.setPlaceholderText("postgresql://frontdesk@192.168.1.10/frontdesk")
        self.server_password = QLineEdit(password, objectName="serverPassword")
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.counter_name = QLineEdit(self.counter_config.counter_name, objectName="counterName")
        self.counter_name.setMaxLength(40)
        self.counter_name.setPlaceholderText(connection.counter_name(ctx.data_dir or "."))
        test = QPushButton(self.tr("Test connection"), objectName="testServer")
        test.clicked.connect(self.on_test_server)
        self.server_result = QLabel(objectName="serverResult")
        self.server_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(test)
        test_row.addWidget(self.server_result, 1)
        now = ctx.server_shown or self.tr("this PC's own file")
        note = QLabel(
            self.tr("Now using: %1. A change takes effect when Frontdesk starts again.").replace(
                "%1", now
            ),
            objectName="databaseNote",
        )
        note.setWordWrap(True)
        db_form.addRow(self.tr("The store's data"), self.use_file)
        db_form.addRow("", self.use_server)
        db_form.addRow(self.tr("Server"), self.server_url)
        db_form.addRow(self.tr("Password"), self.server_password)
        db_form.addRow("", test_row)
        db_form.addRow(self.tr("This counter's name"), self.counter_name)
        db_form.addRow(note)
        self.use_server.toggled.connect(self._server_fields)
        chooser = may("database.choose")
        for widget in (self.use_file, self.use_server, self.counter_name, test):
            widget.setEnabled(chooser)
        self._server_fields()
        self.fields.update({"database_url": self.server_url})
        tabs.addTab(database, self.tr("Database"))
        self.tabs = tabs
        self.resize(640, 330)
        # A tab whose wrapped texts need more height than the last one gets it (the offers'
        # buttons were drawn over the table's edge).
        tabs.currentChanged.connect(self.fit_height)

    # --- helpers -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """The keyboard starts in the open tab's first field (the dialog's own form is
        empty, so FormDialog left it nowhere to be seen)."""
        super().showEvent(event)
        self.fit_height()
        focus = self.focusWidget()
        if focus is None or focus in self.buttons.buttons() or focus is self.tabs.tabBar():
            page = self.tabs.currentWidget()
            first = next(
                (
                    w
                    for w in page.findChildren(QWidget)
                    if w.isVisible()
                    and w.isEnabled()
                    and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and not isinstance(w, QLabel)
                ),
                None,
            )
            if first is not None:
                first.setFocus()

    def show_error(self, text: str, field: str | None) -> None:
        """Shows the tab holding the field first: a message about a hidden field helps
        nobody."""
        widget = self.fields.get(field or "")
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if widget is not None and page is not None and page.isAncestorOf(widget):
                self.tabs.setCurrentIndex(index)
        super().show_error(text, field)

    @Slot()
    def _server_fields(self) -> None:
        chooser = self.use_file.isEnabled()
        for field in (self.server_url, self.server_password):
            field.setEnabled(chooser and self.use_server.isChecked())
        self.server_result.clear()

    def _typed_url(self) -> str:
        """The address with the password field put in (checked: raises db.url)."""
        url = connection.check_url(self.server_url.text())
        return connection.with_password(url, self.server_password.text())

    def database_choice(self) -> connection.CounterConfig:
        url = ""
        if self.use_server.isChecked():
            url = self._typed_url()  # raises db.url, the field marked
        return connection.CounterConfig(
            database_url=url, counter_name=self.counter_name.text().strip()
        )

    @Slot()
    def on_test_server(self) -> None:
        """Connects once and says what it found (or the server's own reason)."""
        self.server_result.setText(self.tr("Connecting…"))
        self.server_result.repaint()
        try:
            found = connection.check_server(self._typed_url())
        except FrontdeskError as exc:
            self.server_result.setStyleSheet("color: #c62828;")
            self.server_result.setText(error_text(exc))
            return
        self.server_result.setStyleSheet("color: #2e7d32;")
        if found.members is None:
            text = self.tr("Connected to %1. No store on it yet.").replace("%1", found.version)
        else:
            text = (
                self.tr("Connected to %1. It holds %2 members.")
                .replace("%1", found.version)
                .replace("%2", str(found.members))
            )
        self.server_result.setText(text)

    def _form(self, page: QWidget) -> QFormLayout:
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        return form

    def _printer_box(self, name: str, current: str) -> QComboBox:
        box = QComboBox(objectName=name)
        box.addItem(self.tr("Ask each time (open in the PDF viewer)"), "")
        for printer in printer_names():
            box.addItem(printer, printer)
        if current and box.findData(current) < 0:
            box.addItem(current + " " + self.tr("(not connected)"), current)
        box.setCurrentIndex(max(box.findData(current), 0))
        return box

    def _scaled(self, pixmap: QPixmap) -> QPixmap:
        return pixmap.scaled(
            self.logo_preview.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )

    @Slot()
    def on_choose_logo(self) -> None:
        path = open_path(
            self, self.tr("Store logo"), "", self.tr("Pictures (*.png *.jpg *.jpeg *.bmp)")
        )
        if path:
            self.use_logo_file(path)

    def use_logo_file(self, path: str) -> bool:
        png = call(self, logo_png, path)
        if png is None:
            return False
        self.new_logo, self.remove_logo = png, False
        image = QImage.fromData(png)
        self.logo_preview.setPixmap(self._scaled(QPixmap.fromImage(image)))
        return True

    @Slot()
    def on_remove_logo(self) -> None:
        self.new_logo, self.remove_logo = None, True
        self.logo_preview.clear()
        self.logo_preview.setText(self.tr("No logo"))

    @Slot()
    def on_choose_folder(self) -> None:
        folder = folder_path(self, self.tr("Backup folder"), self.backup_folder.text())
        if folder:
            self.backup_folder.setText(folder)

    def _open_close(self) -> tuple[int, int]:
        o, c = self.opens.time(), self.closes.time()
        open_minute = o.hour() * 60 + o.minute()
        close_minute = c.hour() * 60 + c.minute()
        if close_minute <= open_minute:
            close_minute += 24 * 60  # after midnight
        if close_minute == open_minute + 24 * 60 and open_minute == 0:
            close_minute = 24 * 60
        return open_minute, close_minute

    def collect(self) -> tuple[st.StoreSettings, SlaPolicy, dash.Targets]:
        """Everything the dialog holds, validated; raises the first problem."""
        settings = self.current.with_changes(
            language=self.language.currentData(),
            fuzzy_pinyin=self.fuzzy.isChecked(),
            idle_lock_minutes=self.idle.value(),
            coupon_layout=self.layout_box.currentData(),
            coupon_printer=self.coupon_printer.currentData(),
            report_printer=self.report_printer.currentData(),
            backup_keep=self.keep.value(),
            coupon_limit_cents=self.limit_amount.value() * 100,
            coupon_limit_percent=self.limit_percent.value(),
            prepaid_split=self.split.currentData(),
            prepaid_card_limit_cents=self.card_limit.value() * 100,
            prepaid_ask_buyer_id=self.ask_id.isChecked(),
        )
        open_minute, close_minute = self._open_close()
        rest = self.rest.checked()
        policy = self.policy.with_changes(
            open_minute=open_minute,
            close_minute=close_minute,
            rest_weekdays=rest,
            timezone=self.zone.currentText().strip(),
        )
        targets = dash.Targets(**{k: box.value() for k, box in self.goal_boxes.items()})
        if self.use_file.isEnabled():
            self.database_choice()  # raises on a server chosen without a usable URL
        return settings, policy, targets

    def on_save(self) -> None:
        try:
            settings, policy, targets = self.collect()
        except FrontdeskError as exc:
            self.show_error(error_text(exc), exc.params.get("field"))
            return
        ctx = self.ctx
        steps: list[tuple[bool, object, tuple[object, ...]]] = [
            (
                self.store_name.text().strip() != store.name(ctx),
                st.set_store_name,
                (ctx, self.store_name.text()),
            ),
            (policy != self.policy, cp.set_policy, (ctx, policy)),
            (targets != self.targets, dash.set_targets, (ctx, targets)),
            (
                self.backup_folder.isEnabled()
                and bool(self.backup_folder.text().strip())
                and self.backup_folder.text().strip() != str(bk.backup_dir(ctx)),
                bk.set_backup_dir,
                (ctx, self.backup_folder.text().strip()),
            ),
            (self.new_logo is not None, st.set_logo, (ctx, self.new_logo)),
            (self.remove_logo, self._remove_logo, ()),
            (
                self.use_file.isEnabled() and self.database_choice() != self.counter_config,
                counter.choose_database,
                (ctx, self.database_choice() if self.use_file.isEnabled() else None),
            ),
            (True, st.save, (ctx, settings)),
        ]
        for wanted, fn, args in steps:
            if wanted and call(self, fn, *args) is None:  # type: ignore[arg-type]
                return  # the reason is shown; what was saved before it stays saved
        self.saved = settings
        self.accept()
        if settings.language != self.current.language:
            self.language_changed.emit(settings.language)

    def _remove_logo(self) -> bool:
        st.set_logo(self.ctx, None)
        return True
