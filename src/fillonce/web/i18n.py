"""Babel catalogues for the pages: msgids in English, zh_CN the default translation."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from fillonce.core.i18n import DEFAULT_LANGUAGE, LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """Compiled from the .po file at first use, so no binary .mo files live in the repository."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def pick_language(cookie: str | None) -> str:
    """Chinese unless the user chose English with the switch; the browser's language is not asked."""
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE
