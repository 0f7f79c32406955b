"""Settings come from environment variables so that the same code runs on a laptop and in production."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fillonce.core.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///./fillonce.db"
WITNESSES_FILE = "witnesses"


@dataclass(frozen=True)
class Settings:
    key_dir: Path
    database_url: str
    ledger_key_path: Path
    ledger_salt_path: Path
    ledger_origin: str
    checkpoint_every_seconds: int
    checkpoint_every_entries: int
    witnesses: tuple[tuple[str, str], ...]  # (url, the witness's cosigner verifier key)
    session_hours: int
    secure_cookies: bool


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _witnesses(raw: str) -> tuple[tuple[str, str], ...]:
    """FILLONCE_WITNESSES: comma-separated `URL=VERIFIER_KEY` pairs."""
    pairs = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        url, separator, key = item.partition("=")
        if not separator or not url.startswith(("http://", "https://")) or not key:
            raise ConfigError(f"FILLONCE_WITNESSES: {item!r} is not URL=VERIFIER_KEY")
        pairs.append((url, key))
    return tuple(pairs)


def load_settings() -> Settings:
    key_dir = Path(os.environ.get("FILLONCE_LEDGER_KEY_DIR", "./ledger-keys"))
    witnesses = os.environ.get("FILLONCE_WITNESSES")
    if witnesses is None:  # the demo writes its witnesses beside the keys
        listed = key_dir / WITNESSES_FILE
        witnesses = ",".join(listed.read_text(encoding="utf-8").split()) if listed.exists() else ""
    return Settings(
        key_dir=key_dir,
        database_url=os.environ.get("FILLONCE_DATABASE_URL") or DEFAULT_DATABASE_URL,
        ledger_key_path=Path(os.environ.get("FILLONCE_LEDGER_KEY", key_dir / "log.key")),
        ledger_salt_path=Path(os.environ.get("FILLONCE_LEDGER_SALT", key_dir / "salt.key")),
        ledger_origin=os.environ.get("FILLONCE_LEDGER_ORIGIN", "fillonce.example.gov.cn/ledger"),
        checkpoint_every_seconds=_int_env("FILLONCE_CHECKPOINT_SECONDS", 60),
        checkpoint_every_entries=_int_env("FILLONCE_CHECKPOINT_ENTRIES", 1000),
        witnesses=_witnesses(witnesses),
        session_hours=_int_env("FILLONCE_SESSION_HOURS", 8),
        secure_cookies=os.environ.get("FILLONCE_SECURE_COOKIES", "") in {"1", "true", "yes"},
    )
