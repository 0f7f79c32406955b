"""The persistent Merkle log: entries, complete-subtree nodes and the head, in the app's database.

Appends are buffered per session by `record()` and written by `flush_pending()` inside the same
transaction as the change they describe; the head row's lock keeps indexes contiguous.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor
from fillonce.core.db import utcnow
from fillonce.core.iterate import batched
from fillonce.ledger import merkle
from fillonce.ledger.models import LedgerEntry, LedgerHead, LedgerNode

LEVEL_SHIFT = 48
ENTRY_VERSION = 1
EFFECTS = ("write", "delete", "event")
PENDING = "ledger_pending"
WRITTEN = "ledger_written"


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
    if instance is not None:
        object_type = object_type_of(instance)
        if effect == "delete":
            object_id = str(instance.id)
            instance = None
    if object_type is None:
        raise ValueError("a ledger record needs an instance or an object_type")
    db.info.setdefault(PENDING, []).append(
        PendingRecord(actor, action, effect, object_type, object_id, instance, content, reason, details)
    )


def pending(db: Session) -> list[PendingRecord]:
    return db.info.get(PENDING, [])


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
    found: dict[tuple[str, str], int] = {}
    for chunk in batched(sorted(keys), 400):
        rows = db.execute(
            select(LedgerEntry.object_type, LedgerEntry.object_id, LedgerEntry.idx)
            .where(tuple_(LedgerEntry.object_type, LedgerEntry.object_id).in_(chunk))
        )
        for object_type, object_id, idx in rows:
            key = (object_type, object_id)
            found[key] = max(idx, found.get(key, -1))
    return found


def _entry_body(rec: PendingRecord, salt: bytes, at: str, prev: int | None) -> dict:
    content = rec.instance.ledger_content() if rec.instance is not None else rec.content
    return {
        "v": ENTRY_VERSION,
        "at": at,
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
    now = utcnow()
    at = now.isoformat().replace("+00:00", "Z")
    rows, leaves = [], []
    for offset, rec in enumerate(records):
        key = (rec.object_type, rec.object_id)
        body = canonical_json(_entry_body(rec, salt, at, previous.get(key)))
        previous[key] = size + offset
        leaves.append(merkle.leaf_hash(body))
        rows.append({
            "idx": size + offset, "body": body.decode("utf-8"), "object_type": rec.object_type,
            "object_id": rec.object_id, "action": rec.action, "account_id": rec.actor.account_id, "at": now,
        })
    append_rows(db, size, rows, leaves)
    db.info.setdefault(WRITTEN, set()).update(previous)
    return [row["idx"] for row in rows]


def append_rows(db: Session, size: int, rows: list[dict], leaves: Sequence[bytes]) -> None:
    """Insert entry rows (already numbered from `size`) with the complete-subtree nodes they make."""
    # Core inserts: the ORM's bulk path costs more than the hashing for large appends.
    connection = db.connection()
    connection.execute(insert(LedgerEntry.__table__), rows)
    nodes = merkle.new_complete_nodes(size, leaves, node_reader(db))
    connection.execute(insert(LedgerNode.__table__),
                       [{"key": node_key(level, index), "hash": h} for level, index, h in nodes])
    db.execute(update(LedgerHead).where(LedgerHead.id == 1).values(size=size + len(rows)))


def node_reader(db: Session):
    def read(keys: Iterable[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        wanted = {node_key(level, index): (level, index) for level, index in keys}
        if not wanted:
            return {}
        rows = db.execute(select(LedgerNode.key, LedgerNode.hash).where(LedgerNode.key.in_(list(wanted))))
        return {wanted[key]: bytes(h) for key, h in rows}

    return read


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

