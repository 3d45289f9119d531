"""Words shown for complaint codes (channel, category, status, stage), translated."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("complaints", text)


def channels() -> dict[str, str]:
    return {
        "counter": _t("Counter"),
        "phone": _t("Phone"),
        "online": _t("Online / WeChat"),
        "review": _t("Review site"),
    }


def categories() -> dict[str, str]:
    return {
        "service": _t("Service"),
        "hygiene": _t("Hygiene"),
        "food": _t("Food / product"),
        "price": _t("Price"),
        "facilities": _t("Facilities / equipment"),
        "booking": _t("Booking"),
        "other": _t("Other"),
    }


def severities() -> dict[str, str]:
    return {"normal": _t("Normal"), "urgent": _t("Urgent")}


def statuses() -> dict[str, str]:
    return {
        "new": _t("New"),
        "responded": _t("Responded"),
        "investigating": _t("Investigating"),
        "answered": _t("Answered"),
        "closed": _t("Closed"),
        "reopened": _t("Reopened"),
    }


def stages() -> dict[str, str]:
    return {
        "response": _t("First response"),
        "solution": _t("Solution"),
        "investigation": _t("Investigation"),
        "answer": _t("Final answer"),
    }


def actions() -> dict[str, str]:
    return {
        "logged": _t("Logged"),
        "responded": _t("Responded"),
        "investigating": _t("Investigation started"),
        "answered": _t("Answered"),
        "closed": _t("Closed"),
        "reopened": _t("Reopened"),
        "escalated": _t("Escalated"),
        "breached": _t("Deadline missed"),
        "note": _t("Note"),
    }
