"""Money is integer cents (fen); these turn typed amounts into cents and back, and
show amounts and rates as text."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from app.core.errors import ValidationError

MAX_AMOUNT_CENTS = 10_000_000_00  # ten million yuan: beyond any single bill

_AMOUNT = re.compile(r"^\s*[¥￥]?\s*(-?\d+(?:\.\d{0,2})?)\s*(?:元)?\s*$")


def parse_amount(text: str, field: str = "amount") -> int:
    """'128', '128.5', '¥128.50' -> cents. Negative, over two decimals or junk is refused."""
    if not (text or "").strip():
        raise ValidationError("amount.required", field=field)
    m = _AMOUNT.match(text or "")
    if not m:
        raise ValidationError("amount.invalid", field=field, value=(text or "")[:40])
    try:
        value = Decimal(m.group(1))
    except InvalidOperation:
        raise ValidationError("amount.invalid", field=field, value=text[:40]) from None
    cents = int(value * 100)
    check_amount(cents, field)
    return cents


def check_amount(cents: int, field: str = "amount") -> int:
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise ValidationError("amount.invalid", field=field, value=str(cents)[:40])
    if cents < 0:
        raise ValidationError("amount.negative", field=field)
    if cents > MAX_AMOUNT_CENTS:
        raise ValidationError("amount.too_large", field=field)
    return cents


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}¥{cents // 100:,}.{cents % 100:02d}"


def format_rate(rate: float | None) -> str:
    """0.857 -> 85.7%, 0.6 -> 60%; no data -> an em dash (not 0%, which would be a result)."""
    if rate is None:
        return "—"
    text = f"{rate * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"
