"""Coupon rules: what a coupon gives (its terms, checked), whether it can be used today
for a bill, and what it takes off. No database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.core import codes
from app.core.errors import FrontdeskError, ValidationError
from app.core.money import check_amount, format_cents
from app.core.text import text_field

KINDS = ("amount", "percent", "item")


CAMPAIGN_KINDS = ("birthday", "winback", "compensation", "festival", "member_day", "adhoc")


class CouponError(FrontdeskError):
    """A code that cannot be redeemed; the code says why (each has its own message)."""


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon gives and when it may be used."""

    kind: str  # amount (cents off), percent (percent off), item (a free item/service)
    value: int = 0
    item: str = ""
    min_spend_cents: int = 0
    valid_days: int = 30

    def validated(self) -> CouponTerms:
        if self.kind not in KINDS:
            raise ValidationError("coupon.kind", field="kind")
        if self.kind == "amount":
            check_amount(self.value, "value")
            if self.value <= 0:
                raise ValidationError("coupon.value", field="value")
        elif self.kind == "percent" and not 1 <= self.value <= 90:
            raise ValidationError("coupon.percent", field="value")
        item = text_field(self.item, "item", required=self.kind == "item", max_len=64)
        check_amount(self.min_spend_cents, "min_spend")
        if not 1 <= self.valid_days <= 3660:
            raise ValidationError("coupon.valid_days", field="valid_days")
        return CouponTerms(
            self.kind,
            self.value if self.kind != "item" else 0,
            item,
            self.min_spend_cents,
            self.valid_days,
        )


@dataclass(frozen=True)
class CouponView:
    id: int
    code: str
    kind: str
    value: int
    item: str
    min_spend_cents: int
    valid_from: date
    valid_to: date
    member_id: int | None
    member_name: str
    campaign_id: int | None
    campaign_name: str
    issued_at: datetime
    used_at: datetime | None
    voided_at: datetime | None
    issued_by: str = ""

    @property
    def display_code(self) -> str:
        return codes.display(self.code)

    def state(self, today: date) -> str:
        """issued, used, voided, expired or not_yet."""
        if self.voided_at is not None:
            return "voided"
        if self.used_at is not None:
            return "used"
        if today > self.valid_to:
            return "expired"
        if today < self.valid_from:
            return "not_yet"
        return "valid"


@dataclass(frozen=True)
class RedemptionView:
    coupon: CouponView
    bill_cents: int
    discount_cents: int
    at: datetime


@dataclass(frozen=True)
class CampaignView:
    id: int
    kind: str
    name: str
    terms: CouponTerms
    max_coupons: int | None
    issued: int
    redeemed: int


@dataclass(frozen=True)
class IssuedCampaign:
    """What issuing a campaign did, with the reasons the others got nothing."""

    coupons: list[CouponView]
    already_held: int  # members who hold their share of this campaign already
    inactive: int  # deactivated (or unknown) members

    @property
    def skipped(self) -> int:
        return self.already_held + self.inactive


def terms_text(t: CouponTerms) -> str:
    """What a coupon gives, for the audit trail and the complaint's timeline."""
    offer = {"amount": format_cents(t.value), "percent": f"{t.value}%", "item": t.item}[t.kind]
    minimum = f" ≥{format_cents(t.min_spend_cents)}" if t.min_spend_cents else ""
    return f"{t.kind} {offer}{minimum} {t.valid_days}d"


def usable(view: CouponView, today: date, bill_cents: int | None = None) -> None:
    """Raises CouponError when the coupon cannot be used today (for this bill)."""
    state = view.state(today)
    if state == "used":
        raise CouponError("coupon.used", code=view.display_code, at=view.used_at)
    if state == "voided":
        raise CouponError("coupon.voided", code=view.display_code)
    if state == "expired":
        raise CouponError("coupon.expired", code=view.display_code, date=view.valid_to.isoformat())
    if state == "not_yet":
        raise CouponError(
            "coupon.not_yet", code=view.display_code, date=view.valid_from.isoformat()
        )
    if bill_cents is not None and bill_cents < view.min_spend_cents:
        raise CouponError("coupon.min_spend", min_cents=view.min_spend_cents, bill_cents=bill_cents)


def discount_for(view: CouponView, bill_cents: int) -> int:
    if view.kind == "amount":
        return min(view.value, bill_cents)
    if view.kind == "percent":
        return (bill_cents * view.value + 50) // 100
    return 0
