"""Ed25519 witness cosignatures, version 1 (c2sp.org/tlog-cosignature).

A cosignature is a note signature on a checkpoint whose key ID uses signature
type 0x04 and whose bytes are ``u64 big-endian timestamp || Ed25519 signature``
over::

    cosignature/v1
    time <timestamp>
    <checkpoint body>
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from fillonce.ledger.note import (
    ED25519_KEY_SIZE,
    KeyString,
    NoteError,
    NoteSignature,
    NoteVerificationError,
    check_ed25519_material,
    check_key_id,
    check_key_name,
    check_note_text,
    compute_key_id,
    ed25519_raw_public_key,
    open_note,
    parse_key_string,
)

SIG_TYPE_COSIGNATURE_V1 = 0x04
TIMESTAMP_SIZE = 8
ED25519_SIGNATURE_SIZE = 64
COSIGNATURE_SIZE = TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE
MAX_TIMESTAMP = 2**63 - 1


class CosignatureError(ValueError):
    """A cosignature or cosigner key is malformed or does not verify."""


def cosigned_message(checkpoint_body: bytes, timestamp: int) -> bytes:
    """The exact bytes a v1 cosignature signs."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(f"timestamp {timestamp} is outside 0..2^63-1")
    return b"cosignature/v1\ntime %d\n" % timestamp + checkpoint_body


def split_cosignature(signature: bytes) -> tuple[int, bytes]:
    """Return ``(timestamp, Ed25519 signature)`` of a cosignature's bytes."""
    if len(signature) != COSIGNATURE_SIZE:
        raise CosignatureError(f"cosignature is {len(signature)} bytes, expected {COSIGNATURE_SIZE}")
    timestamp = int.from_bytes(signature[:TIMESTAMP_SIZE], "big")
    if timestamp > MAX_TIMESTAMP:
        raise CosignatureError(f"cosignature timestamp {timestamp} exceeds 2^63-1")
    return timestamp, signature[TIMESTAMP_SIZE:]


class CosignatureVerifier:
    """Verifies v1 Ed25519 cosignatures from one cosigner (a note verifier)."""

    def __init__(self, name: str, public_key: bytes) -> None:
        if len(public_key) != ED25519_KEY_SIZE:
            raise CosignatureError(f"Ed25519 public key must be {ED25519_KEY_SIZE} bytes")
        self.name = check_key_name(name)
        self.public_key = public_key
        self.key_id = compute_key_id(name, SIG_TYPE_COSIGNATURE_V1, public_key)
        self._key = Ed25519PublicKey.from_public_bytes(public_key)

    @property
    def key_string(self) -> str:
        return KeyString(self.name, self.key_id, SIG_TYPE_COSIGNATURE_V1, self.public_key).format()

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            timestamp, ed25519_signature = split_cosignature(signature)
            self._key.verify(ed25519_signature, cosigned_message(text, timestamp))
        except (CosignatureError, InvalidSignature):
            return False
        return True


class Cosigner:
    """Produces v1 Ed25519 cosignatures (a note signer stamped with the time)."""

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != ED25519_KEY_SIZE:
            raise CosignatureError(f"Ed25519 seed must be {ED25519_KEY_SIZE} bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self._seed = seed
        self.verifier = CosignatureVerifier(name, ed25519_raw_public_key(self._key))
        self.name = self.verifier.name
        self.key_id = self.verifier.key_id

    @property
    def key_string(self) -> str:
        return KeyString(self.name, self.key_id, SIG_TYPE_COSIGNATURE_V1, self._seed).format(private=True)

    def sign_at(self, text: bytes, timestamp: int) -> bytes:
        signature = self._key.sign(cosigned_message(text, timestamp))
        return timestamp.to_bytes(TIMESTAMP_SIZE, "big") + signature

    def sign(self, text: bytes) -> bytes:
        return self.sign_at(text, int(time.time()))


def parse_cosigner_verifier_key(key: str) -> CosignatureVerifier:
    """Parse ``name+hex8+base64(0x04 || public key)``."""
    try:
        parts = parse_key_string(key)
        check_ed25519_material(parts, SIG_TYPE_COSIGNATURE_V1, "cosigner verifier key")
        check_key_id(parts, parts.key_material)
    except NoteError as exc:
        raise CosignatureError(str(exc)) from exc
    return CosignatureVerifier(parts.name, parts.key_material)


def parse_cosigner_key(key: str) -> Cosigner:
    """Parse ``PRIVATE+KEY+name+hex8+base64(0x04 || seed)``."""
    try:
        parts = parse_key_string(key, private=True)
        check_ed25519_material(parts, SIG_TYPE_COSIGNATURE_V1, "cosigner signer key")
    except NoteError as exc:
        raise CosignatureError(str(exc)) from exc
    cosigner = Cosigner(parts.name, parts.key_material)
    try:
        check_key_id(parts, cosigner.verifier.public_key)
    except NoteError as exc:
        raise CosignatureError(str(exc)) from exc
    return cosigner


def generate_cosigner(name: str) -> tuple[str, str]:
    """Return a new ``(cosigner signer key string, cosigner verifier key string)``."""
    check_key_name(name)
    cosigner = Cosigner(name, Ed25519PrivateKey.generate().private_bytes_raw())
    return cosigner.key_string, cosigner.verifier.key_string


def cosign(checkpoint_body: str, cosigner: Cosigner, timestamp: int | None = None) -> NoteSignature:
    """Cosign a checkpoint body; ``timestamp`` defaults to now."""
    check_note_text(checkpoint_body)
    if timestamp is None:
        timestamp = int(time.time())
    return NoteSignature(cosigner.name, cosigner.key_id, cosigner.sign_at(checkpoint_body.encode("utf-8"), timestamp))


def cosignature_timestamp(signature: NoteSignature) -> int:
    """The POSIX time at which a v1 cosignature was made."""
    return split_cosignature(signature.signature)[0]


def verify_cosignatures(signed_checkpoint: str, cosigners: Iterable[CosignatureVerifier]) -> dict[str, int]:
    """Check that every given cosigner validly cosigned the checkpoint.

    Returns the cosignature timestamp per cosigner name.  Raises
    CosignatureError naming the first cosigner whose cosignature is missing or
    invalid.
    """
    timestamps: dict[str, int] = {}
    for verifier in cosigners:
        try:
            opened = open_note(signed_checkpoint, [verifier])
        except NoteVerificationError as exc:
            raise CosignatureError(f"no valid cosignature from {verifier.key_string}: {exc}") from exc
        timestamps[verifier.name] = cosignature_timestamp(opened.verified[0])
    return timestamps
