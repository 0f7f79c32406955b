"""An independent C2SP transparency log witness (c2sp.org/tlog-witness).

The witness keeps, per log origin, the latest checkpoint it cosigned.  It only
cosigns a new checkpoint that is provably consistent with that one, so a log
that rewrites or forks its history cannot get a cosignature for it.  Refusals
caused by the log (fork, bad consistency proof) are logged at ERROR level and
the request is kept as evidence.
"""

from __future__ import annotations

import html
import logging
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from fillonce.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    check_origin,
    parse_checkpoint,
    parse_size,
)
from fillonce.ledger.cosignature import Cosigner, cosign, parse_cosigner_key
from fillonce.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from fillonce.ledger.note import (
    Ed25519Verifier,
    Note,
    NoteError,
    NoteVerificationError,
    OpenedNote,
    decode_base64,
    encode_base64,
    open_note,
    parse_note,
    parse_signature_line,
    parse_verifier_key,
)

logger = logging.getLogger(__name__)

TLOG_SIZE_MEDIA_TYPE = "text/x.tlog.size"
MAX_PROOF_LINES = 63
MAX_REQUEST_BYTES = 256 * 1024
# SQLite integers are signed 64-bit.
MAX_STORED_SIZE = 2**63 - 1
CLIENT_TIMEOUT_SECONDS = 10.0


# --- request body ----------------------------------------------------------------


class WitnessError(Exception):
    """A refusal, carrying the HTTP status the spec assigns to it."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SizeConflict(WitnessError):
    """The client's old size is not the size this witness last cosigned."""

    def __init__(self, current_size: int) -> None:
        super().__init__(HTTPStatus.CONFLICT, f"witness's latest cosigned size is {current_size}")
        self.current_size = current_size


class LogMisbehaviour(WitnessError):
    """The log presented a checkpoint inconsistent with the witnessed one."""


@dataclass(frozen=True)
class AddCheckpointRequest:
    old_size: int
    proof: tuple[bytes, ...]
    signed_checkpoint: str


def format_add_checkpoint_body(old_size: int, proof: Sequence[bytes], signed_checkpoint: str) -> bytes:
    lines = [f"old {old_size}", *(encode_base64(node) for node in proof)]
    return ("".join(line + "\n" for line in lines) + "\n" + signed_checkpoint).encode("utf-8")


def bad_request(message: str) -> WitnessError:
    return WitnessError(HTTPStatus.BAD_REQUEST, message)


def decode_proof_line(line: str) -> bytes:
    try:
        node = decode_base64(line, "consistency proof line")
    except NoteError as exc:
        raise bad_request(str(exc)) from exc
    if len(node) != HASH_SIZE:
        raise bad_request(f"consistency proof line holds {len(node)} bytes, expected {HASH_SIZE}")
    return node


def parse_add_checkpoint_body(body: bytes) -> AddCheckpointRequest:
    """Parse ``old <size>\\n``, proof lines, an empty line, then the checkpoint."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request("request body is not valid UTF-8") from exc
    # Proof lines are never empty, so the first empty line ends the header.
    header, separator, signed_checkpoint = text.partition("\n\n")
    if not separator:
        raise bad_request("request body has no empty line before the checkpoint")
    old_line, *proof_lines = header.split("\n")
    if not old_line.startswith("old "):
        raise bad_request(f"first line must be 'old <size>', got {old_line[:40]!r}")
    try:
        old_size = parse_size(old_line[len("old ") :])
    except CheckpointError as exc:
        raise bad_request(f"old size: {exc}") from exc
    if len(proof_lines) > MAX_PROOF_LINES:
        raise bad_request(f"consistency proof has {len(proof_lines)} lines, at most {MAX_PROOF_LINES} allowed")
    proof = tuple(decode_proof_line(line) for line in proof_lines)
    if old_size == 0 and proof:
        raise bad_request("consistency proof must be empty when the old size is 0")
    return AddCheckpointRequest(old_size, proof, signed_checkpoint)


# --- persistent state ------------------------------------------------------------


@dataclass(frozen=True)
class WitnessedCheckpoint:
    """The latest checkpoint this witness cosigned for one log."""

    origin: str
    size: int
    root_hash: bytes
    cosigned_note: str
    updated_at: int


_SCHEMA = """
CREATE TABLE IF NOT EXISTS witnessed_checkpoint (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    root_hash BLOB NOT NULL,
    cosigned_note TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS misbehaviour_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,
    request_body BLOB NOT NULL,
    received_at INTEGER NOT NULL
);
"""
_COLUMNS = "origin, size, root_hash, cosigned_note, updated_at"


class StoreTransaction:
    """Reads and a compare-and-swap write inside one IMMEDIATE transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def latest(self, origin: str) -> WitnessedCheckpoint | None:
        row = self._connection.execute(
            f"SELECT {_COLUMNS} FROM witnessed_checkpoint WHERE origin = ?", (origin,)
        ).fetchone()
        return WitnessedCheckpoint(*row) if row else None

    def replace(self, expected: WitnessedCheckpoint | None, new: WitnessedCheckpoint) -> None:
        """Store ``new`` only if the stored checkpoint is still ``expected``."""
        if expected is None:
            cursor = self._connection.execute(
                f"INSERT OR IGNORE INTO witnessed_checkpoint ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                (new.origin, new.size, new.root_hash, new.cosigned_note, new.updated_at),
            )
        else:
            cursor = self._connection.execute(
                "UPDATE witnessed_checkpoint SET size = ?, root_hash = ?, cosigned_note = ?, updated_at = ?"
                " WHERE origin = ? AND size = ? AND root_hash = ?",
                (
                    new.size, new.root_hash, new.cosigned_note, new.updated_at,
                    new.origin, expected.size, expected.root_hash,
                ),
            )
        if cursor.rowcount != 1:
            current = self.latest(new.origin)
            raise SizeConflict(current.size if current else 0)


class WitnessStore:
    """The witness's memory, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with closing(self._connect()) as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode so that BEGIN IMMEDIATE below is the only transaction.
        connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        # FULL makes each commit durable before we answer: the spec requires
        # the new checkpoint to be persisted before responding.
        connection.execute("PRAGMA synchronous = FULL")
        return connection

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """Take the write lock up front so check-then-update cannot interleave."""
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield StoreTransaction(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def latest(self, origin: str) -> WitnessedCheckpoint | None:
        with closing(self._connect()) as connection:
            return StoreTransaction(connection).latest(origin)

    def record_evidence(self, origin: str, reason: str, request_body: bytes) -> None:
        with closing(self._connect()) as connection:
            connection.execute(
                "INSERT INTO misbehaviour_evidence (origin, reason, request_body, received_at) VALUES (?, ?, ?, ?)",
                (origin, reason, request_body, int(time.time())),
            )

    def evidence_count(self, origin: str) -> int:
        with closing(self._connect()) as connection:
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM misbehaviour_evidence WHERE origin = ?", (origin,)
            ).fetchone()
        return int(count)


# --- witness logic -----------------------------------------------------------------


def check_consistency(
    reference_root: bytes, old_size: int, proof: tuple[bytes, ...], checkpoint: Checkpoint
) -> None:
    """Refuse a checkpoint that does not extend the tree of ``reference_root``."""
    if old_size == checkpoint.size:
        if checkpoint.root_hash != reference_root:
            raise LogMisbehaviour(
                HTTPStatus.CONFLICT,
                f"FORK: checkpoint of size {checkpoint.size} has root {encode_base64(checkpoint.root_hash)}"
                f" but this witness cosigned root {encode_base64(reference_root)} at that size",
            )
        if proof:
            raise LogMisbehaviour(
                HTTPStatus.UNPROCESSABLE_ENTITY, "consistency proof between equal sizes must be empty"
            )
        return
    # Every tree extends the empty tree, so old size 0 needs no proof.
    if old_size == 0:
        return
    if not verify_consistency(old_size, checkpoint.size, reference_root, checkpoint.root_hash, proof):
        raise LogMisbehaviour(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            f"consistency proof from size {old_size} to {checkpoint.size} does not verify against the"
            f" witnessed root {encode_base64(reference_root)}: the log may have rewritten its history",
        )


class Witness:
    """Verifies submitted checkpoints and cosigns the consistent ones."""

    def __init__(self, cosigner: Cosigner, store: WitnessStore, log_verifiers: Mapping[str, Ed25519Verifier]) -> None:
        self.cosigner = cosigner
        self.store = store
        self.log_verifiers = dict(log_verifiers)

    def add_checkpoint(self, body: bytes) -> str:
        """Handle one add-checkpoint request body; return the cosignature line."""
        request = parse_add_checkpoint_body(body)
        checkpoint, opened = self.open_checkpoint(request.signed_checkpoint)
        if request.old_size > checkpoint.size:
            raise bad_request(f"old size {request.old_size} exceeds checkpoint size {checkpoint.size}")
        if checkpoint.size > MAX_STORED_SIZE:
            raise bad_request(f"tree size {checkpoint.size} exceeds what this witness can store (2^63-1)")
        try:
            return self.advance(request, checkpoint, opened)
        except LogMisbehaviour as refusal:
            logger.error("REFUSED checkpoint from log %r: %s", checkpoint.origin, refusal.message)
            self.store.record_evidence(checkpoint.origin, refusal.message, body)
            raise

    def open_checkpoint(self, signed_checkpoint: str) -> tuple[Checkpoint, OpenedNote]:
        try:
            checkpoint = parse_checkpoint(parse_note(signed_checkpoint).text)
        except (NoteError, CheckpointError) as exc:
            raise bad_request(f"malformed checkpoint: {exc}") from exc
        verifier = self.log_verifiers.get(checkpoint.origin)
        if verifier is None:
            raise WitnessError(HTTPStatus.NOT_FOUND, f"unknown log origin {checkpoint.origin!r}")
        try:
            opened = open_note(signed_checkpoint, [verifier])
        except NoteVerificationError as exc:
            raise WitnessError(HTTPStatus.FORBIDDEN, f"log signature rejected: {exc}") from exc
        return checkpoint, opened

    def advance(self, request: AddCheckpointRequest, checkpoint: Checkpoint, opened: OpenedNote) -> str:
        with self.store.transaction() as tx:
            stored = tx.latest(checkpoint.origin)
            stored_size = stored.size if stored else 0
            if request.old_size != stored_size:
                raise SizeConflict(stored_size)
            reference_root = stored.root_hash if stored else EMPTY_ROOT
            check_consistency(reference_root, request.old_size, request.proof, checkpoint)
            cosignature = cosign(checkpoint.format(), self.cosigner)
            cosigned_note = Note(opened.text, (*opened.verified, cosignature)).format()
            tx.replace(
                stored,
                WitnessedCheckpoint(
                    checkpoint.origin, checkpoint.size, checkpoint.root_hash, cosigned_note, int(time.time())
                ),
            )
        return cosignature.line()


# --- HTTP service --------------------------------------------------------------------


async def read_limited_body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            raise WitnessError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body exceeds {MAX_REQUEST_BYTES} bytes")
    return bytes(body)


def refusal_response(refusal: WitnessError) -> Response:
    if isinstance(refusal, SizeConflict):
        # Set the header by hand: the spec wants exactly this type, no charset.
        return Response(
            f"{refusal.current_size}\n", HTTPStatus.CONFLICT, headers={"content-type": TLOG_SIZE_MEDIA_TYPE}
        )
    return PlainTextResponse(refusal.message + "\n", refusal.status)


def render_index(witness: Witness) -> str:
    rows = []
    for origin, verifier in sorted(witness.log_verifiers.items()):
        latest = witness.store.latest(origin)
        evidence = witness.store.evidence_count(origin)
        if latest is None:
            state = "<p>No checkpoint cosigned yet.</p>"
        else:
            updated = datetime.fromtimestamp(latest.updated_at, UTC).isoformat()
            state = (
                f"<p>Size {latest.size}, cosigned {html.escape(updated)}</p>"
                f"<pre>{html.escape(latest.cosigned_note)}</pre>"
            )
        warning = f"<p><strong>Refused {evidence} inconsistent checkpoint(s).</strong></p>" if evidence else ""
        rows.append(
            f"<h2>{html.escape(origin)}</h2><p>Log key: <code>{html.escape(verifier.key_string)}</code></p>"
            f"{state}{warning}"
        )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Witness</title></head><body>"
        f"<h1>Witness {html.escape(witness.cosigner.name)}</h1>"
        f"<p>Cosigner key: <code>{html.escape(witness.cosigner.verifier.key_string)}</code></p>"
        f"{''.join(rows)}</body></html>"
    )


def create_witness_app(signer_key: str, state_path: Path, logs: dict[str, str]) -> FastAPI:
    """Build the witness HTTP app.

    ``signer_key`` is a cosigner signer key string, ``logs`` maps each witnessed
    log origin to its Ed25519 note verifier key string.
    """
    for origin in logs:
        check_origin(origin)
    log_verifiers = {origin: parse_verifier_key(key) for origin, key in logs.items()}
    witness = Witness(parse_cosigner_key(signer_key), WitnessStore(state_path), log_verifiers)
    app = FastAPI(title=f"Witness {witness.cosigner.name}")
    app.state.witness = witness

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        try:
            body = await read_limited_body(request)
            cosignature_lines = await run_in_threadpool(witness.add_checkpoint, body)
        except WitnessError as refusal:
            return refusal_response(refusal)
        return PlainTextResponse(cosignature_lines)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return render_index(witness)

    @app.get("/checkpoint/{origin:path}")
    def latest_checkpoint(origin: str) -> Response:
        latest = witness.store.latest(origin) if origin in witness.log_verifiers else None
        if latest is None:
            return PlainTextResponse(f"no cosigned checkpoint for {origin!r}\n", HTTPStatus.NOT_FOUND)
        return PlainTextResponse(latest.cosigned_note)

    return app


# --- client ---------------------------------------------------------------------------


class WitnessClientError(Exception):
    """A witness did not cosign; ``status`` is the HTTP status if one came back."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class WitnessConflictError(WitnessClientError):
    """The old size was stale; retry from ``current_size``."""

    def __init__(self, message: str, current_size: int) -> None:
        super().__init__(message, HTTPStatus.CONFLICT)
        self.current_size = current_size


_STATUS_EXPLANATIONS: dict[int, str] = {
    HTTPStatus.BAD_REQUEST: "the request was malformed",
    HTTPStatus.FORBIDDEN: "the witness does not accept the log's signature",
    HTTPStatus.NOT_FOUND: "the witness does not know this log origin",
    HTTPStatus.CONFLICT: "the witness holds a different checkpoint at this size (possible fork)",
    HTTPStatus.UNPROCESSABLE_ENTITY: "the witness rejected the consistency proof",
}


def post_add_checkpoint(endpoint: str, body: bytes, client: httpx.Client | None) -> httpx.Response:
    if client is not None:
        return client.post(endpoint, content=body)
    with httpx.Client(timeout=CLIENT_TIMEOUT_SECONDS) as own_client:
        return own_client.post(endpoint, content=body)


def parse_cosignature_lines(text: str, endpoint: str) -> list[str]:
    if not text or not text.endswith("\n"):
        raise WitnessClientError(f"witness {endpoint} returned no newline-terminated cosignature lines")
    lines = [line + "\n" for line in text[:-1].split("\n")]
    for line in lines:
        try:
            parse_signature_line(line[:-1])
        except NoteError as exc:
            raise WitnessClientError(f"witness {endpoint} returned a malformed cosignature line: {exc}") from exc
    return lines


def submit_to_witness(
    url: str,
    old_size: int,
    proof: Sequence[bytes],
    signed_checkpoint: str,
    *,
    client: httpx.Client | None = None,
) -> list[str]:
    """POST a checkpoint to ``<url>/add-checkpoint`` and return the cosignature lines.

    Each returned line ends in a newline, so ``signed_checkpoint + "".join(lines)``
    is the cosigned checkpoint.  Raises WitnessConflictError (with the witness's
    current size) on a stale old size, WitnessClientError on any other failure.
    """
    endpoint = url.rstrip("/") + "/add-checkpoint"
    body = format_add_checkpoint_body(old_size, proof, signed_checkpoint)
    try:
        response = post_add_checkpoint(endpoint, body, client)
    except httpx.HTTPError as exc:
        raise WitnessClientError(f"could not reach witness {endpoint}: {exc}") from exc
    if response.status_code == HTTPStatus.OK:
        return parse_cosignature_lines(response.text, endpoint)
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code == HTTPStatus.CONFLICT and media_type == TLOG_SIZE_MEDIA_TYPE:
        try:
            current_size = parse_size(response.text.removesuffix("\n"))
        except CheckpointError as exc:
            raise WitnessClientError(f"witness {endpoint} sent an unreadable size: {exc}", 409) from exc
        raise WitnessConflictError(
            f"witness {endpoint} has cosigned size {current_size}, not the old size {old_size} we sent",
            current_size,
        )
    explanation = _STATUS_EXPLANATIONS.get(response.status_code, "unexpected status")
    raise WitnessClientError(
        f"witness {endpoint} refused with {response.status_code} ({explanation}): {response.text.strip()[:500]}",
        response.status_code,
    )
