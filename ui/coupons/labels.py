"""Words for coupon codes (kinds, states, campaign kinds), translated."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.money import format_cents
from app.coupons import CouponView, IssuedCampaign


def kinds() -> dict[str, str]:
    return {
        "amount": QCoreApplication.translate("coupons", "Amount off"),
        "percent": QCoreApplication.translate("coupons", "Percent off"),
        "item": QCoreApplication.translate("coupons", "Free item / service"),
    }


def states() -> dict[str, str]:
    return {
        "valid": QCoreApplication.translate("coupons", "Valid"),
        "used": QCoreApplication.translate("coupons", "Used"),
        "voided": QCoreApplication.translate("coupons", "Voided"),
        "expired": QCoreApplication.translate("coupons", "Expired"),
        "not_yet": QCoreApplication.translate("coupons", "Not yet valid"),
    }


def campaign_kinds() -> dict[str, str]:
    return {
        "birthday": QCoreApplication.translate("coupons", "Birthday"),
        "winback": QCoreApplication.translate("coupons", "Win-back"),
        "compensation": QCoreApplication.translate("coupons", "Complaint compensation"),
        "festival": QCoreApplication.translate("coupons", "Festival"),
        "member_day": QCoreApplication.translate("coupons", "Member day"),
        "adhoc": QCoreApplication.translate("coupons", "Single coupon"),
    }


def layouts() -> dict[str, str]:
    return {
        "a4": QCoreApplication.translate("coupons", "A4 sheet (8 per page)"),
        "a6": QCoreApplication.translate("coupons", "A6 card"),
        "receipt58": QCoreApplication.translate("coupons", "58 mm receipt"),
        "receipt80": QCoreApplication.translate("coupons", "80 mm receipt"),
    }


def value_text(c: CouponView) -> str:
    if c.kind == "amount":
        return QCoreApplication.translate("coupons", "%1 off").replace("%1", format_cents(c.value))
    if c.kind == "percent":
        return QCoreApplication.translate("coupons", "%1% off").replace("%1", str(c.value))
    return QCoreApplication.translate("coupons", "Free: %1").replace("%1", c.item)


def issued_text(result: IssuedCampaign) -> str:
    """What issuing a campaign did, and why anyone got nothing (never a silent no-op)."""
    n = len(result.coupons)
    parts = [
        QCoreApplication.translate("coupons", "Issued %1 coupons.").replace("%1", str(n))
        if n
        else QCoreApplication.translate("coupons", "No coupons were issued.")
    ]
    if result.already_held:
        parts.append(
            QCoreApplication.translate(
                "coupons", "%1 members already hold this campaign's coupon."
            ).replace("%1", str(result.already_held))
        )
    if result.inactive:
        parts.append(
            QCoreApplication.translate("coupons", "%1 members are deactivated.").replace(
                "%1", str(result.inactive)
            )
        )
    return " ".join(parts)
