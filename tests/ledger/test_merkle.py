"""Tests for fillonce.ledger.merkle: published vectors, an RFC reference, and properties."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fillonce.ledger.merkle import (
    EMPTY_ROOT,
    DictNodeStore,
    MissingNodeError,
    NodeKey,
    consistency_proof,
    consistency_proof_from_store,
    inclusion_proof,
    inclusion_proof_from_store,
    leaf_hash,
    new_complete_nodes,
    node_hash,
    root,
    root_from_store,
    subtree_root_keys,
    verify_consistency,
    verify_inclusion,
)

# --- Published vectors ---------------------------------------------------------
# Hex values from transparency-dev/merkle, proof/verify_test.go (`leaves`, `roots`,
# `inclusionProofs`, `consistencyProofs`); the same values appear in
# google/certificate-transparency, cpp/merkletree/merkle_tree_test.cc (`kInputs`,
# `kSHA256Roots`, `kSHA256Paths`, `kSHA256Proofs`).  Both files number leaves
# from 1; the indexes below are converted to count from 0.

VECTOR_ENTRIES = [
    bytes.fromhex(""),
    bytes.fromhex("00"),
    bytes.fromhex("10"),
    bytes.fromhex("2021"),
    bytes.fromhex("3031"),
    bytes.fromhex("40414243"),
    bytes.fromhex("5051525354555657"),
    bytes.fromhex("606162636465666768696a6b6c6d6e6f"),
]
VECTOR_LEAVES = [leaf_hash(entry) for entry in VECTOR_ENTRIES]

VECTOR_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
VECTOR_EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# (index from 0, tree size, proof)
VECTOR_INCLUSION_PROOFS = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

# (old size, new size, proof)
VECTOR_CONSISTENCY_PROOFS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


def vector_store() -> DictNodeStore:
    store = DictNodeStore()
    store.append(VECTOR_LEAVES)
    return store


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT == bytes.fromhex(VECTOR_EMPTY_ROOT)
    assert root_from_store(0, DictNodeStore().read) == EMPTY_ROOT


@pytest.mark.parametrize("size", sorted(VECTOR_ROOTS))
def test_vector_roots(size: int) -> None:
    expected = bytes.fromhex(VECTOR_ROOTS[size])
    assert root(VECTOR_LEAVES[:size]) == expected
    assert root_from_store(size, vector_store().read) == expected


@pytest.mark.parametrize(("index", "size", "proof_hex"), VECTOR_INCLUSION_PROOFS)
def test_vector_inclusion_proofs(index: int, size: int, proof_hex: list[str]) -> None:
    expected = [bytes.fromhex(item) for item in proof_hex]
    tree_root = bytes.fromhex(VECTOR_ROOTS[size])
    assert inclusion_proof(VECTOR_LEAVES[:size], index) == expected
    assert inclusion_proof_from_store(index, size, vector_store().read) == expected
    assert verify_inclusion(VECTOR_LEAVES[index], index, size, expected, tree_root)


@pytest.mark.parametrize(("old_size", "new_size", "proof_hex"), VECTOR_CONSISTENCY_PROOFS)
def test_vector_consistency_proofs(old_size: int, new_size: int, proof_hex: list[str]) -> None:
    expected = [bytes.fromhex(item) for item in proof_hex]
    old_root = bytes.fromhex(VECTOR_ROOTS[old_size])
    new_root = bytes.fromhex(VECTOR_ROOTS[new_size])
    assert consistency_proof(VECTOR_LEAVES[:new_size], old_size) == expected
    assert consistency_proof_from_store(old_size, new_size, vector_store().read) == expected
    assert verify_consistency(old_size, new_size, old_root, new_root, expected)


# --- Reference: RFC 9162 §2.1 transcribed as plain recursion -------------------


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_mth(hashes: list[bytes]) -> bytes:
    if not hashes:
        return EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = split_point(len(hashes))
    return node_hash(reference_mth(hashes[:k]), reference_mth(hashes[k:]))


def reference_path(index: int, start: int, end: int) -> list[tuple[int, int, bool]]:
    """PATH as (start, end, sibling_is_left) leaf ranges, deepest first."""
    if end - start == 1:
        return []
    split = start + split_point(end - start)
    if index < split:
        return [*reference_path(index, start, split), (split, end, False)]
    return [*reference_path(index, split, end), (start, split, True)]


def reference_subproof(old_size: int, start: int, end: int, old_root_is_node: bool) -> list[tuple[int, int, str]]:
    """SUBPROOF as (start, end, role) leaf ranges; role is "start", "left" or "right"."""
    if old_size == end:
        return [] if old_root_is_node else [(start, end, "start")]
    split = start + split_point(end - start)
    if old_size <= split:
        return [*reference_subproof(old_size, start, split, old_root_is_node), (split, end, "right")]
    return [*reference_subproof(old_size, split, end, False), (start, split, "left")]


def inclusion_shape(index: int, size: int) -> tuple[bool, ...] | None:
    """What a verifier does with each proof element; equal shapes verify the same proofs."""
    if not 0 <= index < size:
        return None
    return tuple(is_left for _, _, is_left in reference_path(index, 0, size))


def consistency_shape(old_size: int, new_size: int) -> tuple[str, ...] | None:
    if not 0 < old_size <= new_size:
        return None
    return tuple(role for _, _, role in reference_subproof(old_size, 0, new_size, True))


def distinct_leaves(salt: bytes, start: int, count: int) -> list[bytes]:
    # Distinct leaves make every subtree hash unique, so only genuine proofs can verify.
    return [leaf_hash(salt + i.to_bytes(8, "big")) for i in range(start, start + count)]


salts = st.binary(max_size=8)


@given(salt=salts, size=st.integers(0, 70), data=st.data())
def test_list_functions_match_reference(salt: bytes, size: int, data: st.DataObject) -> None:
    leaves = distinct_leaves(salt, 0, size)
    assert root(leaves) == reference_mth(leaves)
    if size == 0:
        return
    index = data.draw(st.integers(0, size - 1), label="index")
    old_size = data.draw(st.integers(1, size), label="old_size")
    assert inclusion_proof(leaves, index) == [
        reference_mth(leaves[start:end]) for start, end, _ in reference_path(index, 0, size)
    ]
    assert consistency_proof(leaves, old_size) == [
        reference_mth(leaves[start:end]) for start, end, _ in reference_subproof(old_size, 0, size, True)
    ]


# --- Verification properties ---------------------------------------------------


def flip_byte(value: bytes, position: int, mask: int) -> bytes:
    position %= len(value)
    return value[:position] + bytes([value[position] ^ mask]) + value[position + 1 :]


masks = st.integers(1, 255)


@given(salt=salts, size=st.integers(1, 64), data=st.data())
def test_inclusion_proofs_verify_and_mutations_fail(salt: bytes, size: int, data: st.DataObject) -> None:
    leaves = distinct_leaves(salt, 0, size)
    tree_root = root(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = inclusion_proof(leaves, index)
    leaf = leaves[index]
    assert verify_inclusion(leaf, index, size, proof, tree_root)

    position, mask = data.draw(st.integers(0, 31), label="byte"), data.draw(masks, label="mask")
    assert not verify_inclusion(leaf, index, size, proof, flip_byte(tree_root, position, mask))
    assert not verify_inclusion(flip_byte(leaf, position, mask), index, size, proof, tree_root)
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        mutated = [*proof]
        mutated[element] = flip_byte(proof[element], position, mask)
        assert not verify_inclusion(leaf, index, size, mutated, tree_root)
        assert not verify_inclusion(leaf, index, size, proof[:-1], tree_root)
    assert not verify_inclusion(leaf, index, size, [*proof, tree_root], tree_root)

    # Another position verifies exactly when the verifier would combine the same hashes the same way.
    other_size = data.draw(st.integers(0, 2 * size + 1), label="other_size")
    other_index = data.draw(st.integers(0, 2 * size + 1), label="other_index")
    expected = inclusion_shape(other_index, other_size) == inclusion_shape(index, size)
    assert verify_inclusion(leaf, other_index, other_size, proof, tree_root) is expected


@given(salt=salts, new_size=st.integers(1, 64), data=st.data())
def test_consistency_proofs_verify_and_mutations_fail(salt: bytes, new_size: int, data: st.DataObject) -> None:
    leaves = distinct_leaves(salt, 0, new_size)
    old_size = data.draw(st.integers(1, new_size), label="old_size")
    old_root, new_root = root(leaves[:old_size]), root(leaves)
    proof = consistency_proof(leaves, old_size)
    assert verify_consistency(old_size, new_size, old_root, new_root, proof)

    position, mask = data.draw(st.integers(0, 31), label="byte"), data.draw(masks, label="mask")
    assert not verify_consistency(old_size, new_size, flip_byte(old_root, position, mask), new_root, proof)
    assert not verify_consistency(old_size, new_size, old_root, flip_byte(new_root, position, mask), proof)
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        mutated = [*proof]
        mutated[element] = flip_byte(proof[element], position, mask)
        assert not verify_consistency(old_size, new_size, old_root, new_root, mutated)
        assert not verify_consistency(old_size, new_size, old_root, new_root, proof[:-1])
        assert not verify_consistency(old_size, new_size, new_root, old_root, proof)
    assert not verify_consistency(old_size, new_size, old_root, new_root, [*proof, new_root])

    other_old = data.draw(st.integers(0, 2 * new_size + 1), label="other_old")
    other_new = data.draw(st.integers(0, 2 * new_size + 1), label="other_new")
    expected = consistency_shape(other_old, other_new) == consistency_shape(old_size, new_size)
    assert verify_consistency(other_old, other_new, old_root, new_root, proof) is expected


# --- Malformed input -----------------------------------------------------------

HASH_A, HASH_B = leaf_hash(b"a"), leaf_hash(b"b")
GOOD_LEAVES = distinct_leaves(b"", 0, 5)
GOOD_ROOT = root(GOOD_LEAVES)
GOOD_PROOF = inclusion_proof(GOOD_LEAVES, 1)
OLD_ROOT = root(GOOD_LEAVES[:3])
GOOD_CONSISTENCY = consistency_proof(GOOD_LEAVES, 3)


def test_baselines_for_malformed_cases_verify() -> None:
    assert verify_inclusion(GOOD_LEAVES[1], 1, 5, GOOD_PROOF, GOOD_ROOT)
    assert verify_inclusion(GOOD_LEAVES[1], 1, 5, tuple(GOOD_PROOF), GOOD_ROOT)
    assert verify_consistency(3, 5, OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY)


@pytest.mark.parametrize(
    ("leaf", "index", "size", "proof", "tree_root"),
    [
        (GOOD_LEAVES[1], True, 5, GOOD_PROOF, GOOD_ROOT),  # bool is not an index
        (GOOD_LEAVES[1], 1.0, 5, GOOD_PROOF, GOOD_ROOT),
        (GOOD_LEAVES[1], "1", 5, GOOD_PROOF, GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5.0, GOOD_PROOF, GOOD_ROOT),
        (GOOD_LEAVES[1], -1, 5, GOOD_PROOF, GOOD_ROOT),
        (GOOD_LEAVES[1], 1, -5, GOOD_PROOF, GOOD_ROOT),
        (GOOD_LEAVES[1], 5, 5, GOOD_PROOF, GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 2**64, GOOD_PROOF, GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, GOOD_PROOF[:-1], GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, [*GOOD_PROOF, HASH_A], GOOD_ROOT),
        # Too long a proof must fail even when its extra element is consistent with the root.
        (GOOD_LEAVES[1], 1, 5, [*GOOD_PROOF, HASH_A], node_hash(HASH_A, GOOD_ROOT)),
        (GOOD_LEAVES[1], 1, 5, [bytearray(GOOD_PROOF[0]), *GOOD_PROOF[1:]], GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, [GOOD_PROOF[0][:31], *GOOD_PROOF[1:]], GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, [GOOD_PROOF[0] + b"\x00", *GOOD_PROOF[1:]], GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, [None, *GOOD_PROOF[1:]], GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, None, GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, b"".join(GOOD_PROOF), GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, iter(GOOD_PROOF), GOOD_ROOT),
        (GOOD_LEAVES[1], 1, 5, GOOD_PROOF, GOOD_ROOT.hex()),
        (GOOD_LEAVES[1], 1, 5, GOOD_PROOF, GOOD_ROOT + b"\x00"),
        (GOOD_LEAVES[1].hex(), 1, 5, GOOD_PROOF, GOOD_ROOT),
        (memoryview(GOOD_LEAVES[1]), 1, 5, GOOD_PROOF, GOOD_ROOT),
        (HASH_A, 0, 0, [], HASH_A),
        (b"", 0, 1, [], b""),
    ],
)
def test_verify_inclusion_rejects_malformed_input(
    leaf: object, index: object, size: object, proof: object, tree_root: object
) -> None:
    assert verify_inclusion(leaf, index, size, proof, tree_root) is False  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old_size", "new_size", "old_root", "new_root", "proof"),
    [
        (0, 5, EMPTY_ROOT, GOOD_ROOT, []),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, []),
        (6, 5, OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY),
        (-3, 5, OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY),
        (3, -5, OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY),
        (3, 2**64, OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY),
        (3.0, 5, OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY),
        (3, "5", OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY),
        (True, True, HASH_A, HASH_A, []),
        (3, 5, OLD_ROOT, GOOD_ROOT, []),
        (3, 5, OLD_ROOT, GOOD_ROOT, GOOD_CONSISTENCY[:-1]),
        (3, 5, OLD_ROOT, GOOD_ROOT, [*GOOD_CONSISTENCY, HASH_A]),
        (3, 5, OLD_ROOT, GOOD_ROOT, [HASH_A, *GOOD_CONSISTENCY]),
        (3, 5, OLD_ROOT, GOOD_ROOT, [*GOOD_CONSISTENCY[:-1], GOOD_CONSISTENCY[-1][:16]]),
        (3, 5, OLD_ROOT, GOOD_ROOT, [*GOOD_CONSISTENCY[:-1], 7]),
        (3, 5, OLD_ROOT, GOOD_ROOT, b"".join(GOOD_CONSISTENCY)),
        (3, 5, OLD_ROOT, GOOD_ROOT, None),
        (3, 5, OLD_ROOT[:31], GOOD_ROOT, GOOD_CONSISTENCY),
        (3, 5, OLD_ROOT, bytearray(GOOD_ROOT), GOOD_CONSISTENCY),
        (3, 5, None, GOOD_ROOT, GOOD_CONSISTENCY),
        (5, 5, GOOD_ROOT, GOOD_ROOT, [HASH_A]),  # equal sizes need an empty proof
        (5, 5, GOOD_ROOT, HASH_B, []),  # and equal roots
        (5, 5, b"short", b"short", []),
    ],
)
def test_verify_consistency_rejects_malformed_input(
    old_size: object, new_size: object, old_root: object, new_root: object, proof: object
) -> None:
    assert verify_consistency(old_size, new_size, old_root, new_root, proof) is False  # type: ignore[arg-type]


def test_equal_sizes_with_equal_roots_and_empty_proof_are_consistent() -> None:
    assert verify_consistency(5, 5, GOOD_ROOT, GOOD_ROOT, [])
    assert verify_consistency(5, 5, GOOD_ROOT, GOOD_ROOT, ())


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-2, 70),
    st.floats(),
    st.text(max_size=4),
    st.binary(max_size=40),
    st.binary(min_size=32, max_size=32),
    st.lists(st.one_of(st.binary(max_size=40), st.binary(min_size=32, max_size=32), st.integers()), max_size=8),
    st.tuples(st.binary(min_size=32, max_size=32)),
    st.dictionaries(st.integers(), st.integers(), max_size=2),
)


@given(anything, anything, anything, anything, anything)
def test_verifiers_never_raise(a: object, b: object, c: object, d: object, e: object) -> None:
    assert type(verify_inclusion(a, b, c, d, e)) is bool  # type: ignore[arg-type]
    assert type(verify_consistency(a, b, c, d, e)) is bool  # type: ignore[arg-type]
    assert type(verify_inclusion(HASH_A, a, b, [HASH_B] * 3, HASH_B)) is bool  # type: ignore[arg-type]
    assert type(verify_consistency(a, b, HASH_A, HASH_B, [HASH_A] * 3)) is bool  # type: ignore[arg-type]


@given(
    index=st.integers(0, 2**64 - 1),
    size=st.integers(0, 2**64 - 1),
    proof=st.lists(st.binary(min_size=32, max_size=32), max_size=70),
)
def test_verifiers_are_false_for_random_proofs_at_huge_sizes(index: int, size: int, proof: list[bytes]) -> None:
    assert not verify_inclusion(HASH_A, index, size, proof, HASH_B)
    assert not verify_consistency(min(index, size), max(index, size), HASH_A, HASH_B, proof)


# --- Proof generators reject bad arguments -------------------------------------


@pytest.mark.parametrize("index", [-1, 5, 6])
def test_inclusion_proof_rejects_index_outside_tree(index: int) -> None:
    with pytest.raises(ValueError):
        inclusion_proof(GOOD_LEAVES, index)
    with pytest.raises(ValueError):
        inclusion_proof_from_store(index, 5, DictNodeStore().read)


@pytest.mark.parametrize(("old_size", "new_size"), [(0, 5), (-1, 5), (6, 5)])
def test_consistency_proof_rejects_bad_sizes(old_size: int, new_size: int) -> None:
    with pytest.raises(ValueError):
        consistency_proof(GOOD_LEAVES[:new_size], old_size)
    with pytest.raises(ValueError):
        consistency_proof_from_store(old_size, new_size, DictNodeStore().read)


# --- Complete-node storage -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "keys"),
    [
        (0, 1, [(0, 0)]),
        (0, 7, [(2, 0), (1, 2), (0, 6)]),
        (4, 7, [(1, 2), (0, 6)]),
        (8, 16, [(3, 1)]),
        (6, 7, [(0, 6)]),
        (16, 21, [(2, 4), (0, 20)]),
    ],
)
def test_subtree_root_keys(start: int, end: int, keys: list[NodeKey]) -> None:
    assert subtree_root_keys(start, end) == keys


@pytest.mark.parametrize(("start", "end"), [(0, 0), (3, 2), (-1, 1), (1, 3), (2, 6), (4, 12)])
def test_subtree_root_keys_rejects_ranges_outside_the_decomposition(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        subtree_root_keys(start, end)


def every_complete_node(leaves: list[bytes]) -> dict[NodeKey, bytes]:
    size = len(leaves)
    return {
        (level, index): root(leaves[index << level : (index + 1) << level])
        for level in range(size.bit_length())
        for index in range(size >> level)
    }


class RecordingReader:
    """Wraps a store's reader to record each batched call."""

    def __init__(self, store: DictNodeStore) -> None:
        self.store = store
        self.calls: list[list[NodeKey]] = []

    def __call__(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        batch = list(keys)
        self.calls.append(batch)
        return self.store.read(batch)


@settings(max_examples=60, deadline=None)
@given(salt=salts, batch_sizes=st.lists(st.integers(0, 40), min_size=1, max_size=8), data=st.data())
def test_store_matches_list_functions_across_append_batches(
    salt: bytes, batch_sizes: list[int], data: st.DataObject
) -> None:
    store, leaves = DictNodeStore(), []
    nodes_before: dict[NodeKey, bytes] = {}
    for count in batch_sizes:
        new_leaves = distinct_leaves(salt, len(leaves), count)
        created = store.append(new_leaves)
        leaves += new_leaves
        nodes_after = every_complete_node(leaves)
        assert sorted((level, index) for level, index, _ in created) == sorted(nodes_after.keys() - nodes_before.keys())
        assert store.nodes == nodes_after
        nodes_before = nodes_after

    size = len(leaves)
    for _ in range(3):
        new_size = data.draw(st.integers(0, size), label="new_size")
        reader = RecordingReader(store)
        assert root_from_store(new_size, reader) == root(leaves[:new_size])
        if new_size == 0:
            continue
        index = data.draw(st.integers(0, new_size - 1), label="index")
        old_size = data.draw(st.integers(1, new_size), label="old_size")
        assert inclusion_proof_from_store(index, new_size, reader) == inclusion_proof(leaves[:new_size], index)
        assert consistency_proof_from_store(old_size, new_size, reader) == consistency_proof(
            leaves[:new_size], old_size
        )
        assert len(reader.calls) <= 3  # at most one batched read per call above
        assert all(len(batch) <= 2 * new_size.bit_length() for batch in reader.calls)


def test_large_append_batch_reads_once_and_matches_root() -> None:
    store = DictNodeStore()
    store.append(distinct_leaves(b"big", 0, 2345))
    new_leaves = distinct_leaves(b"big", 2345, 10_000)
    reader = RecordingReader(store)
    created = new_complete_nodes(2345, new_leaves, reader)
    assert reader.calls == [subtree_root_keys(0, 2345)]
    store.nodes.update(((level, index), node) for level, index, node in created)
    all_leaves = distinct_leaves(b"big", 0, 12_345)
    assert root_from_store(12_345, store.read) == root(all_leaves)


def test_appending_nothing_reads_nothing() -> None:
    reader = RecordingReader(DictNodeStore())
    assert new_complete_nodes(7, [], reader) == []
    assert reader.calls == []


def test_new_complete_nodes_rejects_bad_leaf_hashes() -> None:
    with pytest.raises(ValueError):
        new_complete_nodes(0, [b"short"], DictNodeStore().read)
    with pytest.raises(ValueError):
        new_complete_nodes(-1, [HASH_A], DictNodeStore().read)


def test_missing_nodes_are_reported() -> None:
    store = vector_store()
    del store.nodes[(1, 2)]
    with pytest.raises(MissingNodeError):
        inclusion_proof_from_store(0, 7, store.read)
    with pytest.raises(MissingNodeError):
        root_from_store(6, store.read)
    with pytest.raises(MissingNodeError):
        new_complete_nodes(6, [HASH_A], store.read)
