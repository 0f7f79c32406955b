"""Checkpoints, witnesses, proofs, receipts and histories over the persistent log."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.core.config import Settings
from fillonce.core.db import utcnow
from fillonce.core.errors import NotFound
from fillonce.core.i18n import Text
from fillonce.core.writer import WRITER
from fillonce.ledger import keys, log, merkle, note
from fillonce.ledger.checkpoint import Checkpoint as CheckpointBody
from fillonce.ledger.checkpoint import sign_checkpoint
from fillonce.ledger.models import Checkpoint, Cosignature, LedgerEntry
from fillonce.ledger.witness import (
    WitnessClientError,
    WitnessConflictError,
    submit_to_witness,
)

logger = logging.getLogger(__name__)


def latest_checkpoint(db: Session) -> Checkpoint | None:
    return db.scalar(select(Checkpoint).order_by(Checkpoint.size.desc(), Checkpoint.id.desc()).limit(1))


def make_checkpoint(db: Session, settings: Settings) -> Checkpoint:
    """Sign the current tree head; the same head is never signed twice."""
    db.commit()  # a fresh transaction, so that taking the write lock is its first statement
    with WRITER.of(db):
        size = log.lock_head(db)
        latest = latest_checkpoint(db)
        if latest is not None and latest.size == size:
            db.commit()
            return latest
        checkpoint = sign_head(db, settings, size)
        db.commit()
    return checkpoint


def sign_head(db: Session, settings: Settings, size: int) -> Checkpoint:
    """Sign the tree of `size` entries in the caller's transaction, which holds the log's write lock."""
    root = log.root_at(db, size)
    body = CheckpointBody(settings.ledger_origin, size, root)
    signed = sign_checkpoint(body, note.parse_signer_key(keys.signer_key(settings)))
    checkpoint = Checkpoint(size=size, root=root, note=signed, at=utcnow())
    db.add(checkpoint)
    return checkpoint


def checkpoint_if_due(db: Session, settings: Settings) -> Checkpoint | None:
    """Every N seconds or M entries, whichever comes first, when there is anything new."""
    size = log.current_size(db)
    latest = latest_checkpoint(db)
    if latest is not None and latest.size == size:
        return None
    if size == 0:
        return None
    by_count = latest is None or size - latest.size >= settings.checkpoint_every_entries
    by_time = latest is None or utcnow() - latest.at >= timedelta(seconds=settings.checkpoint_every_seconds)
    if by_count or by_time:
        checkpoint = make_checkpoint(db, settings)
        collect_cosignatures(db, settings, checkpoint)
        return checkpoint
    return None


def _witnessed_size(db: Session, witness_name: str) -> int:
    size = db.scalar(select(func.max(Checkpoint.size)).join(Cosignature)
                     .where(Cosignature.witness == witness_name))
    return size or 0


def collect_cosignatures(db: Session, settings: Settings, checkpoint: Checkpoint) -> list[str]:
    """Ask every configured witness to cosign; a witness that refuses is logged loudly, not fatal."""
    failures: list[str] = []
    for url, verifier_key in settings.witnesses:
        name = verifier_key.split("+", 1)[0]
        old_size = _witnessed_size(db, name)
        try:
            lines = _submit(db, url, old_size, checkpoint)
        except WitnessClientError as exc:
            logger.error("witness %s refused checkpoint %s: %s", url, checkpoint.size, exc)
            failures.append(f"{url}: {exc}")
            continue
        db.commit()  # end the reads: the cosignatures are written in a fresh transaction
        with WRITER.of(db):  # the witness was asked outside the turn: other writers need not wait for it
            db.add_all(Cosignature(checkpoint_id=checkpoint.id, witness=line[2:].split(" ", 1)[0], line=line,
                                   at=utcnow()) for line in lines)
            db.commit()
    return failures


def cosign_latest(db: Session, settings: Settings) -> None:
    """Collect the witnesses' cosignatures of the latest checkpoint if it has none yet."""
    if not settings.witnesses:
        return
    latest = latest_checkpoint(db)
    if latest is not None and db.scalar(select(func.count()).where(Cosignature.checkpoint_id == latest.id)) == 0:
        collect_cosignatures(db, settings, latest)


def _submit(db: Session, url: str, old_size: int, checkpoint: Checkpoint) -> list[str]:
    proof = log.consistency_proof(db, old_size, checkpoint.size) if 0 < old_size < checkpoint.size else []
    try:
        return submit_to_witness(url, old_size, proof, checkpoint.note)
    except WitnessConflictError as exc:  # the witness saw a checkpoint we did not record: prove from there
        proof = log.consistency_proof(db, exc.current_size, checkpoint.size) if exc.current_size else []
        return submit_to_witness(url, exc.current_size, proof, checkpoint.note)


def cosigned_note(db: Session, checkpoint: Checkpoint) -> str:
    lines = db.scalars(select(Cosignature.line).where(Cosignature.checkpoint_id == checkpoint.id)
                       .order_by(Cosignature.id))
    return checkpoint.note + "".join(lines)


def checkpoint_covering(db: Session, settings: Settings, index: int) -> Checkpoint:
    latest = latest_checkpoint(db)
    if latest is None or latest.size <= index:
        latest = make_checkpoint(db, settings)
        collect_cosignatures(db, settings, latest)
    return latest


def proof_bundle(db: Session, settings: Settings, index: int) -> dict:
    """What a third party needs to check one entry without our database (tools/verify_proof.py)."""
    entry = log.entry(db, index)
    if entry is None:
        raise NotFound(Text(f"账本中没有第 {index} 条", f"the ledger has no entry {index}"))
    checkpoint = checkpoint_covering(db, settings, index)
    proof = log.inclusion_proof(db, index, checkpoint.size)
    return {
        "entry": entry.text,
        "index": index,
        "leaf_hash": merkle.leaf_hash(entry.body).hex(),
        "inclusion_proof": [h.hex() for h in proof],
        "checkpoint": cosigned_note(db, checkpoint),
        "log_key": keys.verifier_key(settings),
        "witness_keys": [key for _, key in settings.witnesses],
    }


def receipt(db: Session, settings: Settings, indexes: list[int]) -> dict:
    """A reporter's proof that their submission is in the log, checkable later by anyone."""
    return {"receipt": "fillonce ledger receipt v1", "entries": [proof_bundle(db, settings, i) for i in indexes]}


@dataclass(frozen=True)
class HistoryItem:
    index: int
    body: dict
    proven: bool


def history(db: Session, settings: Settings, object_type: str, object_id: str) -> list[HistoryItem]:
    """Every entry about one object, newest first, each with its inclusion proof checked."""
    entries = list(db.scalars(select(LedgerEntry).where(LedgerEntry.object_type == object_type,
                                                        LedgerEntry.object_id == object_id)
                              .order_by(LedgerEntry.idx.desc())))
    if not entries:
        return []
    checkpoint = checkpoint_covering(db, settings, entries[0].idx)
    items = []
    for entry in entries:
        proof = log.inclusion_proof(db, entry.idx, checkpoint.size)
        leaf = merkle.leaf_hash(entry.body)
        items.append(HistoryItem(entry.idx, json.loads(entry.body),
                                 merkle.verify_inclusion(leaf, entry.idx, checkpoint.size, proof, checkpoint.root)))
    return items


def recent_entries(db: Session, actor: Actor, limit: int = 100, before: int | None = None) -> list[LedgerEntry]:
    authorize(actor, "ledger.view")
    query = select(LedgerEntry).order_by(LedgerEntry.idx.desc()).limit(limit)
    if before is not None:
        query = query.where(LedgerEntry.idx < before)
    return list(db.scalars(query))


def checkpoints(db: Session, limit: int = 20) -> list[tuple[Checkpoint, list[Cosignature]]]:
    found = list(db.scalars(select(Checkpoint).order_by(Checkpoint.size.desc()).limit(limit)))
    cosigs = {c.id: [] for c in found}
    for cosig in db.scalars(select(Cosignature).where(Cosignature.checkpoint_id.in_(list(cosigs)))):
        cosigs[cosig.checkpoint_id].append(cosig)
    return [(c, cosigs[c.id]) for c in found]
