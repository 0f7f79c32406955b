"""Settings come from environment variables so that the same code runs on a laptop and in production."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fillonce.core.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///./fillonce.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    ledger_key_path: Path
    ledger_salt_path: Path
    ledger_origin: str
    checkpoint_every_seconds: int
    checkpoint_every_entries: int
    witnesses: tuple[str, ...]
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


def load_settings() -> Settings:
    key_dir = Path(os.environ.get("FILLONCE_LEDGER_KEY_DIR", "./ledger-keys"))
    witnesses = os.environ.get("FILLONCE_WITNESSES", "")
    return Settings(
        database_url=os.environ.get("FILLONCE_DATABASE_URL") or DEFAULT_DATABASE_URL,
        ledger_key_path=Path(os.environ.get("FILLONCE_LEDGER_KEY", key_dir / "log.key")),
        ledger_salt_path=Path(os.environ.get("FILLONCE_LEDGER_SALT", key_dir / "salt.key")),
        ledger_origin=os.environ.get("FILLONCE_LEDGER_ORIGIN", "fillonce.example.gov.cn/ledger"),
        checkpoint_every_seconds=_int_env("FILLONCE_CHECKPOINT_SECONDS", 60),
        checkpoint_every_entries=_int_env("FILLONCE_CHECKPOINT_ENTRIES", 1000),
        witnesses=tuple(w.strip() for w in witnesses.split(",") if w.strip()),
        session_hours=_int_env("FILLONCE_SESSION_HOURS", 8),
        secure_cookies=os.environ.get("FILLONCE_SECURE_COOKIES", "") in {"1", "true", "yes"},
    )
