"""Bilingual messages from services: Chinese first, English available, chosen where they are shown."""

from __future__ import annotations

import os
from dataclasses import dataclass

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def in_(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def cli_language() -> str:
    return "en" if os.environ.get("FILLONCE_LANG", "").lower().startswith("en") else DEFAULT_LANGUAGE


def localize(message: object, language: str) -> str:
    return message.in_(language) if isinstance(message, Text) else str(message)
