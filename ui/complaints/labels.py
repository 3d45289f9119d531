"""Words shown for complaint codes (channel, category, status, stage), translated."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def channels() -> dict[str, str]:
    return {
        "counter": QCoreApplication.translate("complaints", "Counter"),
        "phone": QCoreApplication.translate("complaints", "Phone"),
        "online": QCoreApplication.translate("complaints", "Online / WeChat"),
        "review": QCoreApplication.translate("complaints", "Review site"),
    }


def categories() -> dict[str, str]:
    return {
        "service": QCoreApplication.translate("complaints", "Service"),
        "hygiene": QCoreApplication.translate("complaints", "Hygiene"),
        "food": QCoreApplication.translate("complaints", "Food / product"),
        "price": QCoreApplication.translate("complaints", "Price"),
        "facilities": QCoreApplication.translate("complaints", "Facilities / equipment"),
        "booking": QCoreApplication.translate("complaints", "Booking"),
        "other": QCoreApplication.translate("complaints", "Other"),
    }


def severities() -> dict[str, str]:
    return {
        "normal": QCoreApplication.translate("complaints", "Normal"),
        "urgent": QCoreApplication.translate("complaints", "Urgent"),
    }


def statuses() -> dict[str, str]:
    return {
        "new": QCoreApplication.translate("complaints", "New"),
        "responded": QCoreApplication.translate("complaints", "Responded"),
        "investigating": QCoreApplication.translate("complaints", "Investigating"),
        "answered": QCoreApplication.translate("complaints", "Answered"),
        "closed": QCoreApplication.translate("complaints", "Closed"),
        "reopened": QCoreApplication.translate("complaints", "Reopened"),
    }


def stages() -> dict[str, str]:
    return {
        "response": QCoreApplication.translate("complaints", "First response"),
        "solution": QCoreApplication.translate("complaints", "Solution"),
        "investigation": QCoreApplication.translate("complaints", "Investigation"),
        "answer": QCoreApplication.translate("complaints", "Final answer"),
    }


def manager_name(name: str) -> str:
    """Who escalations go to: the policy's name, or the manager on duty."""
    return name.strip() or QCoreApplication.translate("complaints", "duty manager")


def assignee(name: str, escalated: bool) -> str:
    shown = manager_name(name) if escalated else name
    return shown + (" ⬆" if escalated else "")


def actions() -> dict[str, str]:
    return {
        "logged": QCoreApplication.translate("complaints", "Logged"),
        "responded": QCoreApplication.translate("complaints", "Responded"),
        "investigating": QCoreApplication.translate("complaints", "Investigation started"),
        "answered": QCoreApplication.translate("complaints", "Answered"),
        "closed": QCoreApplication.translate("complaints", "Closed"),
        "reopened": QCoreApplication.translate("complaints", "Reopened"),
        "escalated": QCoreApplication.translate("complaints", "Escalated"),
        "breached": QCoreApplication.translate("complaints", "Deadline missed"),
        "warned": QCoreApplication.translate("complaints", "Deadline near (warned)"),
        "note": QCoreApplication.translate("complaints", "Note"),
        "coupon": QCoreApplication.translate("complaints", "Compensation coupon"),
    }
