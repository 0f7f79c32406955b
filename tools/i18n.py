"""Maintainers: list template strings missing from the zh_CN catalogue, or add translations.

    python tools/i18n.py                 # prints missing msgids, exits 1 if any
    python tools/i18n.py add FILE.json   # merges {"msgid": "译文"} into the catalogue
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent.parent / "src" / "fillonce" / "web"
PO = WEB / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
CALL = re.compile(r"""_\((?:"([^"]+)"|'([^']+)')""")


def template_msgids() -> set[str]:
    found = set()
    for template in (WEB / "templates").rglob("*.html"):
        for double, single in CALL.findall(template.read_text(encoding="utf-8")):
            found.add(double or single)
    return found


def load():
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def missing() -> list[str]:
    catalog = load()
    return sorted(m for m in template_msgids() if not (catalog.get(m) and catalog.get(m).string))


def add(path: Path) -> None:
    catalog = load()
    for msgid, text in json.loads(path.read_text(encoding="utf-8")).items():
        catalog.add(msgid, text)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=120, sort_output=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["add"]:
        add(Path(sys.argv[2]))
    gaps = missing()
    print("\n".join(gaps))
    sys.exit(1 if gaps else 0)
