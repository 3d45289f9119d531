"""Free text typed at the counter: normalised, trimmed, no control characters, bounded."""

from __future__ import annotations

import re
import unicodedata

from app.core.errors import ValidationError

MAX_TEXT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_field(
    value: str | None, fld: str, *, required: bool = False, max_len: int = MAX_TEXT
) -> str:
    """The text as it is kept (NFC, trimmed); a clear refusal naming the field otherwise."""
    text = unicodedata.normalize("NFC", (value or "")).strip()
    if _CONTROL.search(text):
        raise ValidationError("text.control_chars", field=fld)
    if required and not text:
        raise ValidationError("field.required", field=fld)
    if len(text) > max_len:
        raise ValidationError("text.too_long", field=fld, max=max_len)
    return text


def one_line(value: str | None, fld: str, *, required: bool = False, max_len: int = 64) -> str:
    """A name-like field: one line, runs of spaces made one."""
    return " ".join(text_field(value, fld, required=required, max_len=max_len).split())
