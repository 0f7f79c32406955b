"""The tlog-witness HTTP service, its persistent state and its client."""

from __future__ import annotations

import base64
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fillonce.ledger.checkpoint import Checkpoint, sign_checkpoint
from fillonce.ledger.cosignature import Cosigner, cosignature_timestamp
from fillonce.ledger.merkle import consistency_proof, leaf_hash, root
from fillonce.ledger.note import Ed25519Signer, open_note, parse_note
from fillonce.ledger.witness import (
    MAX_REQUEST_BYTES,
    SizeConflict,
    WitnessClientError,
    WitnessConflictError,
    WitnessedCheckpoint,
    create_witness_app,
    format_add_checkpoint_body,
    submit_to_witness,
)

ORIGIN = "fillonce.example/ledger"
LOG = Ed25519Signer(ORIGIN, bytes(range(32)))
WITNESS = Cosigner("witness.example/w1", bytes(range(32, 64)))
LEAVES = [leaf_hash(f'{{"seq":{i}}}'.encode()) for i in range(16)]
# Same sizes, different history: what a log that rewrote its entries would present.
FORGED_LEAVES = [leaf_hash(f'{{"seq":{i},"rewritten":true}}'.encode()) for i in range(16)]
BASE_URL = "http://testserver"


def signed_checkpoint(
    size: int, leaves: list[bytes] = LEAVES, signer: Ed25519Signer = LOG, origin: str = ORIGIN
) -> str:
    return sign_checkpoint(Checkpoint(origin, size, root(leaves[:size])), signer)


def add_body(old: int, new: int, leaves: list[bytes] = LEAVES) -> bytes:
    proof = consistency_proof(leaves[:new], old) if old else []
    return format_add_checkpoint_body(old, proof, signed_checkpoint(new, leaves))


def make_app(state_path: Path) -> FastAPI:
    return create_witness_app(WITNESS.key_string, state_path, {ORIGIN: LOG.verifier.key_string})


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "witness.sqlite"


@pytest.fixture
def client(state_path: Path) -> TestClient:
    return TestClient(make_app(state_path))


def post(client: TestClient, body: bytes) -> httpx.Response:
    return client.post("/add-checkpoint", content=body)


def latest_size(client: TestClient) -> int:
    response = client.get(f"/checkpoint/{ORIGIN}")
    assert response.status_code == 200
    return int(parse_note(response.text).text.split("\n")[1])


# --- the happy path ---------------------------------------------------------------


def test_first_checkpoint_with_old_size_zero_is_cosigned(client: TestClient) -> None:
    response = post(client, add_body(0, 5))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("\u2014 witness.example/w1 ") and response.text.endswith("\n")
    cosigned = signed_checkpoint(5) + response.text
    opened = open_note(cosigned, [LOG.verifier, WITNESS.verifier])
    assert [sig.name for sig in opened.verified] == [ORIGIN, WITNESS.name]


def test_advances_with_a_valid_consistency_proof(client: TestClient) -> None:
    assert post(client, add_body(0, 5)).status_code == 200
    assert post(client, add_body(5, 13)).status_code == 200
    assert post(client, add_body(13, 16)).status_code == 200
    assert latest_size(client) == 16


def test_resubmitting_the_same_checkpoint_is_cosigned_again(client: TestClient) -> None:
    assert post(client, add_body(0, 5)).status_code == 200
    assert post(client, add_body(5, 5)).status_code == 200


def test_latest_checkpoint_endpoint_returns_the_cosigned_note(client: TestClient) -> None:
    assert client.get(f"/checkpoint/{ORIGIN}").status_code == 404
    post(client, add_body(0, 7))
    response = client.get(f"/checkpoint/{ORIGIN}")
    opened = open_note(response.text, [LOG.verifier, WITNESS.verifier])
    assert opened.text == Checkpoint(ORIGIN, 7, root(LEAVES[:7])).format()
    assert len(opened.verified) == 2
    assert cosignature_timestamp(opened.verified[1]) > 0


def test_index_lists_witnessed_logs(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "No checkpoint cosigned yet" in page.text
    assert LOG.verifier.key_string in page.text and WITNESS.verifier.key_string in page.text
    post(client, add_body(0, 3))
    assert "Size 3" in client.get("/").text


# --- refusals the spec defines --------------------------------------------------------


def test_stale_old_size_gets_409_with_the_current_size(client: TestClient) -> None:
    post(client, add_body(0, 5))
    response = post(client, add_body(0, 9))
    assert response.status_code == 409
    assert response.headers["content-type"] == "text/x.tlog.size"
    assert response.text == "5\n"
    assert latest_size(client) == 5


def test_same_size_different_root_is_refused_as_a_fork_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    post(client, add_body(0, 5))
    body = format_add_checkpoint_body(5, [], signed_checkpoint(5, FORGED_LEAVES))
    with caplog.at_level(logging.ERROR, logger="fillonce.ledger.witness"):
        response = post(client, body)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/plain")
    assert "FORK" in response.text
    assert any(r.levelno == logging.ERROR and "FORK" in r.getMessage() for r in caplog.records)
    assert latest_size(client) == 5
    assert "Refused 1 inconsistent checkpoint" in client.get("/").text


def test_rewritten_history_fails_the_proof_and_is_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    post(client, add_body(0, 5))
    # A self-consistent forged tree: its proof links its own old root, not the witnessed one.
    forged = format_add_checkpoint_body(5, consistency_proof(FORGED_LEAVES[:9], 5), signed_checkpoint(9, FORGED_LEAVES))
    with caplog.at_level(logging.ERROR, logger="fillonce.ledger.witness"):
        response = post(client, forged)
    assert response.status_code == 422
    assert "does not verify" in response.text
    assert any(r.levelno == logging.ERROR and ORIGIN in r.getMessage() for r in caplog.records)
    assert latest_size(client) == 5


def test_a_proof_for_other_sizes_is_unprocessable(client: TestClient) -> None:
    post(client, add_body(0, 5))
    wrong = format_add_checkpoint_body(5, consistency_proof(LEAVES[:9], 4), signed_checkpoint(9))
    assert post(client, wrong).status_code == 422


def test_a_proof_between_equal_sizes_must_be_empty(client: TestClient) -> None:
    post(client, add_body(0, 5))
    body = format_add_checkpoint_body(5, [LEAVES[0]], signed_checkpoint(5))
    assert post(client, body).status_code == 422


def test_checkpoint_signed_by_an_unknown_key_is_forbidden(client: TestClient) -> None:
    impostor = Ed25519Signer(ORIGIN, bytes(32))  # same name, different key ID
    response = post(client, format_add_checkpoint_body(0, [], signed_checkpoint(5, signer=impostor)))
    assert response.status_code == 403
    assert "no signature from a trusted key" in response.text


def test_checkpoint_with_a_bad_log_signature_is_forbidden(client: TestClient) -> None:
    note = signed_checkpoint(5)
    text, signature_line = note.split("\n\n")
    name, sig_b64 = signature_line[2:-1].split(" ")
    raw = bytearray(base64.b64decode(sig_b64))
    raw[-1] ^= 1
    tampered = f"{text}\n\n\u2014 {name} {base64.b64encode(raw).decode()}\n"
    response = post(client, format_add_checkpoint_body(0, [], tampered))
    assert response.status_code == 403
    assert "invalid signature" in response.text


def test_unknown_origin_is_not_found(client: TestClient) -> None:
    other = Ed25519Signer("other.example/log", bytes(32))
    body = format_add_checkpoint_body(0, [], signed_checkpoint(3, signer=other, origin="other.example/log"))
    assert post(client, body).status_code == 404


PROOF_LINE = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "no empty line"),
        (b"\xff\xfe", "UTF-8"),
        (b"new 0\n\n" + signed_checkpoint(5).encode(), "first line must be 'old <size>'"),
        (b"old 05\n\n" + signed_checkpoint(5).encode(), "leading zeroes"),
        (b"old 3\nnot base64!\n\n" + signed_checkpoint(5).encode(), "base64"),
        (b"old 3\n" + base64.b64encode(bytes(31)) + b"\n\n" + signed_checkpoint(5).encode(), "expected 32"),
        (f"old 3\n{PROOF_LINE}\n".encode() * 1 + b"\n" + b"garbage\n", "malformed checkpoint"),
        (f"old 0\n{PROOF_LINE}\n\n".encode() + signed_checkpoint(5).encode(), "must be empty"),
        (("old 3\n" + f"{PROOF_LINE}\n" * 64 + "\n").encode() + signed_checkpoint(5).encode(), "at most 63"),
        (b"old 9\n\n" + signed_checkpoint(5).encode(), "exceeds checkpoint size"),
    ],
)
def test_malformed_requests_are_bad_requests(client: TestClient, body: bytes, reason: str) -> None:
    response = post(client, body)
    assert response.status_code == 400
    assert reason in response.text


def test_oversized_request_is_refused(client: TestClient) -> None:
    assert post(client, b"x" * (MAX_REQUEST_BYTES + 1)).status_code == 413


# --- atomic state ------------------------------------------------------------------------


def test_concurrent_advances_cannot_both_succeed(client: TestClient) -> None:
    post(client, add_body(0, 4))
    attempts = list(range(5, 13))
    barrier = threading.Barrier(len(attempts))

    def attempt(new_size: int) -> int:
        body = add_body(4, new_size)
        barrier.wait()
        return post(client, body).status_code

    with ThreadPoolExecutor(len(attempts)) as pool:
        statuses = list(pool.map(attempt, attempts))
    assert statuses.count(200) == 1
    assert statuses.count(409) == len(attempts) - 1
    assert latest_size(client) == attempts[statuses.index(200)]


def test_compare_and_swap_refuses_a_stale_expected_state(client: TestClient) -> None:
    post(client, add_body(0, 4))
    store = client.app.state.witness.store
    stale = WitnessedCheckpoint(ORIGIN, 3, root(LEAVES[:3]), "", 0)
    with pytest.raises(SizeConflict) as refused, store.transaction() as tx:
        tx.replace(stale, WitnessedCheckpoint(ORIGIN, 9, root(LEAVES[:9]), "", 0))
    assert refused.value.current_size == 4
    with pytest.raises(SizeConflict), store.transaction() as tx:
        tx.replace(None, WitnessedCheckpoint(ORIGIN, 9, root(LEAVES[:9]), "", 0))
    assert store.latest(ORIGIN).size == 4


def test_state_survives_a_restart(state_path: Path) -> None:
    post(TestClient(make_app(state_path)), add_body(0, 6))
    restarted = TestClient(make_app(state_path))
    assert latest_size(restarted) == 6
    response = post(restarted, add_body(0, 8))
    assert (response.status_code, response.text) == (409, "6\n")
    assert post(restarted, add_body(6, 8)).status_code == 200


# --- client ---------------------------------------------------------------------------------


def test_client_returns_cosignature_lines_that_verify(client: TestClient) -> None:
    note = signed_checkpoint(5)
    lines = submit_to_witness(BASE_URL, 0, [], note, client=client)
    assert len(lines) == 1 and lines[0].endswith("\n")
    opened = open_note(note + "".join(lines), [WITNESS.verifier])
    assert opened.verified[0].name == WITNESS.name


def test_client_reports_the_current_size_on_conflict(client: TestClient) -> None:
    submit_to_witness(BASE_URL, 0, [], signed_checkpoint(5), client=client)
    with pytest.raises(WitnessConflictError) as conflict:
        submit_to_witness(BASE_URL, 0, [], signed_checkpoint(9), client=client)
    assert conflict.value.current_size == 5
    lines = submit_to_witness(BASE_URL, 5, consistency_proof(LEAVES[:9], 5), signed_checkpoint(9), client=client)
    assert lines


def test_client_explains_other_refusals(client: TestClient) -> None:
    impostor = Ed25519Signer(ORIGIN, bytes(32))
    with pytest.raises(WitnessClientError, match="does not accept the log's signature") as refused:
        submit_to_witness(BASE_URL, 0, [], signed_checkpoint(5, signer=impostor), client=client)
    assert refused.value.status == 403


def test_client_reports_an_unreachable_witness() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(refuse)) as unreachable,
        pytest.raises(WitnessClientError, match="could not reach"),
    ):
        submit_to_witness("http://witness.invalid", 0, [], signed_checkpoint(5), client=unreachable)


def test_client_rejects_a_response_that_is_not_cosignature_lines() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="all good\n"))
    with (
        httpx.Client(transport=transport) as odd_witness,
        pytest.raises(WitnessClientError, match="malformed cosignature line"),
    ):
        submit_to_witness("http://witness.example", 0, [], signed_checkpoint(5), client=odd_witness)
