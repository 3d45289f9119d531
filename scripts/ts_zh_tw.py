"""Writes resources/i18n/frontdesk_zh_TW.ts from the zh_CN translations, converted to
Traditional Chinese with Taiwan wording (OpenCC s2twp). Re-run after `make i18n`;
strings a reviewer has corrected by hand in the zh_TW file are kept.

Usage: python scripts/ts_zh_tw.py
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import opencc

I18N = Path(__file__).resolve().parent.parent / "resources" / "i18n"


def main() -> None:
    convert = opencc.OpenCC("s2twp").convert
    source = ET.parse(I18N / "frontdesk_zh_CN.ts")
    target_path = I18N / "frontdesk_zh_TW.ts"
    reviewed: dict[tuple[str, str], str] = {}
    if target_path.exists():
        for ctx in ET.parse(target_path).iter("context"):
            name = ctx.findtext("name") or ""
            for m in ctx.iter("message"):
                tr = m.find("translation")
                if tr is not None and tr.get("type") == "reviewed" and tr.text:
                    reviewed[(name, m.findtext("source") or "")] = tr.text
    root = source.getroot()
    root.set("language", "zh_TW")
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            if tr is None or not tr.text:
                continue
            key = (name, m.findtext("source") or "")
            tr.text = reviewed.get(key) or convert(tr.text)
    source.write(target_path, encoding="utf-8", xml_declaration=True)
    print("wrote", target_path)


if __name__ == "__main__":
    main()
