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

from fillonce.accounts.models import Account, Department
from fillonce.catalog.models import Category, DataElement
from fillonce.core.config import Settings
from fillonce.ledger import keys, log, merkle, note
from fillonce.ledger.checkpoint import open_checkpoint
from fillonce.ledger.cosignature import CosignatureError, parse_cosigner_verifier_key, verify_cosignatures
from fillonce.ledger.models import Checkpoint, Cosignature, LedgerEntry, LedgerNode
from fillonce.orgunits.models import OrgUnit

CHUNK_LEVEL = 14  # 16,384 entries per chunk
LEDGERED_MODELS = (OrgUnit, Department, Account, Category, DataElement)


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


def _field(body: str, name: str) -> str | None:
    """A string field of a canonical entry, without parsing the JSON (verify reads millions)."""
    marker = f'"{name}":'
    at = body.find(marker)
    if at < 0:
        return None
    start = at + len(marker)
    if body.startswith("null", start):
        return None
    end = body.index('"', start + 1)
    return body[start + 1:end]


def _object_key(body: str) -> str:
    at = body.find('"object":{"id":')
    if at < 0:
        return "?"
    start = at + len('"object":{"id":')
    end = body.index("}", start)
    fields = body[start:end]  # "42","type":"org_unit"  (keys are sorted: id before type)
    object_id, _, object_type = fields.partition(',"type":')
    return f"{object_type.strip(chr(34))}:{object_id.strip(chr(34))}"


def _entry_chunks(db: Session, chunk: int) -> Iterator[list[tuple[int, str]]]:
    last = -1
    while True:
        rows = db.execute(select(LedgerEntry.idx, LedgerEntry.body).where(LedgerEntry.idx > last)
                          .order_by(LedgerEntry.idx).limit(chunk)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _stored_nodes(db: Session, level: int, first: int, last: int) -> dict[int, bytes]:
    low, high = log.node_key(level, first), log.node_key(level, last)
    rows = db.execute(select(LedgerNode.key, LedgerNode.hash).where(LedgerNode.key.between(low, high)))
    return {key & ((1 << log.LEVEL_SHIFT) - 1): bytes(h) for key, h in rows}


def _check_nodes(db: Session, created: list[tuple[int, int, bytes]], report: Report) -> bool:
    by_level: dict[int, list[tuple[int, bytes]]] = {}
    for level, index, node in created:
        by_level.setdefault(level, []).append((index, node))
    for level, nodes in sorted(by_level.items()):
        stored = _stored_nodes(db, level, nodes[0][0], nodes[-1][0])
        for index, node in nodes:
            if stored.get(index) != node:
                first_leaf = index << level
                what = ("entry body does not match its stored leaf hash" if level == 0
                        else f"stored tree node (level {level}, index {index}) does not match the entries")
                report.problems.append(Problem(what, entry=first_leaf))
                return False
    return True


def _check_tree_and_replay(db: Session, report: Report, expected: dict[str, str | None],
                           progress: Callable[[int], None]) -> None:
    chunk = 1 << CHUNK_LEVEL
    compact: dict[tuple[int, int], bytes] = {}
    size = 0
    for rows in _entry_chunks(db, chunk):
        if rows[0][0] != size:
            report.problems.append(Problem(f"entries are not contiguous: expected entry {size}, found {rows[0][0]}",
                                           entry=size))
            return
        leaves = []
        for offset, (idx, body) in enumerate(rows):
            if idx != size + offset:
                report.problems.append(Problem(f"entries are not contiguous: entry {size + offset} is missing",
                                               entry=size + offset))
                return
            leaves.append(merkle.leaf_hash(body.encode("utf-8")))
            effect = _field(body, "effect")
            if effect in ("write", "delete"):
                expected[_object_key(body)] = _field(body, "content_hash") if effect == "write" else None
        created = merkle.new_complete_nodes(size, leaves, lambda wanted: {k: compact[k] for k in wanted})
        if not _check_nodes(db, created, report):
            return
        size += len(rows)
        report.size = size
        keep = set(merkle.subtree_root_keys(0, size))
        compact = {(lvl, idx): h for lvl, idx, h in created if (lvl, idx) in keep} | {
            k: v for k, v in compact.items() if k in keep}
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


def _check_tables(db: Session, settings: Settings, expected: dict[str, str | None], report: Report) -> None:
    salt = keys.salt(settings)
    for model in LEDGERED_MODELS:
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
            elif log.content_hash(salt, instance.ledger_content()) != want:
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
    expected: dict[str, str | None] = {}
    _check_tree_and_replay(db, report, expected, progress)
    _check_checkpoints(db, settings, report)
    if report.ok:
        _check_tables(db, settings, expected, report)
    return report
