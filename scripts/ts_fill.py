"""Fills empty translations in a Qt .ts file from a JSON {source: translation} map.

Usage: python scripts/ts_fill.py resources/i18n/frontdesk_zh_CN.ts map.json
Run `make i18n` first so the .ts lists every string the code uses; the .ts
file stays the one source of truth (Qt Linguist edits it as well).
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET


def main(ts_path: str, map_path: str) -> int:
    with open(map_path, encoding="utf-8") as fh:
        mapping: dict[str, str] = json.load(fh)
    tree = ET.parse(ts_path)
    missing = 0
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        if tr is None:
            continue
        if source in mapping:
            forms = tr.findall("numerusform")
            if forms:  # Chinese has one plural form
                for form in forms:
                    form.text = mapping[source]
            else:
                tr.text = mapping[source]
            tr.attrib.pop("type", None)
        elif tr.get("type") == "unfinished":
            missing += 1
            print("untranslated:", source, file=sys.stderr)
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
