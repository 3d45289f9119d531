"""Settings › Database: which database this counter uses (kept on this PC, counter.json),
its name on the server and a "Test connection" that says what it found."""

from __future__ import annotations

import json
import socket

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.core import audit, connection, requests
from app.core.context import AppContext
from ui.actions import Attempt
from ui.settings import SettingsDialog

SERVER = "postgresql://frontdesk:secret@192.168.1.10/frontdesk"


def dialog_on_database(qtbot: QtBot, ctx: AppContext) -> SettingsDialog:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def save(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_a_bad_server_address_is_refused_on_its_tab_and_nothing_is_saved(
    qtbot: QtBot, ctx: AppContext, english: None
) -> None:
    dialog = dialog_on_database(qtbot, ctx)
    assert dialog.use_file.isChecked() and not dialog.server_url.isEnabled()
    assert "this PC's own file" in dialog.findChild(object, "databaseNote").text()
    dialog.use_server.setChecked(True)
    assert dialog.server_url.isEnabled()
    for typed in ("", "192.168.1.10", "postgresql://192.168.1.10", "mysql://a@b/c"):
        dialog.tabs.setCurrentIndex(0)
        dialog.server_url.setText(typed)
        save(dialog)
        assert dialog.result() == 0
        assert "postgresql://user:password@host/database" in dialog.error.text()
        assert dialog.tabs.currentWidget().isAncestorOf(dialog.server_url)
    assert not (ctx.data_dir / connection.COUNTER_FILE).exists()
    assert not audit.entries(ctx, action="database.choose")


def test_the_owner_points_this_counter_at_the_server_for_the_next_start(
    qtbot: QtBot, ctx: AppContext, english: None
) -> None:
    dialog = dialog_on_database(qtbot, ctx)
    assert dialog.counter_name.placeholderText() == socket.gethostname()
    dialog.use_server.setChecked(True)
    assert dialog.server_password.isEnabled()
    dialog.server_url.setText("  postgresql://frontdesk@192.168.1.10/frontdesk ")
    dialog.server_password.setText("secret")
    dialog.counter_name.setText("  Front   desk 2 ")
    save(dialog)
    assert dialog.result() == 1
    stored = json.loads((ctx.data_dir / connection.COUNTER_FILE).read_text(encoding="utf-8"))
    assert stored == {"database_url": SERVER, "counter_name": "Front desk 2"}
    assert connection.database_url(ctx.data_dir) == SERVER
    assert not ctx.server  # a running counter never switches under the receptionist
    (entry,) = audit.entries(ctx, action="database.choose")
    assert entry.target == "Front desk 2"
    assert "secret" not in entry.detail and "192.168.1.10" in entry.detail

    again = dialog_on_database(qtbot, ctx)
    assert again.use_server.isChecked()
    # The address is shown, the password only in its own masked field.
    assert again.server_url.text() == "postgresql://frontdesk@192.168.1.10/frontdesk"
    assert again.server_password.text() == "secret"
    assert again.server_password.echoMode() == again.server_password.EchoMode.Password
    again.use_file.setChecked(True)
    save(again)
    assert again.result() == 1
    assert connection.database_url(ctx.data_dir) is None


def test_test_connection_says_why_it_failed(qtbot: QtBot, ctx: AppContext, english: None) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = dialog_on_database(qtbot, ctx)
    dialog.use_server.setChecked(True)
    dialog.server_url.setText(f"postgresql://frontdesk:x@127.0.0.1:{port}/frontdesk")
    dialog.findChild(object, "testServer").click()
    assert dialog.server_result.text().startswith("Could not connect to the server: ")
    assert "refused" in dialog.server_result.text()


@pytest.mark.parametrize("role", ["manager", "receptionist"])
def test_only_the_owner_chooses_the_database(qtbot: QtBot, ctx: AppContext, english: None) -> None:
    dialog = dialog_on_database(qtbot, ctx)
    for widget in (
        dialog.use_file,
        dialog.use_server,
        dialog.server_url,
        dialog.server_password,
        dialog.counter_name,
    ):
        assert not widget.isEnabled()


def test_a_save_pressed_again_on_the_same_input_is_the_same_request() -> None:
    attempt = Attempt()
    first = attempt.id_for("YQ-ABCD", 10000)
    assert attempt.id_for("YQ-ABCD", 10000) == first  # Save again after a lost answer
    changed = attempt.id_for("YQ-ABCD", 12000)
    assert changed != first  # another bill: another request
    attempt.done()
    assert attempt.id_for("YQ-ABCD", 12000) not in (first, changed)  # saved: the next is new
    assert requests.check(changed) == changed  # what the services accept


def test_a_password_typed_in_the_address_is_kept_and_one_in_its_field_wins() -> None:
    typed = "postgresql://frontdesk:se%40cret@192.168.1.10:5433/frontdesk?sslmode=require"
    address, password = connection.split_password(typed)
    assert address == "postgresql://frontdesk@192.168.1.10:5433/frontdesk?sslmode=require"
    assert password == "se@cret"
    assert connection.with_password(address, password) == typed
    assert connection.with_password(typed, "new") == typed.replace("se%40cret", "new")
    assert connection.with_password(address, "") == address
