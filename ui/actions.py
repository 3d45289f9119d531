"""The one way the UI runs a service call: errors become a clear message, nothing crashes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core import requests
from app.core.errors import FrontdeskError
from app.core.messages import message_template, render
from ui.complaints import labels

log = logging.getLogger(__name__)
T = TypeVar("T")


class Attempt:
    """The request id of what the user is trying to save: the same while they press Save
    again on the same input (after "not known whether it was saved", the server then
    answers with what it saved, never twice), a new one once it is saved or the input
    changes."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._id = ""

    def id_for(self, *key: object) -> str:
        if key != self._key:
            self._key, self._id = key, requests.new_id()
        return self._id

    def done(self) -> None:
        self._key = None


class ShowsErrors(Protocol):
    def show_error(self, text: str, field: str | None) -> None: ...


def field_label(field: str) -> str:
    labels = {
        "name": QCoreApplication.translate("fields", "name"),
        "phone": QCoreApplication.translate("fields", "phone"),
        "card_no": QCoreApplication.translate("fields", "card no."),
        "birthday": QCoreApplication.translate("fields", "birthday"),
        "preferences": QCoreApplication.translate("fields", "preferences"),
        "allergies": QCoreApplication.translate("fields", "allergies"),
        "notes": QCoreApplication.translate("fields", "notes"),
        "tags": QCoreApplication.translate("fields", "tags"),
        "items": QCoreApplication.translate("fields", "items"),
        "amount": QCoreApplication.translate("fields", "amount"),
        "staff": QCoreApplication.translate("fields", "staff"),
        "description": QCoreApplication.translate("fields", "description"),
        "note": QCoreApplication.translate("fields", "note"),
        "root_cause": QCoreApplication.translate("fields", "root cause"),
        "remedy": QCoreApplication.translate("fields", "remedy"),
        "guest_name": QCoreApplication.translate("fields", "guest name"),
        "holidays": QCoreApplication.translate("fields", "holidays"),
        "makeup_workdays": QCoreApplication.translate("fields", "make-up working days"),
        "manager": QCoreApplication.translate("fields", "manager"),
        "purpose": QCoreApplication.translate("fields", "purpose"),
        "outcome": QCoreApplication.translate("fields", "outcome"),
        "reason": QCoreApplication.translate("fields", "reason"),
        "pay": QCoreApplication.translate("fields", "amount paid"),
        "bonus": QCoreApplication.translate("fields", "bonus"),
        "principal": QCoreApplication.translate("fields", "paid balance"),
        "from_card": QCoreApplication.translate("fields", "from card"),
        "buyer_name": QCoreApplication.translate("fields", "buyer's name"),
        "buyer_id": QCoreApplication.translate("fields", "ID number"),
        "method": QCoreApplication.translate("fields", "payment method"),
        "upgrade_tier": QCoreApplication.translate("fields", "tier upgrade"),
        "comment": QCoreApplication.translate("fields", "comment"),
        "idle_lock_minutes": QCoreApplication.translate("fields", "idle lock minutes"),
        "backup_keep": QCoreApplication.translate("fields", "backups to keep"),
        "coupon_printer": QCoreApplication.translate("fields", "coupon printer"),
        "report_printer": QCoreApplication.translate("fields", "report printer"),
        "satisfaction_pct": QCoreApplication.translate("fields", "satisfaction target"),
        "on_time_pct": QCoreApplication.translate("fields", "on-time target"),
        "retention_pct": QCoreApplication.translate("fields", "retention target"),
        "redemption_pct": QCoreApplication.translate("fields", "redemption target"),
        "warn_response_minutes": QCoreApplication.translate(
            "fields", "the warning before the first response"
        ),
        "warn_investigation_minutes": QCoreApplication.translate(
            "fields", "the warning before the investigation"
        ),
        "warn_answer_minutes": QCoreApplication.translate(
            "fields", "the warning before the final answer"
        ),
    }
    return labels.get(field, field)


def role_names() -> dict[str, str]:
    return {
        "receptionist": QCoreApplication.translate("roles", "receptionist"),
        "manager": QCoreApplication.translate("roles", "manager"),
        "owner": QCoreApplication.translate("roles", "owner"),
    }


def error_text(exc: FrontdeskError) -> str:
    params = dict(exc.params)
    if isinstance(params.get("field"), str):
        params["field"] = field_label(params["field"])
    statuses = labels.statuses()
    for key in ("status", "to"):
        if isinstance(params.get(key), str):
            params[key] = statuses.get(params[key], params[key])
    if isinstance(params.get("role"), str):
        params["role"] = role_names().get(params["role"], params["role"])
    template = QCoreApplication.translate("errors", message_template(exc.code))
    return render(template, params)


def quietly(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Runs a service call nobody asked for (a timer's: deadlines every second). A
    refusal or an unreachable server is logged, never shown as a dialog: nobody is
    waiting for an answer, and a message box left on screen would block the counter
    (the status bar already says when the server is away). Returns None then."""
    try:
        return fn(*args, **kwargs)
    except FrontdeskError as exc:
        log.info("%s skipped: %s", getattr(fn, "__name__", fn), exc.code)
        return None
    except Exception:
        log.exception("unexpected error in %s", getattr(fn, "__name__", fn))
        return None


def call(parent: QWidget | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Runs a service call. A refused action shows why and returns None."""
    try:
        return fn(*args, **kwargs)
    except FrontdeskError as exc:
        text = error_text(exc)
        show = getattr(parent, "show_error", None)
        if callable(show):
            show(text, exc.params.get("field"))
        else:
            warn(parent, text)
        return None
    except Exception:
        log.exception("unexpected error in %s", getattr(fn, "__name__", fn))
        warn(
            parent,
            QCoreApplication.translate(
                "errors",
                "Sorry, something went wrong. Nothing was saved. The details are in the log.",
            ),
        )
        return None


def ask(
    parent: QWidget,
    name: str,
    title: str,
    text: str,
    on_yes: Callable[[], object],
    on_no: Callable[[], object] | None = None,
    *,
    yes_by_default: bool = False,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox:
    """A Yes/No question shown without blocking (the journeys and the tests answer it
    like a person); `on_yes` runs on Yes, `on_no` on No, Esc or closing it."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(icon, title, text, yes | no, parent)
    box.setObjectName(name)
    box.setDefaultButton(yes if yes_by_default else no)

    def answered(_result: int) -> None:
        clicked = box.clickedButton()
        if clicked is not None and box.standardButton(clicked) == yes:
            on_yes()
        elif on_no is not None:
            on_no()

    box.finished.connect(answered)
    box.open()
    return box


def warn(parent: QWidget | None, text: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("errors", "Frontdesk"),
        text,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("errorMessageBox")
    box.open()
