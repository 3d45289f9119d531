"""Pinyin of guests' names and the search keys that find a member."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache
from typing import Protocol

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# The search keys' generation: a store whose keys were made by an older one has them
# made again (app.members.service.rebuild_search_keys, in the background at start).
KEYS_VERSION = 3
# At most this many readings of one name get keys (the everyday one first, then the
# surname's other readings, then the given name's).
MAX_READINGS = 8


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def clean_text(text: str) -> str:
    """NFKC-normalised, lower-case, no spaces: the form keys and queries share."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional characters as Simplified (陳 -> 陈), so each finds the other."""
    if not has_cjk(text):
        return text
    return str(_converter().convert(text))


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _converter() -> _Converter:
    # Imported when first needed: OpenCC's tables, like pypinyin's, cost start-up time.
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def _words(items: list[str]) -> list[str]:
    """Syllables (and the words of any Latin part), lower-case letters and digits only."""
    out: list[str] = []
    for item in items:
        out.extend(
            w for w in (re.sub(r"[^0-9a-z]", "", part.lower()) for part in item.split()) if w
        )
    return out


@lru_cache(maxsize=65536)
def name_readings(name: str) -> tuple[tuple[str, ...], ...]:
    """Every way the name may be read, as syllables: the everyday reading first (with
    pypinyin's phrases, so 万俟 reads moqi and 单于 chanyu), then the other readings of
    its characters (a surname read its own way: 单 shan, 曾 zeng, 覃 qin), the surname's
    varied first; at most MAX_READINGS."""
    # Imported here: pypinyin's phrase tables cost ~0.3 s, which start-up need not pay.
    from pypinyin import Style, lazy_pinyin, pinyin

    text = simplified(unicodedata.normalize("NFKC", name.strip()))
    if not text:
        return ()
    items = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    options: list[list[str]] = [[item] for item in items]
    # Per character: its other readings (pypinyin's heteronyms), after the everyday one.
    chars = [c for c in text if not c.isspace()]
    if len(items) == len(chars) and all(_CJK.match(c) for c in chars):
        for i, char in enumerate(chars):
            for reading in pinyin(char, style=Style.NORMAL, heteronym=True)[0]:
                if reading not in options[i]:
                    options[i].append(reading)
    readings: list[tuple[str, ...]] = []
    # The first character (the surname) varies fastest.
    for combo in itertools.product(*reversed(options)):
        words = tuple(_words(list(reversed(combo))))
        if words and words not in readings:
            readings.append(words)
        if len(readings) >= MAX_READINGS:
            break
    return tuple(readings)


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of the everyday reading: 张三 -> ("zhangsan", "zs")."""
    readings = name_readings(name)
    if not readings:
        return "", ""
    words = readings[0]
    return "".join(words), "".join(w[0] for w in words)


def fuzzy(pinyin_text: str) -> str:
    """Pinyin as an input method's fuzzy mode hears it: z/zh, c/ch, s/sh, l/n, an/ang,
    en/eng, in/ing fall together, and ü written v or u (吕 lv, as on a keyboard, or lu, as
    without its dots) (applied alike to keys and to what is typed)."""
    text = pinyin_text.replace("zh", "z").replace("ch", "c").replace("sh", "s")
    return text.replace("ng", "n").replace("n", "l").replace("v", "u")


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
    """The keys a search finds the member by. Kinds: m member no., c card, p phone from
    its start, t phone from its end; n the name from any character as written, v in
    Simplified when written otherwise (陳 also as 陈); y full pinyin from the start and s
    from any later syllable, i initials, each for the everyday reading of the name and
    its surname's own readings (单 dan and shan); r all three for the given name's rarer
    readings (俊 shun), found after the others; f fuzzy full pinyin and j fuzzy initials
    of every reading."""
    keys = {"m" + member_no.lower(), "p" + phone, "t" + phone[::-1]}
    if card_no:
        keys.add("c" + card_no.lower())
    written = name_suffixes(name)
    keys.update("n" + s for s in written)
    keys.update("v" + s for s in name_suffixes(simplified(name)) if s not in written)
    readings = list(name_readings(name))
    if pinyin is not None and pinyin[0]:
        keys.add("y" + pinyin[0])
        keys.add("f" + fuzzy(pinyin[0]))
    given = readings[0][1:] if readings else ()
    for words in readings:
        full, initials = "".join(words), "".join(w[0] for w in words)
        later = ["".join(words[k:]) for k in range(1, len(words))]
        if words[1:] == given:
            keys.add("y" + full)
            keys.add("i" + initials)
            keys.update("s" + s for s in later)
        else:  # (not what the everyday reading has already)
            keys.update(
                "r" + s for s in (full, initials, *later) if keys.isdisjoint(k + s for k in "yis")
            )
        keys.add("f" + fuzzy(full))
        keys.add("j" + initials.replace("n", "l"))
    return keys
