"""The log's signing key and the salt for hashing content live in files outside the database."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from fillonce.core.config import Settings
from fillonce.core.errors import ConfigError
from fillonce.ledger import note


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def keygen(settings: Settings, force: bool = False) -> tuple[Path, str]:
    """Create the log's Ed25519 key and content salt; returns the key path and the public verifier key."""
    for path in (settings.ledger_key_path, settings.ledger_salt_path):
        if path.exists():
            if not force:
                raise ConfigError(f"{path} already exists; pass --force to replace it")
            path.unlink()
    signer, verifier = note.generate_signer(settings.ledger_origin)
    _write_private(settings.ledger_key_path, signer + "\n")
    _write_private(settings.ledger_salt_path, secrets.token_hex(32) + "\n")
    settings.ledger_key_path.with_suffix(".pub").write_text(verifier + "\n", encoding="utf-8")
    _cached_text.cache_clear()
    return settings.ledger_key_path, verifier


def ensure_keys(settings: Settings) -> None:
    """First start on a new machine: make the keys rather than refuse to run."""
    if not settings.ledger_key_path.exists() and not settings.ledger_salt_path.exists():
        keygen(settings)


@lru_cache(maxsize=8)
def _cached_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ConfigError(f"ledger key file {path} is missing; run `fillonce ledger keygen`") from None


def salt(settings: Settings) -> bytes:
    return bytes.fromhex(_cached_text(settings.ledger_salt_path))


def signer_key(settings: Settings) -> str:
    return _cached_text(settings.ledger_key_path)


def verifier_key(settings: Settings) -> str:
    return _cached_text(settings.ledger_key_path.with_suffix(".pub"))


def secret(path: Path) -> bytes:
    """A 32-byte secret kept in its own file, made on first use (other domains' keys live beside the log's)."""
    if not path.exists():
        try:
            _write_private(path, secrets.token_hex(32) + "\n")
        except FileExistsError:  # another process made it first
            pass
    return bytes.fromhex(_cached_text(path))
