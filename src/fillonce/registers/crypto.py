"""Sensitive register columns at rest: AES-GCM for ID numbers and phones, and a keyed hash (HMAC-SHA256)
of the normalised ID that finds the same person across registers without the number itself.

Both keys live in files in the ledger key directory, made on first use; neither is ever in the database.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fillonce.core.config import Settings, load_settings
from fillonce.ledger import keys

ENCRYPTION_KEY_FILE = "register-aes.key"
PERSON_KEY_FILE = "register-person.key"
NONCE_BYTES = 12


class Sealer:
    """Encrypts and hashes one process's register values with the deployment's two register keys."""

    def __init__(self, encryption_key: bytes, person_key: bytes):
        self._aead = AESGCM(encryption_key)
        # HMAC-SHA256 (RFC 2104) with the key's inner and outer pads hashed once: hmac.digest() redoes that
        # key set-up on every call, which is most of its cost for a short message.
        block = hashlib.sha256().block_size
        padded = (hashlib.sha256(person_key).digest() if len(person_key) > block else person_key).ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def seal(self, clear: str) -> str:
        if not clear:
            return ""
        nonce = os.urandom(NONCE_BYTES)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, clear.encode("utf-8"), None)).decode("ascii")

    def open(self, sealed: str) -> str:
        if not sealed:
            return ""
        raw = base64.b64decode(sealed)
        return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode("utf-8")

    def _hmac(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def person_key(self, normalised_id: str) -> str:
        return self._hmac(normalised_id.encode("ascii"))

    def digest(self, canonical: str) -> str:
        """A record's digest is keyed too: an ID number is guessable, so a plain hash of one would not hide it."""
        return self._hmac(canonical.encode("utf-8"))


@lru_cache(maxsize=4)
def _sealer_for(key_dir: Path) -> Sealer:
    return Sealer(keys.secret(key_dir / ENCRYPTION_KEY_FILE), keys.secret(key_dir / PERSON_KEY_FILE))


def sealer(settings: Settings | None = None) -> Sealer:
    return _sealer_for((settings or load_settings()).key_dir.resolve())
