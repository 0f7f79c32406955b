"""`fillonce ledger verify`: recompute the whole tree, check every checkpoint and cosignature, and
check that the data tables are exactly what replaying the log says they should be.

Memory stays bounded: entries are read in aligned chunks, only the compact range of the tree above them
is kept, and the replayed state of every object goes to a temporary SQLite file.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sqlite3
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.core import models as all_models
from fillonce.core.config import Settings
from fillonce.core.db import make_engine
from fillonce.core.iterate import batched
from fillonce.ledger import keys, log, merkle, note
from fillonce.ledger.checkpoint import open_checkpoint
from fillonce.ledger.cosignature import (
    CosignatureError,
    parse_cosigner_verifier_key,
    verify_cosignatures,
)
from fillonce.ledger.models import Checkpoint, Cosignature, LedgerEntry

CHUNK_LEVEL = 14  # 16,384 entries per chunk; chunks are aligned, so each full one is a complete subtree
PARALLEL_MIN_CHUNKS = 8  # below this, starting worker processes costs more than it saves


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


# Fast paths over a whole chunk of bodies joined by newlines (canonical JSON never holds a raw newline).
# Keys are sorted, `details` is flat and a quote inside a JSON string is always escaped, so these patterns
# can only match an entry's own top-level fields; `"idx"` always follows `"effect"`, so one scan finds both.
# The place scan starts at `ffect":"`: the regex engine runs fastest to a first character that is rare, and `f`
# is (a quote is not). Only the entry's `effect` key can end a match so: the keys of `who` and `object` are fixed,
# and a details key ending in `ffect` is never followed by an `idx` key, which details may not reuse.
PLACE_PATTERN = re.compile(rb'ffect":"([a-z]+","idx":\d+)')  # a match: b'write","idx":42'
PLACE_FIELDS = re.compile(rb'([a-z]+)","idx":(\d+)')  # its effect and index
EVENT_PLACE = b'event","idx":%d'
TEN_EVENT_PLACES = b"".join(b'event","idx":{tens}%d\n' % digit for digit in range(10))  # tens left open
REPLAY_PATTERN = re.compile(rb'"content_hash":(?:null|"([0-9a-f]*)"),"details":\{(?:[^"{}]|"(?:[^"\\]|\\.)*")*\},'
                            rb'"effect":"(write|delete)",'
                            rb'"idx":\d+,"object":\{"id":(?:null|"([^"]*)"),"type":"([^"]*)"\}')
REPLAYED_EFFECTS = {b"write", b"delete"}


def _event_places(first: int, stop: int) -> bytes:
    """The places of events first..stop-1 as PLACE_PATTERN finds them, a line each. Built ten lines at a
    time from one formatted number: formatting every index cost a quarter of the whole place check."""
    tens_start = max(1, -(-first // 10)) * 10  # from 10 on, an index is its tens followed by one digit
    tens_stop = max(tens_start, stop // 10 * 10)
    if tens_start >= stop:
        return _formatted_event_places(first, stop)
    tens = map(b"%d".__mod__, range(tens_start // 10, tens_stop // 10))
    return (_formatted_event_places(first, tens_start)
            + b"".join(map(TEN_EVENT_PLACES.replace, repeat(b"{tens}"), tens))
            + _formatted_event_places(tens_stop, stop))


def _formatted_event_places(first: int, stop: int) -> bytes:
    return b"".join(EVENT_PLACE % idx + b"\n" for idx in range(first, stop))


def _effects_if_in_place(bodies: bytes, first: int, stop: int) -> set[bytes] | None:
    """The effects of entries first..stop-1 if each names its own index, in order; else None."""
    places = PLACE_PATTERN.findall(bodies)
    if places[:1] == [EVENT_PLACE % first] and b"\n".join(places) + b"\n" == _event_places(first, stop):
        return {b"event"}  # the usual run of events, recognised by one comparison
    fields = PLACE_FIELDS.findall(b"\n".join(places))  # a short scan: the matches alone
    if list(map(int, map(itemgetter(1), fields))) != list(range(first, stop)):
        return None
    return set(map(itemgetter(0), fields))


# A chunk's stored leaf hashes and bodies as two byte strings, aggregated in index order by the database:
# one row instead of thousands of tuples, which would cost more in garbage collection than in reading.
# (An aggregate in another order could only make a good chunk fail, never a bad one pass.)
# The number of stored leaf hashes that are not 32 bytes comes too: in the joined bytes a short one could be
# made up for by a long neighbour.
#
# The object and action columns, which histories, receipts and quality checks search by, must say what the
# body says, so they come too, each joined by newlines (building the JSON they should appear as in SQL cost
# more than the rest of the query).
CHUNK_QUERIES = {
    "?": "SELECT CAST(group_concat(leaf_hash, '') AS BLOB), CAST(group_concat(body, char(10)) AS BLOB), "
         "sum(length(leaf_hash) <> 32), CAST(group_concat(object_id, char(10)) AS BLOB), "
         "CAST(group_concat(object_type, char(10)) AS BLOB), CAST(group_concat(action, char(10)) AS BLOB) "
         "FROM (SELECT leaf_hash, body, object_id, object_type, action FROM ledger_entry "
         "WHERE idx >= ? AND idx < ? ORDER BY idx)",
    "%s": "SELECT string_agg(leaf_hash, ''::bytea ORDER BY idx), string_agg(body, '\\x0a'::bytea ORDER BY idx), "
          "count(*) FILTER (WHERE length(leaf_hash) <> 32), "
          "convert_to(string_agg(object_id, E'\\n' ORDER BY idx), 'UTF8'), "
          "convert_to(string_agg(object_type, E'\\n' ORDER BY idx), 'UTF8'), "
          "convert_to(string_agg(action, E'\\n' ORDER BY idx), 'UTF8') "
          "FROM ledger_entry WHERE idx >= %s AND idx < %s",
}
# `bject":{` can only be the entry's own object: `who` and `object` have fixed keys, and details are flat.
# Keys are sorted, so every body begins with its action. A value JSON escapes can only make a good chunk take
# the slow path.
OBJECT_PATTERN = re.compile(rb'bject":\{"id":"([^"\\]*)","type":"([^"\\]*)"\}')
ACTION_START = b'{"action":"'


def _columns_match_bodies(bodies: list[bytes], joined: bytes, ids: bytes, types: bytes, actions: bytes) -> bool:
    found = OBJECT_PATTERN.findall(joined)
    if b"\n".join(map(itemgetter(0), found)) != ids or b"\n".join(map(itemgetter(1), found)) != types:
        return False
    starts = [ACTION_START + action + b'"' for action in actions.split(b"\n")]
    return len(starts) == len(bodies) and all(map(bytes.startswith, bodies, starts))


@dataclass
class ChunkResult:
    """What checking entries [first, stop) found: its root if the chunk is a complete subtree of
    2**CHUNK_LEVEL leaves, its first problem, and the last (object key, content hash or None) of each
    object its entries change."""

    first: int
    stop: int
    root: bytes | None = None
    problem: Problem | None = None
    replay: list[tuple[str, bytes | None]] = field(default_factory=list)


def _check_range(connection, mark: str, first: int, stop: int) -> ChunkResult:
    """Check one aligned chunk of entries through a DBAPI connection (the session's, or a worker's own).

    The common case is checked in bulk (joined bytes compared, indexes found by one regex scan);
    only a chunk that fails is walked entry by entry to name its first bad entry."""
    cursor = connection.cursor()
    try:
        cursor.execute(CHUNK_QUERIES[mark], (first, stop))
        stored_leaves, joined, misshapen_leaves, *columns = cursor.fetchone()
        stored_leaves, joined = bytes(stored_leaves or b""), bytes(joined or b"")
        bodies = joined.split(b"\n") if joined else []
        leaves = merkle.leaf_hashes(bodies)
        effects = _effects_if_in_place(joined, first, stop)
        if (misshapen_leaves or len(bodies) != stop - first or stored_leaves != b"".join(leaves)
                or effects is None):
            return ChunkResult(first, stop, problem=_first_bad_entry(cursor, mark, first, stop))
        if not _columns_match_bodies(bodies, joined, *(bytes(column or b"") for column in columns)):
            problem = _first_misindexed(cursor, mark, first, stop)
            if problem:
                return ChunkResult(first, stop, problem=problem)
        replay = _replayed_changes(joined) if effects & REPLAYED_EFFECTS else []
        del joined, bodies
        level, nodes = 0, leaves
        while level < CHUNK_LEVEL and nodes:
            nodes, level = merkle.parent_level(nodes), level + 1
            if level % log.BAND == 0 and nodes:
                bad = _first_unlike_stored(cursor, mark, level, first >> level, nodes)
                if bad is not None:
                    return ChunkResult(first, stop, problem=Problem(
                        f"stored tree node (level {level}, index {bad}) does not match the entries",
                        entry=bad << level))
        root = nodes[0] if stop - first == 1 << CHUNK_LEVEL else None
        return ChunkResult(first, stop, root=root, replay=replay)
    finally:
        cursor.close()


def _replayed_changes(bodies: bytes) -> list[tuple[str, bytes | None]]:
    """(object key, content hash, or None once deleted) of each object these entries write or delete, as
    the last of them leaves it: the replay needs no earlier state, and the verifying process has less to apply."""
    last = {(object_type, object_id): content if effect == b"write" else None
            for content, effect, object_id, object_type in REPLAY_PATTERN.findall(bodies)}
    return [(f"{object_type.decode()}:{(object_id or b'null').decode()}", state)
            for (object_type, object_id), state in last.items()]


def _first_unlike_stored(cursor, mark: str, level: int, first: int, nodes: list[bytes]) -> int | None:
    """Index of the first recomputed band node that differs from the stored one, or None."""
    cursor.execute(f"SELECT hash FROM ledger_node WHERE key >= {mark} AND key < {mark} ORDER BY key",
                   (log.node_key(level, first), log.node_key(level, first + len(nodes))))
    stored = [bytes(row[0]) for row in cursor.fetchall()]
    if stored == nodes:
        return None
    padded = stored + [b""] * (len(nodes) - len(stored))
    return next(first + offset for offset, (node, kept) in enumerate(zip(nodes, padded)) if node != kept)


def _first_bad_entry(cursor, mark: str, first: int, stop: int) -> Problem:
    """Walk a chunk that failed its bulk checks and name its first bad entry."""
    cursor.execute(f"SELECT idx, leaf_hash, body FROM ledger_entry WHERE idx >= {mark} AND idx < {mark} "
                   f"ORDER BY idx", (first, stop))
    rows = cursor.fetchall()
    for expected, (idx, stored_leaf, body) in enumerate(rows, start=first):
        if idx != expected:
            return Problem(f"entries are not contiguous: entry {expected} is missing", entry=expected)
        body = bytes(body)
        if merkle.leaf_hash(body) != bytes(stored_leaf):
            return Problem("entry body does not match its stored leaf hash", entry=idx)
        if _effects_if_in_place(body, idx, idx + 1) is None:
            return Problem("entry is not at the place it was written for (moved or reordered)", entry=idx)
        if b"\n" in body:
            return Problem("entry body is not canonical JSON (it holds a raw line break)", entry=idx)
    missing = first + len(rows)
    return Problem(f"entries are not contiguous: entry {missing} is missing", entry=missing)


def _first_misindexed(cursor, mark: str, first: int, stop: int) -> Problem | None:
    """The first entry whose object or action columns differ from its body, parsed in full; None when the
    bulk check was only thrown by a value JSON escapes."""
    cursor.execute(f"SELECT idx, body, object_type, object_id, action FROM ledger_entry "
                   f"WHERE idx >= {mark} AND idx < {mark} ORDER BY idx", (first, stop))
    for idx, body, object_type, object_id, action in cursor.fetchall():
        try:
            parsed = json.loads(bytes(body))
        except ValueError:
            return Problem("entry body is not JSON", entry=idx)
        if (not isinstance(parsed, dict) or parsed.get("object") != {"type": object_type, "id": object_id}
                or parsed.get("action") != action):
            return Problem(f"entry's indexed columns (object and action {action}) differ from its body",
                           entry=idx, object=f"{object_type}:{object_id}")
    return None


def _check_bands(db: Session, created: list[tuple[int, int, bytes]], report: Report) -> bool:
    """Compare the band nodes above the chunks, recomputed from their roots, with the stored ones."""
    connection = db.connection().connection
    cursor = connection.cursor()
    try:
        for level, index, node in created:
            if level % log.BAND == 0 and _first_unlike_stored(
                    cursor, _placeholder(connection.dbapi_connection), level, index, [node]) is not None:
                report.problems.append(Problem(
                    f"stored tree node (level {level}, index {index}) does not match the entries",
                    entry=index << level))
                return False
    finally:
        cursor.close()
    return True


_worker_connection = None  # a verify worker process's own database connection


def _start_worker(url: str) -> None:
    global _worker_connection
    _worker_connection = make_engine(url).raw_connection()


def _worker_check(bounds: tuple[int, int]) -> ChunkResult:
    return _check_range(_worker_connection, _placeholder(_worker_connection.dbapi_connection), *bounds)


def _placeholder(dbapi_connection) -> str:
    return "?" if isinstance(dbapi_connection, sqlite3.Connection) else "%s"


def _chunk_results(db: Session, ranges: Iterable[tuple[int, int]], count: int, workers: int) -> Iterator[ChunkResult]:
    """Results of `count` chunks in log order: in worker processes with their own connections when that
    pays, else through the session's connection (which also sees this transaction's uncommitted rows)."""
    url = db.get_bind().engine.url
    if workers < 2 or count < PARALLEL_MIN_CHUNKS or url.database in (None, "", ":memory:"):
        connection = db.connection().connection
        for first, stop in ranges:
            yield _check_range(connection, _placeholder(connection.dbapi_connection), first, stop)
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                               initargs=(url.render_as_string(hide_password=False),))
    try:
        # At most two chunks per worker in flight: results waiting for a slower caller would pile up.
        waiting = iter(ranges)
        running = deque(pool.submit(_worker_check, bounds) for bounds in islice(waiting, 2 * workers))
        while running:
            result = running.popleft().result()
            for bounds in islice(waiting, 1):
                running.append(pool.submit(_worker_check, bounds))
            yield result
    finally:
        pool.shutdown(cancel_futures=True)


def _stored_entries(db: Session) -> int:
    """One past the largest stored index: a gap below it is found as a missing entry."""
    last = db.scalar(select(func.max(LedgerEntry.idx)))
    return 0 if last is None else last + 1


def _check_tree_and_replay(db: Session, report: Report, replay: Replay, progress: Callable[[int], None],
                           workers: int) -> None:
    chunk = 1 << CHUNK_LEVEL
    stored = _stored_entries(db)
    # Made as they are needed: a forged row with a huge index must not make a huge list.
    firsts = range(0, stored, chunk)
    ranges = ((first, min(first + chunk, stored)) for first in firsts)
    compact: dict[tuple[int, int], bytes] = {}  # over chunk roots: level 0 here is CHUNK_LEVEL in the log
    chunks = 0
    for result in _chunk_results(db, ranges, len(firsts), workers):
        if result.problem is not None:
            report.problems.append(result.problem)
            return
        replay.record(result.replay)
        if result.root is not None:
            created = merkle.new_complete_nodes(chunks, [result.root], lambda wanted: {k: compact[k] for k in wanted})
            if not _check_bands(db, [(level + CHUNK_LEVEL, index, node) for level, index, node in created if level],
                                report):
                return
            chunks += 1
            keep = set(merkle.subtree_root_keys(0, chunks))
            compact = {k: v for k, v in compact.items() if k in keep}
            compact.update(((level, index), node) for level, index, node in created if (level, index) in keep)
        report.size = result.stop
        progress(report.size)
    head = log.current_size(db)
    if head != report.size:
        report.problems.append(Problem(f"the log head says {head} entries but {report.size} are stored",
                                       entry=min(head, report.size)))


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


class Replay:
    """What the log says each object's state is (its last content hash, or None once deleted), kept in a
    temporary SQLite file: memory stays the same however many objects the log describes."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="fillonce-verify-")
        self._db = sqlite3.connect(Path(self._folder.name) / "replay.db", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")  # scratch data: nothing to recover after a crash
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE state (key TEXT PRIMARY KEY, hash BLOB) WITHOUT ROWID")
        self._db.execute("BEGIN")

    def record(self, changes: list[tuple[str, bytes | None]]) -> None:
        """Apply (object key, state) changes in log order: the last one of each object wins."""
        self._db.executemany("INSERT OR REPLACE INTO state (key, hash) VALUES (?, ?)", changes)

    def take(self, keys: list[str]) -> dict[str, bytes | None]:
        """The states of these objects, forgotten once taken; an object the log never wrote is absent."""
        found: dict[str, bytes | None] = {}
        for chunk in batched(keys, 500):
            marks = ", ".join(["?"] * len(chunk))
            found.update(self._db.execute(f"SELECT key, hash FROM state WHERE key IN ({marks})", chunk))
            self._db.execute(f"DELETE FROM state WHERE key IN ({marks})", chunk)
        return found

    def rest(self, table: str) -> list[tuple[str, bytes | None]]:
        """Objects of `table` not taken yet, in key order, a batch at a time (each batch is taken)."""
        rows = self._db.execute("SELECT key, hash FROM state WHERE key >= ? AND key < ? ORDER BY key LIMIT 2000",
                                (table + ":", table + ";")).fetchall()  # ';' sorts right after ':'
        self.take([key for key, _ in rows])
        return rows

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()


def _check_tables(db: Session, settings: Settings, replay: Replay, report: Report) -> None:
    salt = keys.salt(settings)
    for model in ledgered_models():
        table = model.__tablename__
        for instances in db.scalars(select(model)).yield_per(2000).partitions():
            states = replay.take([f"{table}:{instance.id}" for instance in instances])
            for instance in instances:
                _check_row(db, salt, f"{table}:{instance.id}", instance, states, report)
        while rest := replay.rest(table):
            for key, want in rest:
                if want is not None:
                    report.problems.append(Problem("row in the ledger is missing from the database",
                                                   object=key, entry=_last_entry(db, key)))


def _check_row(db: Session, salt: bytes, key: str, instance, states: dict[str, bytes | None],
               report: Report) -> None:
    report.objects += 1
    if key not in states:
        report.problems.append(Problem("row exists in the database but not in the ledger", object=key))
    elif states[key] is None:
        report.problems.append(Problem("row was deleted in the ledger but is still in the database", object=key))
    elif log.content_hash(salt, instance.ledger_content()).encode() != states[key]:
        report.problems.append(Problem("row differs from its last ledger entry (changed behind the app's back)",
                                       object=key, entry=_last_entry(db, key)))


def _last_entry(db: Session, key: str) -> int | None:
    object_type, _, object_id = key.partition(":")
    return db.scalar(select(func.max(LedgerEntry.idx)).where(LedgerEntry.object_type == object_type,
                                                            LedgerEntry.object_id == object_id))


def verify(db: Session, settings: Settings, progress: Callable[[int], None] = lambda n: None,
           workers: int | None = None) -> Report:
    """`workers` processes check chunks of a large log in parallel (default: one per core); they read
    committed rows through their own connections, so a small log, or `workers=1`, is read in this session."""
    db.expire_all()  # compare what the database holds now, not what this session remembers
    report = Report()
    replay = Replay()
    try:
        _check_tree_and_replay(db, report, replay, progress, workers or os.cpu_count() or 1)
        _check_checkpoints(db, settings, report)
        if report.ok:
            _check_tables(db, settings, replay, report)
    finally:
        replay.close()
    return report
