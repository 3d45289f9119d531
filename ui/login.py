"""Signing in at the counter: the owner's account at first start, then a login, and the
lock after the counter has been left idle."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app import staff as st
from app.core.context import AppContext
from ui.actions import call
from ui.forms import FormDialog


class SetupOwnerDialog(FormDialog):
    """First start: the owner creates their account (they add staff later)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupOwnerDialog")
        self.setMinimumWidth(460)
        self.setWindowTitle(self.tr("Welcome — create the owner's account"))
        self.ctx = ctx
        self.session: st.StaffSession | None = None
        intro = QLabel(
            self.tr(
                "This account can add staff, see the audit trail and "
                "restore backups. Keep the password safe."
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("setupIntro")
        # Above the form (a form row squashes a wrapped label when the error line appears).
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, intro)
        self.username = QLineEdit(objectName="setupUsername")
        self.display = QLineEdit(objectName="setupName")
        self.password = QLineEdit(objectName="setupPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(objectName="setupPasswordAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_rows(
            (
                (self.tr("User name"), self.username, "username"),
                (self.tr("Your name"), self.display, "name"),
                (self.tr("Password"), self.password, "password"),
                (self.tr("Password again"), self.again, "again"),
            )
        )
        self.username.setFocus()

    def on_save(self) -> None:
        if self.password.text() != self.again.text():
            self.show_error(self.tr("The two passwords differ."), "again")
            return
        if (
            call(
                self,
                st.create_staff,
                self.ctx,
                self.username.text(),
                self.display.text(),
                "owner",
                self.password.text(),
            )
            is None
        ):
            return
        self.session = call(self, st.login, self.ctx, self.username.text(), self.password.text())
        if self.session is not None:
            self.accept()


class LoginDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, locked: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setMinimumWidth(380)
        self.setWindowTitle(
            self.tr("Locked — sign in to continue") if locked else self.tr("Sign in")
        )
        self.ctx = ctx
        self.locked = locked
        self.session: st.StaffSession | None = None
        self.username = QLineEdit(objectName="loginUsername")
        self.password = QLineEdit(objectName="loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("User name"), self.username)
        self.form.addRow(self.tr("Password"), self.password)
        self.fields.update({"username": self.username, "password": self.password})
        sign_in = self.buttons.button(self.buttons.StandardButton.Save)
        sign_in.setText(self.tr("Sign in"))
        sign_in.setIcon(QIcon())  # not Save's floppy disk
        # Enter is handled here, once: in the user name it moves to the password, in the
        # password it signs in. (Left to Qt, the same Enter also reached the dialog's
        # default button: one wrong password counted three times.)
        self.username.installEventFilter(self)
        self.password.installEventFilter(self)
        if locked:  # there is no way past the lock but signing in: no Cancel to offer
            self.buttons.button(self.buttons.StandardButton.Cancel).hide()
        self.username.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if watched is self.username:
                self.password.setFocus()
                return True
            if watched is self.password:
                self.on_save()
                return True
        return super().eventFilter(watched, event)

    def on_save(self) -> None:
        session = call(self, st.login, self.ctx, self.username.text(), self.password.text())
        if session is None:
            self.password.clear()
            self.password.setFocus()
            return
        self.session = session
        self.accept()

    def reject(self) -> None:
        # While locked, the counter stays locked: Esc or closing the box is not a way in.
        # At start-up, giving up the sign-in quits the program.
        if self.locked:
            return None
        return super().reject()
