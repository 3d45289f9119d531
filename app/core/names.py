"""Pinyin of guests' names and the search keys that find a member."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Pinyin of common surnames that differ from the character's everyday reading.
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "尉": "yu",
    "乐": "yue",
    "缪": "miao",
    "覃": "qin",
    "翟": "zhai",
    "召": "shao",
    "繁": "po",
    "长": "chang",
    "宿": "su",
}


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def clean_text(text: str) -> str:
    """NFKC-normalised, lower-case, no spaces: the form keys and queries share."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@lru_cache(maxsize=65536)
def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name: 张三 -> ("zhangsan", "zs")."""
    # Imported here: pypinyin's phrase tables cost ~0.3 s, which start-up need not pay.
    from pypinyin import Style, lazy_pinyin

    name = unicodedata.normalize("NFKC", name.strip())
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    if name and name[0] in _SURNAME_READINGS and syllables:
        syllables[0] = _SURNAME_READINGS[name[0]]
    words: list[str] = []
    for syl in syllables:
        words.extend(syl.split())
    full = "".join(w.lower() for w in words if w.isalnum() or w.isascii())
    initials = "".join(w[0].lower() for w in words if w and w[0].isalnum())
    return re.sub(r"[^0-9a-z]", "", full), re.sub(r"[^0-9a-z]", "", initials)


def name_suffixes(name: str) -> list[str]:
    """Every place a search for 'any part of the name' may start.

    Chinese names: each character (三丰 finds 张三丰). Latin names: each word.
    """
    text = unicodedata.normalize("NFKC", name).lower().strip()
    starts: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        if ch.isspace():
            prev_space = True
            continue
        if _CJK.match(ch) or prev_space:
            starts.append(i)
        prev_space = False
    seen: list[str] = []
    for s in starts:
        suffix = "".join(text[s:].split())
        if suffix and suffix not in seen:
            seen.append(suffix)
    return seen


def member_keys(
    member_no: str,
    card_no: str | None,
    name: str,
    phone: str,
    pinyin: tuple[str, str] | None = None,
) -> set[str]:
    full, initials = pinyin or name_pinyin(name)
    keys = {"m" + member_no.lower(), "p" + phone, "t" + phone[::-1]}
    if card_no:
        keys.add("c" + card_no.lower())
    keys.update("n" + s for s in name_suffixes(name))
    if full:
        keys.add("y" + full)
    if initials:
        keys.add("i" + initials)
    return keys
