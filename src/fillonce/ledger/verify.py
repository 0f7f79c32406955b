"""`fillonce ledger verify`: recompute the whole tree, check every checkpoint and cosignature, and
check that the data tables are exactly what replaying the log says they should be.

Memory stays bounded: entries are streamed in aligned chunks, and only the compact range of the
tree and one digest per live object are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.core import models as all_models
from fillonce.core.config import Settings
from fillonce.ledger import keys, log, merkle, note
from fillonce.ledger.checkpoint import open_checkpoint
from fillonce.ledger.cosignature import (
    CosignatureError,
    parse_cosigner_verifier_key,
    verify_cosignatures,
)
from fillonce.ledger.models import Checkpoint, Cosignature, LedgerEntry, LedgerNode

CHUNK_LEVEL = 14  # 16,384 entries per chunk


def ledgered_models() -> list[type]:
    """Every mapped class whose rows the ledger describes: those with `ledger_content()`."""
    classes = (mapper.class_ for mapper in all_models.Base.registry.mappers)
    return sorted((c for c in classes if hasattr(c, "ledger_content")), key=lambda c: c.__tablename__)


@dataclass
class Problem:
    what: str
    entry: int | None = None
    object: str | None = None

    def __str__(self) -> str:
        where = []
        if self.entry is not None:
            where.append(f"entry {self.entry}")
        if self.object:
            where.append(self.object)
        return f"{self.what}" + (f" [{', '.join(where)}]" if where else "")


@dataclass
class Report:
    size: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    objects: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def first_bad_entry(self) -> int | None:
        entries = [p.entry for p in self.problems if p.entry is not None]
        return min(entries) if entries else None


def _field(body: bytes, name: bytes) -> bytes | None:
    """A string field of a canonical entry, without parsing the JSON (verify reads millions)."""
    marker = b'"' + name + b'":'
    at = body.find(marker)
    if at < 0:
        return None
    start = at + len(marker)
    if body.startswith(b"null", start):
        return None
    return body[start + 1:body.index(b'"', start + 1)]


IDX_MARKER = b'"idx":'
OBJECT_MARKER = b'"object":{"id":'
QUOTE = b'"'


def _own_index(body: bytes) -> int | None:
    at = body.find(IDX_MARKER)
    if at < 0:
        return None
    start = at + len(IDX_MARKER)
    end = body.find(b",", start)
    digits = body[start:end if end >= 0 else None].rstrip(b"}")
    return int(digits) if digits.isdigit() else None


def _object_key(body: bytes) -> str:
    at = body.find(OBJECT_MARKER)
    if at < 0:
        return "?"
    start = at + len(OBJECT_MARKER)
    fields = body[start:body.index(b"}", start)]  # "42","type":"org_unit"  (sorted keys: id before type)
    object_id, _, object_type = fields.partition(b',"type":')
    return object_type.strip(QUOTE).decode() + ":" + object_id.strip(QUOTE).decode()


def _entry_chunks(db: Session, chunk: int) -> Iterator[list[tuple]]:
    """(idx, leaf_hash, body) rows in index order, through the driver: SQLAlchemy's per-row work
    would cost more than hashing them."""
    cursor = db.connection().connection.cursor()
    mark = "?" if db.get_bind().dialect.paramstyle == "qmark" else "%s"
    last = -1
    try:
        while True:
            cursor.execute(f"SELECT idx, leaf_hash, body FROM ledger_entry WHERE idx > {mark} "
                           f"ORDER BY idx LIMIT {chunk}", (last,))
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]
    finally:
        cursor.close()


def _stored_band(db: Session, level: int, first: int, last: int) -> list[bytes]:
    rows = db.execute(select(LedgerNode.hash).where(
        LedgerNode.key.between(log.node_key(level, first), log.node_key(level, last))).order_by(LedgerNode.key))
    return [bytes(h) for (h,) in rows]


def _check_bands(db: Session, created: list[tuple[int, int, bytes]], report: Report) -> bool:
    """Compare the recomputed band nodes with the stored ones, one range query per band level."""
    by_level: dict[int, list[tuple[int, bytes]]] = {}
    for level, index, node in created:
        if level and level % log.BAND == 0:
            by_level.setdefault(level, []).append((index, node))
    for level, nodes in sorted(by_level.items()):
        stored = _stored_band(db, level, nodes[0][0], nodes[-1][0])
        if stored != [node for _, node in nodes]:
            padded = stored + [b""] * (len(nodes) - len(stored))
            bad = next(index for (index, node), kept in zip(nodes, padded) if node != kept)
            report.problems.append(Problem(f"stored tree node (level {level}, index {bad}) does not match the entries",
                                           entry=bad << level))
            return False
    return True


def _replay(body: bytes, expected: dict[str, bytes | None]) -> None:
    effect = _field(body, b"effect")
    if effect == b"write":
        expected[_object_key(body)] = _field(body, b"content_hash")
    elif effect == b"delete":
        expected[_object_key(body)] = None


def _check_chunk(rows: list[tuple], size: int, report: Report, expected: dict) -> list[bytes] | None:
    """Leaf hashes of a chunk of entries, or None after naming the first entry that is wrong."""
    leaves = []
    for offset, (idx, stored_leaf, body) in enumerate(rows):
        if idx != size + offset:
            report.problems.append(Problem(f"entries are not contiguous: entry {size + offset} is missing",
                                           entry=size + offset))
            return None
        body = bytes(body)
        leaf = merkle.leaf_hash(body)
        if leaf != bytes(stored_leaf):
            report.problems.append(Problem("entry body does not match its stored leaf hash", entry=idx))
            return None
        if _own_index(body) != idx:
            report.problems.append(Problem("entry is not at the place it was written for (moved or reordered)",
                                           entry=idx))
            return None
        leaves.append(leaf)
        _replay(body, expected)
    return leaves


def _check_tree_and_replay(db: Session, report: Report, expected: dict[str, bytes | None],
                           progress: Callable[[int], None]) -> None:
    compact: dict[tuple[int, int], bytes] = {}
    size = 0
    for rows in _entry_chunks(db, 1 << CHUNK_LEVEL):
        leaves = _check_chunk(rows, size, report, expected)
        if leaves is None:
            return
        created = merkle.new_complete_nodes(size, leaves, lambda wanted: {k: compact[k] for k in wanted})
        if not _check_bands(db, created, report):
            return
        size += len(rows)
        report.size = size
        keep = set(merkle.subtree_root_keys(0, size))
        compact = {k: v for k, v in compact.items() if k in keep}
        compact.update(((level, index), node) for level, index, node in created if (level, index) in keep)
        progress(size)
    head = log.current_size(db)
    if head != size:
        report.problems.append(Problem(f"the log head says {head} entries but {size} are stored",
                                       entry=min(head, size)))


def _check_checkpoints(db: Session, settings: Settings, report: Report) -> None:
    log_key = note.parse_verifier_key(keys.verifier_key(settings))
    witnesses = [parse_cosigner_verifier_key(key) for _, key in settings.witnesses]
    tree_ok = report.ok
    still_matching = 0  # the largest signed size the log still agrees with: a rewrite starts after it
    for checkpoint in db.scalars(select(Checkpoint).order_by(Checkpoint.size)):
        report.checkpoints += 1
        label = f"checkpoint {checkpoint.id} (size {checkpoint.size})"
        try:
            body, _ = open_checkpoint(checkpoint.note, [log_key])
        except ValueError as exc:
            report.problems.append(Problem(f"{label}: signature does not verify: {exc}"))
            continue
        if body.size != checkpoint.size or body.root_hash != bytes(checkpoint.root):
            report.problems.append(Problem(f"{label}: stored size/root differ from the signed note"))
        if tree_ok and body.size > report.size:
            report.problems.append(Problem(f"{label}: the log was truncated below this signed size",
                                           entry=report.size))
        elif tree_ok and log.root_at(db, body.size) != body.root_hash:
            report.problems.append(Problem(f"{label}: the log no longer has the tree this checkpoint signed; "
                                           f"it was rewritten after entry {still_matching}", entry=still_matching))
        elif tree_ok:
            still_matching = body.size
        for cosig in db.scalars(select(Cosignature).where(Cosignature.checkpoint_id == checkpoint.id)):
            report.cosignatures += 1
            known = [w for w in witnesses if w.name == cosig.witness]
            if not known:
                continue  # a witness no longer configured: its key is not known here
            try:
                verify_cosignatures(checkpoint.note + cosig.line, known)
            except (CosignatureError, ValueError) as exc:
                report.problems.append(Problem(f"{label}: cosignature of {cosig.witness} does not verify: {exc}"))


def _check_tables(db: Session, settings: Settings, expected: dict[str, bytes | None], report: Report) -> None:
    salt = keys.salt(settings)
    for model in ledgered_models():
        table = model.__tablename__
        for instance in db.scalars(select(model)).yield_per(2000):
            key = f"{table}:{instance.id}"
            report.objects += 1
            if key not in expected:
                report.problems.append(Problem("row exists in the database but not in the ledger", object=key))
                continue
            want = expected.pop(key)
            if want is None:
                report.problems.append(Problem("row was deleted in the ledger but is still in the database",
                                               object=key))
            elif log.content_hash(salt, instance.ledger_content()).encode() != want:
                report.problems.append(Problem("row differs from its last ledger entry (changed behind the app's back)",
                                               object=key, entry=_last_entry(db, key)))
        for key, want in list(expected.items()):
            if key.startswith(table + ":"):
                expected.pop(key)
                if want is not None:
                    report.problems.append(Problem("row in the ledger is missing from the database",
                                                   object=key, entry=_last_entry(db, key)))


def _last_entry(db: Session, key: str) -> int | None:
    object_type, _, object_id = key.partition(":")
    return db.scalar(select(func.max(LedgerEntry.idx)).where(LedgerEntry.object_type == object_type,
                                                            LedgerEntry.object_id == object_id))


def verify(db: Session, settings: Settings, progress: Callable[[int], None] = lambda n: None) -> Report:
    db.expire_all()  # compare what the database holds now, not what this session remembers
    report = Report()
    expected: dict[str, bytes | None] = {}
    _check_tree_and_replay(db, report, expected, progress)
    _check_checkpoints(db, settings, report)
    if report.ok:
        _check_tables(db, settings, expected, report)
    return report
