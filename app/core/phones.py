"""Phone numbers: validation, one stored form, and the masked form staff see."""

from __future__ import annotations

from app.core.errors import ValidationError

REGION = "CN"


def normalize_phone(raw: str) -> str:
    """The stored form: national digits for Chinese numbers, E.164 for others.

    Raises ValidationError(code "phone.invalid") for anything that is not a
    real, dialable number.
    """
    # Imported here: its metadata tables cost ~0.1 s that start-up need not pay.
    import phonenumbers

    text = (raw or "").strip()
    if not text:
        raise ValidationError("phone.required", field="phone")
    if len(text) > 32:
        raise ValidationError("phone.invalid", field="phone", value=text[:32])
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError("phone.invalid", field="phone", value=text) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("phone.invalid", field="phone", value=text)
    if phonenumbers.region_code_for_number(number) == REGION:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in national if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """138****1234: enough for a guest to recognise, too little to copy."""
    if len(phone) <= 7:
        return phone[:1] + "*" * max(len(phone) - 3, 0) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
