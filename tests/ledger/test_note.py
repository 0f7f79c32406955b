"""C2SP signed notes: published vectors, key strings and format rules."""

from __future__ import annotations

import re

import pytest

from fillonce.ledger.note import (
    EM_DASH,
    MAX_SIGNATURES,
    SIG_TYPE_ED25519,
    Ed25519Signer,
    NoteError,
    NoteSignature,
    NoteVerificationError,
    check_key_name,
    compute_key_id,
    generate_signer,
    open_note,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
)

# golang.org/x/mod/sumdb/note package documentation and tests.
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_LINE = (
    f"{EM_DASH} PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_LINE = (
    f"{EM_DASH} EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)
PETER_NOTE = PETER_TEXT + "\n" + PETER_LINE

# c2sp.org/signed-note, verifier keys example.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    f"{EM_DASH} example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_signing_reproduces_the_go_reference_note_byte_for_byte() -> None:
    signer = parse_signer_key(PETER_SKEY)
    assert sign_note(PETER_TEXT, [signer]) == PETER_NOTE


def test_signer_key_derives_the_published_verifier_key() -> None:
    signer = parse_signer_key(PETER_SKEY)
    assert signer.verifier.key_string == PETER_VKEY
    assert signer.key_string == PETER_SKEY


@pytest.mark.parametrize(
    ("vkey", "key_id"), [(PETER_VKEY, 0xC74F20A3), (ENOCH_VKEY, 0xAF0CFE78), (SPEC_VKEY, 0x530D903A)]
)
def test_key_id_is_sha256_of_name_newline_type_and_key(vkey: str, key_id: int) -> None:
    verifier = parse_verifier_key(vkey)
    assert verifier.key_id == key_id
    assert compute_key_id(verifier.name, SIG_TYPE_ED25519, verifier.public_key) == key_id
    assert verifier.key_string == vkey


def test_opens_the_spec_example_note() -> None:
    opened = open_note(SPEC_NOTE, [parse_verifier_key(SPEC_VKEY)])
    assert opened.text == "This is an example message.\n"
    assert [sig.name for sig in opened.verified] == ["example.com/foo"]


def test_unknown_signatures_are_kept_not_rejected() -> None:
    doubly_signed = PETER_NOTE + ENOCH_LINE
    opened = open_note(doubly_signed, [parse_verifier_key(PETER_VKEY)])
    assert [sig.name for sig in opened.verified] == ["PeterNeumann"]
    assert [sig.name for sig in opened.unverified] == ["EnochRoot"]
    both = open_note(doubly_signed, [parse_verifier_key(PETER_VKEY), parse_verifier_key(ENOCH_VKEY)])
    assert [sig.name for sig in both.verified] == ["PeterNeumann", "EnochRoot"]


def test_a_key_sharing_only_the_name_is_an_unknown_key() -> None:
    _, impostor_vkey = generate_signer("PeterNeumann")
    with pytest.raises(NoteVerificationError, match="no signature from a trusted key"):
        open_note(PETER_NOTE, [parse_verifier_key(impostor_vkey)])


def test_tampered_text_fails_verification() -> None:
    with pytest.raises(NoteVerificationError, match="invalid signature from trusted key PeterNeumann"):
        open_note(PETER_NOTE.replace("answer", "Answer"), [parse_verifier_key(PETER_VKEY)])


def test_generated_keys_have_the_documented_shapes_and_work() -> None:
    skey, vkey = generate_signer("fillonce.example/ledger")
    assert re.fullmatch(r"PRIVATE\+KEY\+fillonce\.example/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", skey)
    assert re.fullmatch(r"fillonce\.example/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", vkey)
    assert skey.split("+", 4)[3] == vkey.split("+", 2)[1]
    note = sign_note("hello\n", [parse_signer_key(skey)])
    assert open_note(note, [parse_verifier_key(vkey)]).text == "hello\n"


def test_text_may_contain_empty_lines() -> None:
    signer = Ed25519Signer("poet.example", bytes(32))
    text = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
    opened = open_note(sign_note(text, [signer]), [signer.verifier])
    assert opened.text == text


def test_every_single_byte_change_of_a_verifier_key_is_rejected() -> None:
    for position in range(len(PETER_VKEY)):
        mangled = PETER_VKEY[:position] + chr(ord(PETER_VKEY[position]) + 1) + PETER_VKEY[position + 1 :]
        with pytest.raises(NoteError):
            parse_verifier_key(mangled)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("PeterNeumann+c74f20a3", "name\\+hex8\\+base64"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "space"),
        ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hexadecimal"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64"),
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match its key"),
        # wrong length and unknown algorithm, each with a matching key hash (Go's TestNewVerifier)
        ("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", "base64"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA==", "key bytes"),
        ("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "signature type"),
    ],
)
def test_malformed_verifier_keys_are_rejected_with_a_reason(key: str, message: str) -> None:
    with pytest.raises(NoteError, match=message):
        parse_verifier_key(key)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (PETER_SKEY.removeprefix("PRIVATE+KEY+"), "must start with"),
        (PETER_SKEY.replace("c74f20a3", "c74f20a4"), "does not match its key"),
        (PETER_VKEY.join(["PRIVATE+KEY+", ""]), "does not match its key"),
    ],
)
def test_malformed_signer_keys_are_rejected(key: str, message: str) -> None:
    with pytest.raises(NoteError, match=message):
        parse_signer_key(key)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\tb", "a\u3000b", "a\u00a0b"])
def test_key_names_reject_empty_spaces_and_plus(name: str) -> None:
    with pytest.raises(NoteError):
        check_key_name(name)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (PETER_NOTE[:-1], "end with a newline"),
        (PETER_TEXT + PETER_LINE, "no blank line"),
        (PETER_TEXT + "\n", "no signature lines"),
        (PETER_NOTE.replace("problem,", "problem,\r"), "control character"),
        (PETER_NOTE.replace(EM_DASH, "-"), "em dash"),
        (PETER_NOTE.replace(" x08go", "x08go"), "no space"),
        (PETER_NOTE.replace("PeterNeumann", "Peter+Neumann"), "'\\+'"),
        (PETER_NOTE.replace("nAM=", "nAM"), "base64"),
        (PETER_NOTE.replace("nAM=", "nAN="), "canonical"),
        (PETER_TEXT + f"\n{EM_DASH} PeterNeumann AAAAAA==\n", "too short"),
        (PETER_NOTE + "\n", "blank line|no signature"),
    ],
)
def test_malformed_notes_are_rejected(message: str, reason: str) -> None:
    with pytest.raises(NoteError, match=reason):
        parse_note(message)


def test_invalid_utf8_is_rejected() -> None:
    with pytest.raises(NoteError, match="UTF-8"):
        parse_note(PETER_NOTE.encode() + b"\xff")


def test_at_least_sixteen_signatures_are_accepted_and_too_many_refused() -> None:
    signer = Ed25519Signer("many.example", bytes(32))
    line = sign_note("x\n", [signer]).split("\n\n", 1)[1]
    assert len(parse_note("x\n\n" + line * 16).signatures) == 16
    with pytest.raises(NoteError, match="more than"):
        parse_note("x\n\n" + line * (MAX_SIGNATURES + 1))


@pytest.mark.parametrize(("text", "reason"), [("no newline", "end with a newline"), ("bell\a\n", "control")])
def test_sign_note_rejects_invalid_text(text: str, reason: str) -> None:
    with pytest.raises(NoteError, match=reason):
        sign_note(text, [Ed25519Signer("a.example", bytes(32))])


def test_two_trusted_keys_with_the_same_name_and_id_are_ambiguous() -> None:
    verifier = parse_verifier_key(PETER_VKEY)
    with pytest.raises(NoteError, match="share name and key ID"):
        open_note(PETER_NOTE, [verifier, parse_verifier_key(PETER_VKEY)])


def test_signature_line_round_trips() -> None:
    note = parse_note(PETER_NOTE)
    assert note.format() == PETER_NOTE
    assert note.signatures[0] == NoteSignature("PeterNeumann", 0xC74F20A3, note.signatures[0].signature)
