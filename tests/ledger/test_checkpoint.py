"""tlog-checkpoint bodies and tlog-cosignature/v1 Ed25519 cosignatures."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fillonce.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from fillonce.ledger.cosignature import (
    CosignatureError,
    Cosigner,
    cosign,
    cosignature_timestamp,
    cosigned_message,
    generate_cosigner,
    parse_cosigner_key,
    parse_cosigner_verifier_key,
    verify_cosignatures,
)
from fillonce.ledger.note import (
    Ed25519Signer,
    NoteVerificationError,
    open_note,
    parse_signature_line,
)

# c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature examples.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_COSIGNATURE_LINE = (
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
    "qhf5nNo0xUe+mbIUBkBIfZ+qnA=="
)
# transparency-dev/formats note_cosigv1_test.go: a native type 0x04 verifier key.
REMORA_COSIGNER_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"

LOG = Ed25519Signer("example.com/behind-the-sofa", bytes(range(32)))
WITNESS = Cosigner("witness.example/w1", bytes(range(32, 64)))


# --- checkpoint body ---------------------------------------------------------------


def test_parses_and_formats_the_spec_example_exactly() -> None:
    checkpoint = parse_checkpoint(SPEC_BODY)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.extensions == ()
    assert checkpoint.format() == SPEC_BODY


def test_extension_lines_round_trip() -> None:
    body = SPEC_BODY + "ext one\next two\n"
    assert parse_checkpoint(body).extensions == ("ext one", "ext two")
    assert parse_checkpoint(body).format() == body


def test_empty_tree_has_size_zero() -> None:
    assert parse_checkpoint("log\n0\n" + base64.b64encode(bytes(32)).decode() + "\n").size == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (SPEC_BODY[:-1], "end with a newline"),
        ("example.com/log\n5\n", "needs origin, size and root hash"),
        ("\n5\n" + SPEC_BODY.split("\n")[2] + "\n", "line 1 is empty"),
        (SPEC_BODY.replace("20852163", "020852163"), "leading zeroes"),
        (SPEC_BODY.replace("20852163", "+20852163"), "decimal"),
        (SPEC_BODY.replace("20852163", "-1"), "decimal"),
        (SPEC_BODY.replace("20852163", " 20852163"), "decimal"),
        (SPEC_BODY.replace("20852163", "２０"), "decimal"),  # fullwidth digits are not ASCII
        (SPEC_BODY.replace("20852163", str(2**64)), "outside"),
        (SPEC_BODY.replace("q2I=", "q2I"), "base64"),
        (SPEC_BODY.replace("q2I=", "q2J="), "canonical"),
        (SPEC_BODY.replace("CsUY", ""), "expected 32"),
        (SPEC_BODY + "\n", "empty"),
        (SPEC_BODY + "ext\n\nmore\n", "empty"),
        (SPEC_BODY.replace("sofa", "sofa\x7f\x01"), "control"),
    ],
)
def test_malformed_checkpoints_are_rejected_with_a_reason(body: str, reason: str) -> None:
    with pytest.raises(CheckpointError, match=reason):
        parse_checkpoint(body)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origin": "", "size": 1, "root_hash": bytes(32)},
        {"origin": "a\nb", "size": 1, "root_hash": bytes(32)},
        {"origin": "a", "size": -1, "root_hash": bytes(32)},
        {"origin": "a", "size": 1, "root_hash": bytes(31)},
        {"origin": "a", "size": 1, "root_hash": bytes(32), "extensions": ("",)},
    ],
)
def test_invalid_checkpoints_cannot_be_built(kwargs: dict) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint(**kwargs)


origins = st.text(st.characters(min_codepoint=0x20, blacklist_categories=("Cs",)), min_size=1, max_size=40)


@given(origins, st.integers(0, 2**64 - 1), st.binary(min_size=32, max_size=32))
def test_format_then_parse_is_identity(origin: str, size: int, root_hash: bytes) -> None:
    checkpoint = Checkpoint(origin, size, root_hash)
    assert parse_checkpoint(checkpoint.format()) == checkpoint


def test_sign_and_open_checkpoint() -> None:
    signed = sign_checkpoint(parse_checkpoint(SPEC_BODY), LOG)
    checkpoint, opened = open_checkpoint(signed, [LOG.verifier])
    assert checkpoint.size == 20852163
    assert opened.verified[0].name == "example.com/behind-the-sofa"


def test_open_checkpoint_rejects_a_changed_size() -> None:
    signed = sign_checkpoint(parse_checkpoint(SPEC_BODY), LOG)
    with pytest.raises(NoteVerificationError):
        open_checkpoint(signed.replace("20852163", "20852164"), [LOG.verifier])


# --- cosignatures -------------------------------------------------------------------


def test_cosigned_message_matches_the_spec_example() -> None:
    assert cosigned_message(SPEC_BODY.encode(), 1679315147) == (
        b"cosignature/v1\ntime 1679315147\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


def test_timestamp_of_the_spec_example_cosignature() -> None:
    # The spec's example cosignature carries the time of its example message.
    assert cosignature_timestamp(parse_signature_line(SPEC_COSIGNATURE_LINE)) == 1679315147


def test_cosigner_key_id_uses_signature_type_0x04() -> None:
    verifier = parse_cosigner_verifier_key(REMORA_COSIGNER_VKEY)
    assert verifier.key_id == 0xDA77ADE7
    assert verifier.key_string == REMORA_COSIGNER_VKEY


def test_signature_is_timestamp_then_ed25519_signature() -> None:
    line = cosign(SPEC_BODY, WITNESS, timestamp=1679315147)
    assert line.key_id == WITNESS.key_id
    assert len(line.signature) == 8 + 64
    assert line.signature[:8] == (1679315147).to_bytes(8, "big")
    assert WITNESS.verifier.verify(SPEC_BODY.encode(), line.signature)


def test_cosignature_verifies_next_to_the_log_signature() -> None:
    signed = sign_checkpoint(parse_checkpoint(SPEC_BODY), LOG)
    cosigned = signed + cosign(SPEC_BODY, WITNESS).line()
    opened = open_note(cosigned, [LOG.verifier, WITNESS.verifier])
    assert [sig.name for sig in opened.verified] == [LOG.name, WITNESS.name]
    assert verify_cosignatures(cosigned, [WITNESS.verifier]) == {
        WITNESS.name: cosignature_timestamp(opened.verified[1])
    }


def test_changing_the_timestamp_breaks_the_cosignature() -> None:
    signature = cosign(SPEC_BODY, WITNESS, timestamp=100).signature
    forged = (101).to_bytes(8, "big") + signature[8:]
    assert not WITNESS.verifier.verify(SPEC_BODY.encode(), forged)


def test_a_plain_note_signature_is_not_a_cosignature() -> None:
    # Same key, type 0x01: a different key ID, so it is an unknown key for the cosigner.
    plain = Ed25519Signer(WITNESS.name, bytes(range(32, 64)))
    signed = sign_checkpoint(parse_checkpoint(SPEC_BODY), plain)
    with pytest.raises(CosignatureError, match="no valid cosignature"):
        verify_cosignatures(signed, [WITNESS.verifier])


def test_missing_cosignature_is_reported_by_name() -> None:
    signed = sign_checkpoint(parse_checkpoint(SPEC_BODY), LOG)
    with pytest.raises(CosignatureError, match=r"witness\.example/w1"):
        verify_cosignatures(signed, [WITNESS.verifier])


def test_generated_cosigner_keys_round_trip() -> None:
    skey, vkey = generate_cosigner("witness.example/new")
    cosigner = parse_cosigner_key(skey)
    assert cosigner.verifier.key_string == vkey
    assert cosigner.key_string == skey
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "type 0x01"),
        (WITNESS.key_string.replace(f"{WITNESS.key_id:08x}", "00000000"), "does not match"),
        (WITNESS.verifier.key_string, "must start with"),
    ],
)
def test_malformed_cosigner_keys_are_rejected(key: str, reason: str) -> None:
    with pytest.raises(CosignatureError, match=reason):
        parse_cosigner_key(key)


def test_timestamps_beyond_2_63_are_refused() -> None:
    with pytest.raises(CosignatureError, match="2\\^63"):
        cosign(SPEC_BODY, WITNESS, timestamp=2**63)
    forged = (2**63).to_bytes(8, "big") + bytes(64)
    assert not WITNESS.verifier.verify(SPEC_BODY.encode(), forged)
