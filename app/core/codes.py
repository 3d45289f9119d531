"""Coupon codes: short, unambiguous, typo-checked, and signed with the store's secret.

A code is 12 characters from a 31-letter alphabet (no I, L, O, U, V), shown as
XXXX-XXXX-XXXX: 6 random characters, 5 characters of an HMAC over them keyed with
the store's secret (so a guest cannot make a valid code from another one), and a
check character. The check is a weighted sum modulo 31, a prime as large as the
alphabet: any single wrong character, and any swap of two neighbours in the first
11, is caught
before the database is asked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTWXYZ"
BASE = len(ALPHABET)  # 31, prime
RANDOM_LEN, MAC_LEN = 6, 5
BODY_LEN = RANDOM_LEN + MAC_LEN
CODE_LEN = BODY_LEN + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# What people and scanners type instead of the real character.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class CodeProblem(Exception):
    """Why a typed code is not a coupon code: 'format', 'typo' or 'forged'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize(text: str) -> str:
    """Upper-case, no dashes or spaces, look-alike letters mapped."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -_\t\r\n")
    return cleaned.translate(_LOOKALIKES)


def check_char(body: str) -> str:
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    return ALPHABET[total % BASE]


def _mac(secret: bytes, random_part: str) -> str:
    digest = hmac.new(secret, random_part.encode("ascii"), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    out = []
    for _ in range(MAC_LEN):
        number, digit = divmod(number, BASE)
        out.append(ALPHABET[digit])
    return "".join(out)


def new_code(secret: bytes) -> str:
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LEN))
    body = random_part + _mac(secret, random_part)
    return body + check_char(body)


def verify(text: str, secret: bytes) -> str:
    """The normalised code, or CodeProblem saying why it cannot be one of ours."""
    code = normalize(text)
    if len(code) != CODE_LEN or any(ch not in _VALUE for ch in code):
        raise CodeProblem("format")
    body, check = code[:BODY_LEN], code[BODY_LEN]
    if check_char(body) != check:
        raise CodeProblem("typo")
    if not hmac.compare_digest(_mac(secret, body[:RANDOM_LEN]), body[RANDOM_LEN:]):
        raise CodeProblem("forged")
    return code


def looks_like_code(text: str) -> bool:
    """Shaped like a coupon code (12 characters of the code alphabet, with a letter or
    printed with its dashes), whether or not it checks out: a scan or a typing of a code,
    never a phone, member or card number."""
    raw = (text or "").strip()
    code = normalize(raw)
    if len(code) != CODE_LEN or any(ch not in _VALUE for ch in code):
        return False
    return any(ch.isalpha() for ch in code) or raw.count("-") == 2


def code_at_end(text: str) -> str | None:
    """A coupon code scanned onto the end of a box that already held something (a
    scanner types wherever the focus is): the code, or None."""
    raw = (text or "").strip()
    for tail in (raw[-14:], raw[-12:], raw):
        if looks_like_code(tail):
            return tail
    return None


def display(code: str) -> str:
    """XXXX-XXXX-XXXX, easier to read out and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
