"""The persistent Merkle log: entries, complete-subtree nodes and the head, in the app's database.

Appends are buffered per session by `record()` and written by `flush_pending()` inside the same
transaction as the change they describe; the head row's lock keeps indexes contiguous.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor
from fillonce.core.db import utcnow
from fillonce.core.iterate import batched
from fillonce.ledger import merkle
from fillonce.ledger.models import LedgerEntry, LedgerHead, LedgerTypeStamp

LEVEL_SHIFT = 48
INDEX_MASK = (1 << LEVEL_SHIFT) - 1
BAND = 4  # tree levels stored: 0 (in the entry rows), 4, 8, 12, …; the rest are folded on read
ENTRY_VERSION = 1
EFFECTS = ("write", "delete", "event")
PENDING = "ledger_pending"
WRITTEN = "ledger_written"
SIGN_HEAD = "ledger_sign_head"


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(salt: bytes, content: Any) -> str:
    """Salted so that a published log leaks nothing, even about small or guessable values."""
    return hmac.new(salt, canonical_json(content), hashlib.sha256).hexdigest()


def node_key(level: int, index: int) -> int:
    return (level << LEVEL_SHIFT) | index


@dataclass
class PendingRecord:
    actor: Actor
    action: str
    effect: str
    object_type: str
    object_id: str | None
    instance: Any = None
    content: Any = None
    reason: str | None = None
    details: dict | None = None
    at: str = ""  # when the change was made (the replayed time in the demo), not when the transaction ends


ENTRY_KEYS = {"v", "idx", "at", "who", "action", "effect", "object", "content_hash", "prev", "reason", "details"}


def _check_details(details: dict) -> None:
    """Details are flat and never reuse an entry key, so verify can read entries without parsing them."""
    for key, value in details.items():
        if key in ENTRY_KEYS or isinstance(value, (dict, list)):
            raise ValueError(f"ledger details must be flat and not reuse entry keys: {key!r}")


def object_type_of(instance: Any) -> str:
    return type(instance).__tablename__


def record(
    db: Session,
    actor: Actor,
    action: str,
    instance: Any = None,
    *,
    effect: str = "write",
    object_type: str | None = None,
    object_id: str | None = None,
    content: Any = None,
    reason: str | None = None,
    details: dict | None = None,
) -> None:
    """Queue the ledger entry of a change; it is written with the change or not at all.

    For an ORM instance the content is taken from `instance.ledger_content()` when the entry is
    written, so it describes the final state of the transaction.
    """
    if effect not in EFFECTS:
        raise ValueError(f"unknown ledger effect {effect!r}")
    _check_details(details or {})
    if instance is not None:
        object_type = object_type_of(instance)
        if effect == "delete":
            object_id = str(instance.id)
            instance = None
    if object_type is None:
        raise ValueError("a ledger record needs an instance or an object_type")
    db.info.setdefault(PENDING, []).append(
        PendingRecord(actor, action, effect, object_type, object_id, instance, content, reason, details,
                      utcnow().isoformat().replace("+00:00", "Z"))
    )


def sign_head_with_change(db: Session) -> None:
    """Ask that the transaction also sign a checkpoint covering its own entries: a receipt can then
    prove against it without a second serial write after the change."""
    db.info[SIGN_HEAD] = True


def discard_pending(db: Session) -> None:
    db.info.pop(PENDING, None)


def lock_head(db: Session) -> int:
    """Take the log's write lock for this transaction and return the current size."""
    if db.get_bind().dialect.name == "sqlite":
        # A write as the first statement makes SQLite take its write lock now, not on upgrade later.
        db.execute(update(LedgerHead).where(LedgerHead.id == 1).values(size=LedgerHead.size))
        return db.execute(select(LedgerHead.size).where(LedgerHead.id == 1)).scalar_one()
    return db.execute(select(LedgerHead.size).where(LedgerHead.id == 1).with_for_update()).scalar_one()


def _previous_indexes(db: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The latest entry of each object; one row per object, however long its history.

    Asked per object type with a plain `IN` over ids: SQLite answers a row-value `IN` of (type, id) pairs
    by scanning the whole object index, which made every write cost time in proportion to the log."""
    ids_by_type: dict[str, list[str]] = {}
    for object_type, object_id in sorted(keys):
        ids_by_type.setdefault(object_type, []).append(object_id)
    found: dict[tuple[str, str], int] = {}
    for object_type, ids in ids_by_type.items():
        for chunk in batched(ids, 500):
            rows = db.execute(
                select(LedgerEntry.object_id, func.max(LedgerEntry.idx))
                .where(LedgerEntry.object_type == object_type, LedgerEntry.object_id.in_(chunk))
                .group_by(LedgerEntry.object_id)
            )
            found.update(((object_type, object_id), idx) for object_id, idx in rows)
    return found


def _entry_body(rec: PendingRecord, salt: bytes, index: int, prev: int | None) -> dict:
    content = rec.instance.ledger_content() if rec.instance is not None else rec.content
    return {
        "v": ENTRY_VERSION,
        "idx": index,  # an entry names its own place, so a moved row is caught at once
        "at": rec.at,
        "who": rec.actor.ledger_identity(),
        "action": rec.action,
        "effect": rec.effect,
        "object": {"type": rec.object_type, "id": rec.object_id},
        "content_hash": content_hash(salt, content) if rec.effect == "write" else None,
        "prev": prev,
        "reason": rec.reason,
        "details": rec.details or {},
    }


def flush_pending(db: Session, salt: bytes) -> list[int]:
    """Write the queued entries and their tree nodes; returns the new entries' indexes."""
    records = db.info.pop(PENDING, [])
    if not records:
        return []
    db.flush()  # new rows get their ids
    for rec in records:
        if rec.instance is not None:
            rec.object_id = str(rec.instance.id)
    size = lock_head(db)
    previous = _previous_indexes(db, {(r.object_type, r.object_id) for r in records})
    entries = []
    for index, rec in enumerate(records, start=size):
        key = (rec.object_type, rec.object_id)
        entries.append((canonical_json(_entry_body(rec, salt, index, previous.get(key))),
                        rec.object_type, rec.object_id, rec.action))
        previous[key] = index
    append(db, size, entries)
    db.info.setdefault(WRITTEN, set()).update(previous)
    return list(range(size, size + len(entries)))


ENTRY_COLUMNS = ("idx", "leaf_hash", "body", "object_type", "object_id", "action")
ROWS_PER_INSERT = 2048  # rows per multi-row INSERT: one statement step per 2,048 rows instead of per row


def append(db: Session, size: int, entries: list[tuple[bytes, str, str, str]]) -> None:
    """Append (body, object_type, object_id, action) entries, numbered from `size`, under the head lock.

    Writes the entry rows with their leaf hashes, the band nodes they complete and the new head.
    Everything goes through the driver: for large appends SQLAlchemy's per-row parameter handling
    costs more than the hashing and the database together."""
    if not entries:
        return
    bodies, object_types, object_ids, actions = zip(*entries)
    leaves = merkle.leaf_hashes(bodies)
    rows = zip(range(size, size + len(entries)), leaves, bodies, object_types, object_ids, actions)
    levels = merkle.new_complete_levels(size, leaves, node_reader(db))
    nodes = [(node_key(level, index), node) for level, first, hashes in levels if level and level % BAND == 0
             for index, node in enumerate(hashes, start=first)]
    stamp = secrets.randbits(62)
    cursor = db.connection().connection.cursor()
    try:
        insert_rows(db, cursor, "ledger_entry", ENTRY_COLUMNS, rows)
        if nodes:
            insert_rows(db, cursor, "ledger_node", ("key", "hash"), nodes)
        cursor.executemany(f"INSERT INTO ledger_type_stamp (object_type, stamp) VALUES ({_placeholders(db, 2)}) "
                           "ON CONFLICT (object_type) DO UPDATE SET stamp = excluded.stamp",
                           [(object_type, stamp) for object_type in set(object_types)])
    finally:
        cursor.close()
    db.execute(update(LedgerHead).where(LedgerHead.id == 1).values(size=size + len(entries)))


def type_stamps(db: Session, object_types: Iterable[str]) -> tuple[int, ...]:
    """The stamps of these object types (-1 for none yet), in their order: a cache keyed on them sees
    every change of those kinds, since every change is an entry."""
    wanted = tuple(object_types)
    found = dict(db.execute(select(LedgerTypeStamp.object_type, LedgerTypeStamp.stamp)
                            .where(LedgerTypeStamp.object_type.in_(wanted))).all())
    return tuple(found.get(object_type, -1) for object_type in wanted)


def insert_rows(db: Session, cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Rows by PostgreSQL's COPY, or by SQLite multi-row INSERTs (both beat executemany).

    Rows are streamed, never held as a list of tuples: a large batch of live tuples would make every
    garbage collection pass walk them all."""
    if db.get_bind().dialect.name == "postgresql":
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    one_row = f"({', '.join(['?'] * len(columns))})"
    rows = iter(rows)
    while values := list(chain.from_iterable(islice(rows, ROWS_PER_INSERT))):
        count = len(values) // len(columns)
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one_row] * count)}", values)


def _placeholders(db: Session, count: int) -> str:
    mark = "?" if db.get_bind().dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def node_reader(db: Session):
    """Any complete node, from the stored bands: leaf hashes live in the entry rows, and every
    BAND-th level in ledger_node; a node in between is folded from at most 2**(BAND-1) band nodes."""

    def read(keys: Iterable[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        wanted = list(keys)
        base_keys = {(level - level % BAND, i) for level, index in wanted
                     for i in range(index << (level % BAND), (index + 1) << (level % BAND))}
        base = _read_band_nodes(db, base_keys)
        found = {}
        for level, index in wanted:
            band, span = level - level % BAND, level % BAND
            hashes = [base.get((band, i)) for i in range(index << span, (index + 1) << span)]
            if None not in hashes:
                found[(level, index)] = _fold_perfect(hashes)
        return found

    return read


def _fold_perfect(hashes: list[bytes]) -> bytes:
    while len(hashes) > 1:
        hashes = [merkle.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def _read_band_nodes(db: Session, keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """One driver-level query per table: proofs are on the hot path and need few, exact keys."""
    found: dict[tuple[int, int], bytes] = {}
    leaves = sorted(index for level, index in keys if level == 0)
    nodes = sorted(node_key(level, index) for level, index in keys if level)
    cursor = db.connection().connection.cursor()
    try:
        for chunk in batched(leaves, 900):
            cursor.execute(f"SELECT idx, leaf_hash FROM ledger_entry WHERE idx IN ({_placeholders(db, len(chunk))})",
                           chunk)
            found.update(((0, idx), bytes(leaf)) for idx, leaf in cursor.fetchall())
        for chunk in batched(nodes, 900):
            cursor.execute(f"SELECT key, hash FROM ledger_node WHERE key IN ({_placeholders(db, len(chunk))})", chunk)
            found.update(((key >> LEVEL_SHIFT, key & INDEX_MASK), bytes(h)) for key, h in cursor.fetchall())
    finally:
        cursor.close()
    return found


def current_size(db: Session) -> int:
    return db.execute(select(LedgerHead.size).where(LedgerHead.id == 1)).scalar_one()


def root_at(db: Session, size: int) -> bytes:
    return merkle.root_from_store(size, node_reader(db))


def inclusion_proof(db: Session, index: int, size: int) -> list[bytes]:
    return merkle.inclusion_proof_from_store(index, size, node_reader(db))


def consistency_proof(db: Session, old_size: int, new_size: int) -> list[bytes]:
    return merkle.consistency_proof_from_store(old_size, new_size, node_reader(db))


def entry(db: Session, index: int) -> LedgerEntry | None:
    return db.get(LedgerEntry, index)

