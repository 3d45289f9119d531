"""Every string the UI asks Qt to translate is in both Chinese .ts files, translated."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TS = sorted((ROOT / "resources" / "i18n").glob("*.ts"))
LITERAL = re.compile(
    r'(?:self\.tr|QCoreApplication\.translate\(\s*"[^"]+",)\(?\s*"((?:[^"\\]|\\.)+)"'
)


def sources(ts: Path) -> dict[str, str]:
    out = {}
    for message in ET.parse(ts).iter("message"):
        tr = message.find("translation")
        assert tr is not None
        forms = [f.text or "" for f in tr.findall("numerusform")]
        out[message.findtext("source") or ""] = (forms[0] if forms else tr.text) or ""
        assert tr.get("type") != "unfinished", (
            f"{ts.name}: untranslated {message.findtext('source')!r}"
        )
    return out


@pytest.mark.parametrize("ts", TS, ids=lambda p: p.name)
def test_every_ui_string_is_translated(ts: Path) -> None:
    known = sources(ts)
    assert all(text.strip() for source, text in known.items() if source.strip())
    wanted = set()
    for py in [*(ROOT / "ui").rglob("*.py"), ROOT / "app" / "core" / "messages.py"]:
        for match in LITERAL.finditer(py.read_text(encoding="utf-8")):
            text = match.group(1).replace('\\"', '"').replace("\\n", "\n")
            wanted.add(text.replace("\\\\", "\\"))
    assert len(wanted) > 400  # the pattern does find the UI's strings
    missing = sorted(w for w in wanted if not any(w in source for source in known))
    assert not missing, f"{ts.name} lacks {missing[:10]} (run make i18n and translate)"


def test_both_chinese_files_exist() -> None:
    assert {p.name for p in TS} == {"frontdesk_zh_CN.ts", "frontdesk_zh_TW.ts"}


def test_no_translated_text_hides_where_lupdate_cannot_see_it() -> None:
    """lupdate reads tr("…") with double quotes; a tr('…') inside an f-string is never
    extracted, so it stays English in every language."""
    hidden = re.compile(r"""(?:\.tr|translate)\(\s*(?:"[^"]*",\s*)?'""")
    found = [
        f"{py.relative_to(ROOT)}:{n}"
        for py in (ROOT / "ui").rglob("*.py")
        for n, line in enumerate(py.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert not found, found


MNEMONIC = re.compile(r"&(\w)")


@pytest.mark.parametrize("ts", TS, ids=lambda p: p.name)
def test_an_alt_key_is_the_same_in_every_language(ts: Path) -> None:
    """A button's underlined letter (&R) is its Alt key, named in its tooltip: the
    translation keeps the letter ("回应(&R)"), or Alt+R would do nothing in Chinese."""
    wrong = [
        (source, text)
        for source, text in sources(ts).items()
        if (key := MNEMONIC.search(source.replace("&&", "")))
        and [k.upper() for k in MNEMONIC.findall(text.replace("&&", ""))] != [key[1].upper()]
    ]
    assert not wrong, wrong
