"""The register keys' sealing and keyed hashing."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from fillonce.registers.crypto import Sealer


@pytest.mark.parametrize("key_bytes", [16, 32, 64, 100])  # shorter than, equal to and longer than a block
def test_the_keyed_hashes_are_hmac_sha256(key_bytes):
    person_key = os.urandom(key_bytes)
    sealer = Sealer(os.urandom(32), person_key)
    number = "320102196005171234"
    assert sealer.person_key(number) == hmac.digest(person_key, number.encode("ascii"), hashlib.sha256).hex()
    canonical = f"王伟\x1f{number}\x1fV1"
    assert sealer.digest(canonical) == hmac.digest(person_key, canonical.encode("utf-8"), hashlib.sha256).hex()


def test_sealing_round_trips_and_never_repeats():
    sealer = Sealer(os.urandom(32), os.urandom(32))
    first, second = sealer.seal("13800000001"), sealer.seal("13800000001")
    assert first != second and "13800000001" not in first
    assert sealer.open(first) == sealer.open(second) == "13800000001"
    assert sealer.seal("") == "" and sealer.open("") == ""
