"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys.

A signed note is a text ending in a newline, a blank line, then one or more
signature lines ``— <key name> base64(4-byte key ID || signature)``.  Keys are
exchanged as strings: verifier keys ``<name>+<hex8 key ID>+base64(type || public
key)`` and signer keys ``PRIVATE+KEY+<name>+<hex8 key ID>+base64(type || seed)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

EM_DASH = "\u2014"
SIGNATURE_PREFIX = EM_DASH + " "
SIG_TYPE_ED25519 = 0x01
ED25519_KEY_SIZE = 32
KEY_ID_SIZE = 4
PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"
# The spec requires accepting at least 16 signatures; the cap bounds the work
# an attacker can make us do with one note.
MAX_SIGNATURES = 100

_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


class NoteError(ValueError):
    """A note, key string or signature line is malformed."""


class NoteVerificationError(NoteError):
    """A well-formed note carries no valid signature from a trusted key."""


class NoteVerifier(Protocol):
    """Checks signatures made by one key; identified by (name, key ID)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, signature: bytes) -> bool: ...


class NoteSigner(Protocol):
    """Signs note texts with one key; identified by (name, key ID)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, text: bytes) -> bytes: ...


# --- names, key IDs and key strings -------------------------------------------


def check_key_name(name: str) -> str:
    """Return ``name`` if it is a valid key name, else raise NoteError."""
    if not name:
        raise NoteError("key name is empty")
    if "+" in name:
        raise NoteError(f"key name {name!r} contains '+'")
    if any(ch.isspace() or ch < " " for ch in name):
        raise NoteError(f"key name {name!r} contains a space or control character")
    return name


def compute_key_id(name: str, sig_type: int, public_key: bytes) -> int:
    """Key ID = first 4 bytes (big-endian) of SHA-256(name || 0x0A || type || key)."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key).digest()
    return int.from_bytes(digest[:KEY_ID_SIZE], "big")


def decode_base64(text: str, what: str) -> bytes:
    """Decode canonical, padded standard base64 (RFC 4648 §4) or raise NoteError."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(f"{what} is not valid base64: {text!r}") from exc
    # Re-encoding rejects non-zero padding bits, so each value has one spelling.
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64: {text!r}")
    return raw


def encode_base64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class KeyString:
    """The parts of a verifier or signer key string."""

    name: str
    key_id: int
    sig_type: int
    key_material: bytes

    def format(self, *, private: bool = False) -> str:
        body = f"{self.name}+{self.key_id:08x}+{encode_base64(bytes([self.sig_type]) + self.key_material)}"
        return PRIVATE_KEY_PREFIX + body if private else body


def parse_key_string(key: str, *, private: bool = False) -> KeyString:
    """Split a key string into its parts, checking syntax but not the key ID."""
    kind = "signer key" if private else "verifier key"
    if private:
        if not key.startswith(PRIVATE_KEY_PREFIX):
            raise NoteError(f"{kind} must start with {PRIVATE_KEY_PREFIX!r}")
        key = key[len(PRIVATE_KEY_PREFIX) :]
    # The base64 part may itself contain '+', so split only twice.
    parts = key.split("+", 2)
    if len(parts) != 3:
        raise NoteError(f"{kind} must look like name+hex8+base64")
    name, key_id_hex, material_b64 = parts
    check_key_name(name)
    if not _HEX8.fullmatch(key_id_hex):
        raise NoteError(f"{kind} ID {key_id_hex!r} is not 8 hexadecimal digits")
    raw = decode_base64(material_b64, f"{kind} material")
    if len(raw) < 2:
        raise NoteError(f"{kind} material has no key after the type byte")
    return KeyString(name, int(key_id_hex, 16), raw[0], raw[1:])


def check_key_id(parts: KeyString, public_key: bytes) -> None:
    expected = compute_key_id(parts.name, parts.sig_type, public_key)
    if parts.key_id != expected:
        raise NoteError(
            f"key ID {parts.key_id:08x} of {parts.name!r} does not match its key (expected {expected:08x})"
        )


def ed25519_raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def check_ed25519_material(parts: KeyString, sig_type: int, kind: str) -> None:
    if parts.sig_type != sig_type:
        raise NoteError(f"{kind} has signature type 0x{parts.sig_type:02x}, expected 0x{sig_type:02x}")
    if len(parts.key_material) != ED25519_KEY_SIZE:
        raise NoteError(f"{kind} holds {len(parts.key_material)} key bytes, expected {ED25519_KEY_SIZE}")


# --- Ed25519 note keys ---------------------------------------------------------


class Ed25519Verifier:
    """Verifies plain Ed25519 note signatures (signature type 0x01)."""

    def __init__(self, name: str, public_key: bytes) -> None:
        if len(public_key) != ED25519_KEY_SIZE:
            raise NoteError(f"Ed25519 public key must be {ED25519_KEY_SIZE} bytes")
        self.name = check_key_name(name)
        self.public_key = public_key
        self.key_id = compute_key_id(name, SIG_TYPE_ED25519, public_key)
        self._key = Ed25519PublicKey.from_public_bytes(public_key)

    @property
    def key_string(self) -> str:
        return KeyString(self.name, self.key_id, SIG_TYPE_ED25519, self.public_key).format()

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, text)
        except InvalidSignature:
            return False
        return True


class Ed25519Signer:
    """Signs note texts with Ed25519 (signature type 0x01)."""

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != ED25519_KEY_SIZE:
            raise NoteError(f"Ed25519 seed must be {ED25519_KEY_SIZE} bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self._seed = seed
        self.verifier = Ed25519Verifier(name, ed25519_raw_public_key(self._key))
        self.name = self.verifier.name
        self.key_id = self.verifier.key_id

    @property
    def key_string(self) -> str:
        return KeyString(self.name, self.key_id, SIG_TYPE_ED25519, self._seed).format(private=True)

    def sign(self, text: bytes) -> bytes:
        return self._key.sign(text)


def parse_verifier_key(key: str) -> Ed25519Verifier:
    """Parse ``name+hex8+base64(0x01 || public key)``."""
    parts = parse_key_string(key)
    check_ed25519_material(parts, SIG_TYPE_ED25519, "verifier key")
    check_key_id(parts, parts.key_material)
    return Ed25519Verifier(parts.name, parts.key_material)


def parse_signer_key(key: str) -> Ed25519Signer:
    """Parse ``PRIVATE+KEY+name+hex8+base64(0x01 || seed)``."""
    parts = parse_key_string(key, private=True)
    check_ed25519_material(parts, SIG_TYPE_ED25519, "signer key")
    signer = Ed25519Signer(parts.name, parts.key_material)
    check_key_id(parts, signer.verifier.public_key)
    return signer


def generate_signer(name: str) -> tuple[str, str]:
    """Return a new ``(signer key string, verifier key string)`` pair."""
    check_key_name(name)
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    signer = Ed25519Signer(name, seed)
    return signer.key_string, signer.verifier.key_string


# --- notes -----------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, key ID and the signature proper."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        raw = self.key_id.to_bytes(KEY_ID_SIZE, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {encode_base64(raw)}\n"


@dataclass(frozen=True)
class Note:
    """A note text and its signature lines, in order."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def format(self) -> str:
        return self.text + "\n" + "".join(sig.line() for sig in self.signatures)


@dataclass(frozen=True)
class OpenedNote:
    """A note whose trusted signatures verified; unknown ones are kept aside."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def check_note_characters(text: str, what: str) -> None:
    """Notes must be valid UTF-8 without ASCII control characters but newline."""
    for ch in text:
        if ch < " " and ch != "\n":
            raise NoteError(f"{what} contains control character U+{ord(ch):04X}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError(f"{what} is not valid UTF-8 (lone surrogate)") from exc


def check_note_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    check_note_characters(text, "note text")


def parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError(f"signature line must start with em dash and space: {line!r}")
    name, sep, sig_b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not sep:
        raise NoteError(f"signature line has no space between name and signature: {line!r}")
    check_key_name(name)
    raw = decode_base64(sig_b64, f"signature of {name!r}")
    if len(raw) <= KEY_ID_SIZE:
        raise NoteError(f"signature of {name!r} is too short to hold a key ID and a signature")
    return NoteSignature(name, int.from_bytes(raw[:KEY_ID_SIZE], "big"), raw[KEY_ID_SIZE:])


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into text and signatures, checking the format only."""
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("note is not valid UTF-8") from exc
    check_note_characters(message, "note")
    # The text may contain empty lines: the last blank line starts the signatures.
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block:
        raise NoteError("note has no signature lines")
    if not block.endswith("\n"):
        raise NoteError("note must end with a newline after its last signature")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has {len(lines)} signatures, more than the {MAX_SIGNATURES} accepted")
    return Note(text, tuple(parse_signature_line(line) for line in lines))


def verifier_index(verifiers: Iterable[NoteVerifier]) -> dict[tuple[str, int], NoteVerifier]:
    index: dict[tuple[str, int], NoteVerifier] = {}
    for verifier in verifiers:
        key = (verifier.name, verifier.key_id)
        if key in index:
            raise NoteError(f"two trusted keys share name and key ID {verifier.name}+{verifier.key_id:08x}")
        index[key] = verifier
    return index


def open_note(message: str | bytes, verifiers: Iterable[NoteVerifier]) -> OpenedNote:
    """Parse a note and verify it against trusted keys.

    Signatures from unknown keys (no match on both name and key ID) are kept in
    ``unverified``.  A bad signature from a trusted key, or no signature from a
    trusted key at all, raises NoteVerificationError.
    """
    note = parse_note(message)
    trusted = verifier_index(verifiers)
    text = note.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    for sig in note.signatures:
        verifier = trusted.get((sig.name, sig.key_id))
        if verifier is None:
            unverified.append(sig)
        elif verifier.verify(text, sig.signature):
            verified.append(sig)
        else:
            raise NoteVerificationError(f"invalid signature from trusted key {sig.name}+{sig.key_id:08x}")
    if not verified:
        raise NoteVerificationError("note has no signature from a trusted key")
    return OpenedNote(note.text, tuple(verified), tuple(unverified))


def sign_text(text: str, signer: NoteSigner) -> NoteSignature:
    check_note_text(text)
    check_key_name(signer.name)
    return NoteSignature(signer.name, signer.key_id, signer.sign(text.encode("utf-8")))


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """Sign ``text`` with each signer and return the signed note."""
    if not signers:
        raise NoteError("a signed note needs at least one signer")
    return Note(text, tuple(sign_text(text, signer) for signer in signers)).format()
