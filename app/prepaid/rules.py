"""Stored-value cards (储值卡): the rules, without the database.

Two balances per card: principal (what the guest paid in) and bonus (what the store
gave on top). A spend takes from both by the store's rule; a refund pays back the
unspent principal counted the way the Supreme People's Court's 2025 interpretation on
prepaid consumption counts it: the bonus is spread over what was spent in proportion,
so of each yuan spent only paid/(paid+bonus) used up paid money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

KINDS = ("recharge", "spend", "refund", "void", "adjust")
METHODS = ("cash", "wechat", "alipay", "card")
SPLITS = ("pro_rata", "principal_first", "bonus_first")


def split_spend(amount: int, principal: int, bonus: int, rule: str = "pro_rata") -> tuple[int, int]:
    """(from principal, from bonus) for a spend of `amount` cents; the caller has checked
    that principal + bonus covers it. Pro rata: in proportion to the two balances, the
    principal's share rounded half up, then each side kept within its balance."""
    if amount < 0 or principal < 0 or bonus < 0 or amount > principal + bonus:
        raise ValueError("a spend the balances do not cover")
    if rule == "principal_first":
        p = min(amount, principal)
    elif rule == "bonus_first":
        p = amount - min(amount, bonus)
    elif rule == "pro_rata":
        total = principal + bonus
        p = (2 * amount * principal + total) // (2 * total) if total else 0
    else:
        raise ValueError(f"unknown split rule {rule!r}")
    p = max(amount - bonus, min(p, principal, amount))
    return p, amount - p


@dataclass(frozen=True)
class Refund:
    """What a refund pays back, and how it was counted (all in cents)."""

    paid: int  # principal paid in over the card's period
    bonus: int  # bonus given over the period
    spent: int  # spent from the card over the period (voided spends not counted)
    consumed: int  # of the paid money, counted as used up: spent × paid / (paid + bonus)
    refund: int  # paid − consumed, never below 0 nor above what is left to pay back


def refund_due(paid: int, bonus: int, spent: int, refunded_before: int = 0) -> Refund:
    """The Supreme People's Court 2025 formula. ¥3,000 paid + ¥1,000 bonus, ¥3,594 spent:
    ¥2,695.50 consumed, ¥304.50 refunded. Half cents of the consumed part are dropped, so
    the guest gets the half cent."""
    if min(paid, bonus, spent, refunded_before) < 0:
        raise ValueError("negative amounts")
    total = paid + bonus
    consumed = min(paid, spent * paid // total) if total else 0
    refund = max(0, min(paid - consumed, paid - refunded_before))
    return Refund(paid, bonus, spent, consumed, refund)


def mask_id_number(number: str) -> str:
    """An ID number as everyone sees it: the first 3 and last 4 characters."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number_valid(number: str) -> bool:
    """A mainland resident ID number (18 characters, GB 11643 check character) with a
    real date of birth."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17]


@dataclass(frozen=True)
class PlanView:
    id: int
    name: str
    pay_cents: int
    bonus_cents: int
    valid_from: date | None
    valid_to: date | None
    upgrade_tier: str | None
    active: bool

    def offered_on(self, day: date) -> bool:
        return (
            self.active
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
        )


@dataclass(frozen=True)
class PlanInput:
    name: str
    pay_cents: int
    bonus_cents: int = 0
    valid_from: date | None = None
    valid_to: date | None = None
    upgrade_tier: str | None = None
    active: bool = True


@dataclass(frozen=True)
class CardView:
    """A member's card as the counter shows it."""

    member_id: int
    principal_cents: int
    bonus_cents: int
    status: str  # none (never recharged), open, closed

    @property
    def balance_cents(self) -> int:
        return self.principal_cents + self.bonus_cents


@dataclass(frozen=True)
class EntryView:
    """One ledger line. The buyer's ID number only masked."""

    id: int
    member_id: int
    at: datetime
    kind: str
    principal_cents: int
    bonus_cents: int
    principal_after: int
    bonus_after: int
    cash_cents: int
    method: str
    plan_id: int | None
    visit_id: int | None
    voids_id: int | None
    voided: bool  # a later void entry undoes this one
    reason: str
    staff: str
    buyer_name: str
    buyer_id_masked: str

    @property
    def amount_cents(self) -> int:
        return self.principal_cents + self.bonus_cents


@dataclass(frozen=True)
class Warning:
    """A rule the store set that this recharge goes past; the receptionist confirms."""

    code: str  # prepaid.over_limit, prepaid.no_buyer_id
    params: dict[str, object]


@dataclass(frozen=True)
class Checkout:
    """A visit paid at the counter: the bill, the coupon's discount, what the card paid
    and what is left to pay by other means."""

    visit_id: int
    bill_cents: int
    discount_cents: int
    from_card_cents: int
    from_principal_cents: int
    from_bonus_cents: int
    to_pay_cents: int
    principal_after: int
    bonus_after: int
    coupon_code: str | None
