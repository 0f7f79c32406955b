"""RFC 9162 §2.1 Merkle tree hashing, proofs, and the complete-node storage scheme.

Everything here is pure: no database, no I/O.  A database layer persists the
hash of every *complete* (perfect) subtree under the key ``(level, index)``,
which covers leaves ``[index * 2**level, (index + 1) * 2**level)``.  Complete
nodes never change once written, so any historical tree size can be proven
from them: every subtree in the RFC decomposition is either one complete node
or the right-edge fold of a few complete nodes (see ``subtree_root_keys``).

Proof generators raise ``ValueError`` on invalid sizes or indexes; verifiers
never raise and return False for anything malformed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

HASH_SIZE = 32
MAX_TREE_SIZE = 2**64 - 1  # RFC 9162 tree sizes are uint64
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeKey = tuple[int, int]  # (level, index) of a complete subtree

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256
_NODE_PREFIXED = _sha256(_NODE_PREFIX)  # only ever copied, never updated


class NodeReader(Protocol):
    """Batched lookup of stored complete nodes; one call should be one query.

    Keys that are not stored are simply absent from the returned mapping.
    """

    def __call__(self, keys: Iterable[NodeKey]) -> Mapping[NodeKey, bytes]: ...


class MissingNodeError(LookupError):
    """The store lacks a complete node that a tree of the requested size must have."""


def leaf_hash(entry: bytes) -> bytes:
    return _sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(_NODE_PREFIX + left + right).digest()


def leaf_hashes(entries: Iterable[bytes]) -> list[bytes]:
    """`leaf_hash` of each entry; one comprehension, because the log and verify hash millions."""
    sha256, prefix = _sha256, _LEAF_PREFIX
    return [sha256(prefix + entry).digest() for entry in entries]


def parent_level(hashes: Sequence[bytes]) -> list[bytes]:
    """The node hashes of consecutive pairs; an unpaired last hash is left out.

    Each node starts from a copy of a state that has already taken the 0x01 prefix: copying is cheaper
    than starting a hash anew, and two updates spare building the 65-byte input."""
    start, parents = _NODE_PREFIXED.copy, []
    for left, right in zip(hashes[0::2], hashes[1::2]):
        node = start()
        node.update(left)
        node.update(right)
        parents.append(node.digest())
    return parents


# --- Tree head and proofs over an in-memory list of leaf hashes ---------------


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1, computed bottom-up with one hash per node."""
    level = leaf_hashes
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        parents = parent_level(level)
        # Pairing bottom-up and lifting an unpaired last node unchanged builds exactly
        # the RFC tree, which splits at the largest power of two below n.
        if len(level) % 2:
            parents.append(level[-1])
        level = parents
    return level[0]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 §2.1.3.1, deepest sibling first."""
    ranges = _inclusion_ranges(index, len(leaf_hashes))
    return [root(leaf_hashes[start:end]) for start, end in ranges]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 9162 §2.1.4.1; empty when old_size == n."""
    ranges = _consistency_ranges(old_size, len(leaf_hashes))
    return [root(leaf_hashes[start:end]) for start, end in ranges]


# --- Verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ----------------------------


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """True iff `proof` shows leaf `index` (from 0) with `leaf_hash` is in the tree `root` of `size` leaves."""
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_hash_list(proof)):
        return False
    if not (_is_tree_size(size) and _is_tree_size(index) and index < size):
        return False
    sides = _sibling_sides(index, size - 1, len(proof))
    if sides is None:
        return False
    computed = leaf_hash
    for sibling, sibling_is_left in zip(proof, sides):
        computed = node_hash(sibling, computed) if sibling_is_left else node_hash(computed, sibling)
    return computed == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff `proof` shows the tree `old_root` of `old_size` leaves is a prefix of `new_root`."""
    if not (_is_hash(old_root) and _is_hash(new_root) and _is_hash_list(proof)):
        return False
    if not (_is_tree_size(old_size) and _is_tree_size(new_size) and 0 < old_size <= new_size):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    # A power-of-two old tree is itself a node of the new tree, so the proof omits it.
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    node, last = old_size - 1, new_size - 1
    while node % 2:  # start from the largest complete subtree ending at the old tree's last leaf
        node >>= 1
        last >>= 1
    sides = _sibling_sides(node, last, len(path) - 1)
    if sides is None:
        return False
    old_computed = new_computed = path[0]
    for sibling, sibling_is_left in zip(path[1:], sides):
        if sibling_is_left:
            old_computed = node_hash(sibling, old_computed)
            new_computed = node_hash(sibling, new_computed)
        else:
            new_computed = node_hash(new_computed, sibling)
    return old_computed == old_root and new_computed == new_root


def _sibling_sides(node: int, last: int, path_length: int) -> list[bool] | None:
    """For each path element, whether it is the left sibling; None if the length does not fit.

    `node` is the position of the starting hash on its level and `last` the position
    of the tree's last node on that level (fn and sn in the RFC).
    """
    sides = []
    for _ in range(path_length):
        if last == 0:
            return None
        sibling_is_left = node % 2 == 1 or node == last
        sides.append(sibling_is_left)
        if sibling_is_left:
            # A right-edge node without a right sibling is lifted unchanged until it is a right child.
            while node and node % 2 == 0:
                node >>= 1
                last >>= 1
        node >>= 1
        last >>= 1
    return sides if last == 0 else None


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_hash_list(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(_is_hash(item) for item in value)


def _is_tree_size(value: object) -> bool:
    # bool is an int subclass, but True is never a meaningful size or index.
    return type(value) is int and 0 <= value <= MAX_TREE_SIZE


# --- The RFC decomposition as leaf ranges -------------------------------------


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges [start, end) whose MTH form PATH(index, D[size]), in proof order."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        split = start + _largest_power_of_two_below(end - start)
        if index < split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
    ranges.reverse()
    return ranges


def _consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """Leaf ranges [start, end) whose MTH form PROOF(old_size, D[new_size]), in proof order."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    ranges = []
    start, end = 0, new_size
    old_root_is_a_node = True  # SUBPROOF's b: the old root is a node of the new tree
    while old_size != end:
        split = start + _largest_power_of_two_below(end - start)
        if old_size <= split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
            old_root_is_a_node = False
    if not old_root_is_a_node:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


# --- Persistent complete nodes ------------------------------------------------


def subtree_root_keys(start: int, end: int) -> list[NodeKey]:
    """Complete nodes, left to right, whose right-edge fold is MTH(D[start:end]).

    Valid for every subtree of the RFC decomposition, i.e. whenever `start` is a
    multiple of the largest power of two not above `end - start`.
    """
    if not 0 <= start < end:
        raise ValueError(f"empty or negative leaf range [{start}, {end})")
    keys = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ValueError(f"leaf range [{start}, {end}) is not a subtree of the RFC decomposition")
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def new_complete_nodes(
    size_before: int, new_leaf_hashes: Sequence[bytes], read: NodeReader
) -> list[tuple[int, int, bytes]]:
    """Nodes (level, index, hash) completed by appending leaves to a tree of `size_before`.

    Includes the new leaves themselves (level 0).  Reads the old tree's compact
    range (at most log2 n nodes) in one batch; the rest is pure hashing.
    """
    return [(level, first + offset, node)
            for level, first, hashes in new_complete_levels(size_before, new_leaf_hashes, read)
            for offset, node in enumerate(hashes)]


def new_complete_levels(
    size_before: int, new_leaf_hashes: Sequence[bytes], read: NodeReader
) -> list[tuple[int, int, list[bytes]]]:
    """The nodes of `new_complete_nodes` grouped by level: (level, index of the first, hashes)."""
    if not 0 <= size_before <= MAX_TREE_SIZE - len(new_leaf_hashes):
        raise ValueError(f"invalid tree size {size_before}")
    if not new_leaf_hashes:
        return []
    # Checked with C-level maps: a per-leaf Python check would cost a fifth of the hashing.
    if set(map(type, new_leaf_hashes)) != {bytes} or set(map(len, new_leaf_hashes)) != {HASH_SIZE}:
        raise ValueError(f"leaf hashes must be {HASH_SIZE}-byte bytes")
    compact_range = _read_nodes(read, subtree_root_keys(0, size_before)) if size_before else {}
    created: list[tuple[int, int, list[bytes]]] = []
    level, first, hashes = 0, size_before, list(new_leaf_hashes)
    while hashes:
        created.append((level, first, hashes))
        if first % 2:  # the first new node is a right child; its left sibling is already stored
            hashes = [compact_range[(level, first - 1)], *hashes]
            first -= 1
        # An unpaired last node stays incomplete on the next level, so it is dropped.
        hashes = parent_level(hashes)
        level, first = level + 1, first // 2
    return created


def root_from_store(size: int, read: NodeReader) -> bytes:
    """MTH of the first `size` leaves, from stored complete nodes only."""
    if size == 0:
        return EMPTY_ROOT
    return _hashes_from_store([(0, size)], read)[0]


def inclusion_proof_from_store(index: int, size: int, read: NodeReader) -> list[bytes]:
    """Same bytes as `inclusion_proof`, from stored complete nodes in one batched read."""
    return _hashes_from_store(_inclusion_ranges(index, size), read)


def consistency_proof_from_store(old_size: int, new_size: int, read: NodeReader) -> list[bytes]:
    """Same bytes as `consistency_proof`, from stored complete nodes in one batched read."""
    return _hashes_from_store(_consistency_ranges(old_size, new_size), read)


def _hashes_from_store(ranges: Sequence[tuple[int, int]], read: NodeReader) -> list[bytes]:
    key_groups = [subtree_root_keys(start, end) for start, end in ranges]
    nodes = _read_nodes(read, [key for keys in key_groups for key in keys])
    return [_fold_right_edge([nodes[key] for key in keys]) for keys in key_groups]


def _fold_right_edge(hashes: Sequence[bytes]) -> bytes:
    """MTH of consecutive complete subtrees of strictly decreasing size."""
    folded = hashes[-1]
    for left in reversed(hashes[:-1]):
        folded = node_hash(left, folded)
    return folded


def _read_nodes(read: NodeReader, keys: list[NodeKey]) -> Mapping[NodeKey, bytes]:
    if not keys:
        return {}
    found = read(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        raise MissingNodeError(f"complete nodes not in store: {missing}")
    return found


class DictNodeStore:
    """In-memory node store: the behaviour a database store must reproduce."""

    def __init__(self) -> None:
        self.nodes: dict[NodeKey, bytes] = {}
        self.size = 0

    def read(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        return {key: self.nodes[key] for key in keys if key in self.nodes}

    def append(self, leaf_hashes: Sequence[bytes]) -> list[tuple[int, int, bytes]]:
        created = new_complete_nodes(self.size, leaf_hashes, self.read)
        self.nodes.update(((level, index), node) for level, index, node in created)
        self.size += len(leaf_hashes)
        return created
