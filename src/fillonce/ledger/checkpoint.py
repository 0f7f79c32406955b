"""C2SP transparency log checkpoints (c2sp.org/tlog-checkpoint).

A checkpoint is the text of a signed note:

    <origin>
    <tree size in decimal, no leading zeroes>
    <base64 root hash>
    [extension lines...]

every line non-empty and newline-terminated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fillonce.ledger.note import (
    NoteError,
    NoteSigner,
    NoteVerifier,
    OpenedNote,
    check_note_characters,
    decode_base64,
    encode_base64,
    open_note,
    sign_note,
)

ROOT_HASH_SIZE = 32  # SHA-256, as RFC 9162 uses for our ledger
MAX_TREE_SIZE = 2**64 - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class CheckpointError(ValueError):
    """A checkpoint body is malformed."""


@dataclass(frozen=True)
class Checkpoint:
    """A log's Merkle tree head at a given size."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_origin(self.origin)
        check_size(self.size)
        if len(self.root_hash) != ROOT_HASH_SIZE:
            raise CheckpointError(f"root hash is {len(self.root_hash)} bytes, expected {ROOT_HASH_SIZE}")
        for line in self.extensions:
            check_line(line, "extension line")

    def format(self) -> str:
        """The checkpoint body: the exact note text that gets signed."""
        lines = [self.origin, str(self.size), encode_base64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)


def check_line(line: str, what: str) -> None:
    if not line:
        raise CheckpointError(f"{what} is empty")
    if "\n" in line:
        raise CheckpointError(f"{what} contains a newline")
    try:
        check_note_characters(line, what)
    except NoteError as exc:
        raise CheckpointError(str(exc)) from exc


def check_origin(origin: str) -> None:
    # Only non-emptiness is a MUST: clients must not assume the URL-like form.
    check_line(origin, "origin line")


def check_size(size: int) -> None:
    if not 0 <= size <= MAX_TREE_SIZE:
        raise CheckpointError(f"tree size {size} is outside 0..2^64-1")


def parse_size(text: str) -> int:
    """Parse an ASCII decimal tree size with no leading zeroes."""
    if not _DECIMAL.fullmatch(text):
        raise CheckpointError(f"tree size {text!r} is not a decimal number without leading zeroes")
    size = int(text)
    check_size(size)
    return size


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse and strictly validate a checkpoint body."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError(f"checkpoint has {len(lines)} lines, needs origin, size and root hash")
    for number, line in enumerate(lines, start=1):
        check_line(line, f"checkpoint line {number}")
    origin, size_text, root_b64, *extensions = lines
    try:
        root_hash = decode_base64(root_b64, "root hash")
    except NoteError as exc:
        raise CheckpointError(str(exc)) from exc
    return Checkpoint(origin, parse_size(size_text), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """Return the signed checkpoint note."""
    return sign_note(checkpoint.format(), [signer])


def open_checkpoint(message: str | bytes, verifiers: Iterable[NoteVerifier]) -> tuple[Checkpoint, OpenedNote]:
    """Verify a signed checkpoint note and parse its body.

    Raises NoteError (or its NoteVerificationError subclass) for the note and
    CheckpointError for the body.
    """
    opened = open_note(message, verifiers)
    return parse_checkpoint(opened.text), opened
