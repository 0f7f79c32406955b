"""Inclusion and consistency proofs from a 1,000,000-entry persistent log, on SQLite and PostgreSQL,
beside one primary-key lookup of an entry in the same database.

`FILLONCE_BENCH_ENTRIES` overrides the log size (default 1,000,000)."""

from __future__ import annotations

import os
import random
import statistics
import time

from sqlalchemy import update

from bench.common import POSTGRES_URL, figure, scratch_engine
from bench.ledger_append import ACTIONS, TYPES, entry_bodies
from fillonce.core.db import make_engine, make_session_factory
from fillonce.ledger import log, merkle
from fillonce.ledger.models import LedgerEntry, LedgerHead

ENTRIES = int(os.environ.get("FILLONCE_BENCH_ENTRIES", "1000000"))
SAMPLES = 1_000
BUILD_LEVEL = 16  # setup batches of 65,536 entries, aligned so only high nodes are needed across batches
ENTRY_COLUMNS = ", ".join(log.ENTRY_COLUMNS)


def build_log(engine, count: int, effect: str = "write", object_type: str | None = None) -> None:
    """Fill an empty migrated database with `count` entries and their nodes (setup, not measured).

    Bodies are not kept (memory); `entry_bodies(n, effect, first)` regenerates the same bytes."""
    kind = engine.dialect.name
    batch = 1 << BUILD_LEVEL
    high: dict[tuple[int, int], bytes] = {}  # nodes at or above BUILD_LEVEL, read by later batches
    for first in range(0, count, batch):
        bodies = entry_bodies(min(batch, count - first), effect, first, object_type)
        leaves = [merkle.leaf_hash(body) for body in bodies]
        nodes = merkle.new_complete_nodes(first, leaves, lambda keys: {k: high[k] for k in keys if k in high})
        high.update(((level, index), h) for level, index, h in nodes if level >= BUILD_LEVEL)
        action = "report.export" if effect == "event" else None
        entries = []
        for offset, body in enumerate(bodies):
            idx = first + offset
            entries.append((idx, leaves[offset], body, object_type or TYPES[idx % len(TYPES)], str(1 + idx // 3),
                            action or ACTIONS[idx % len(ACTIONS)]))
        node_rows = [(log.node_key(level, index), h) for level, index, h in nodes if level and level % log.BAND == 0]
        with engine.begin() as connection:
            raw = connection.connection.driver_connection
            if kind == "sqlite":
                raw.executemany(f"INSERT INTO ledger_entry ({ENTRY_COLUMNS}) VALUES (?,?,?,?,?,?)", entries)
                raw.executemany("INSERT INTO ledger_node (key, hash) VALUES (?, ?)", node_rows)
            else:
                with raw.cursor() as cursor:
                    with cursor.copy(f"COPY ledger_entry ({ENTRY_COLUMNS}) FROM STDIN") as copy:
                        for row in entries:
                            copy.write_row(row)
                    with cursor.copy("COPY ledger_node (key, hash) FROM STDIN") as copy:
                        for row in node_rows:
                            copy.write_row(row)
            connection.execute(update(LedgerHead).where(LedgerHead.id == 1).values(size=first + len(bodies)))
    if kind != "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE ledger_entry")
            connection.exec_driver_sql("ANALYZE ledger_node")


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def measure(engine, count: int, rng: random.Random) -> dict[str, tuple[float, float]]:
    factory = make_session_factory(engine)
    results = {}
    with factory() as db:
        assert log.current_size(db) == count
        # Warm up the connection and the statement caches (each proof shape compiles one IN-list size).
        for _ in range(50):
            log.inclusion_proof(db, rng.randrange(count), count)
            db.get(LedgerEntry, rng.randrange(count))
            db.expunge_all()
        inclusion, consistency, lookups, cpu = [], [], [], []
        for _ in range(SAMPLES):
            size = rng.randint(1, count)
            index = rng.randrange(size)
            cpu_start, start = time.thread_time(), time.perf_counter()
            proof = log.inclusion_proof(db, index, size)
            inclusion.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - cpu_start)
            assert len(proof) <= 64
        for _ in range(SAMPLES):
            new = rng.randint(1, count)
            old = rng.randint(1, new)
            start = time.perf_counter()
            log.consistency_proof(db, old, new)
            consistency.append(time.perf_counter() - start)
        for _ in range(SAMPLES):
            idx = rng.randrange(count)
            start = time.perf_counter()
            found = db.get(LedgerEntry, idx)
            lookups.append(time.perf_counter() - start)
            assert found is not None
            db.expunge_all()  # so the next lookup goes to the database, not the identity map
        # Spot check: a proof from the store verifies against the stored root.
        index = rng.randrange(count)
        leaf = merkle.leaf_hash(db.get(LedgerEntry, index).body)
        assert merkle.verify_inclusion(leaf, index, count, log.inclusion_proof(db, index, count),
                                       log.root_at(db, count))
    results["inclusion"] = _ms(inclusion)
    results["consistency"] = _ms(consistency)
    results["lookup"] = _ms(lookups)
    results["inclusion_cpu"] = _ms(cpu)  # this thread's CPU time: wall minus waiting for the CPU/database
    return results


def _postgres_reachable() -> str | None:
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect():
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "skip"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()


def run() -> None:
    rng = random.Random(9162)
    for kind in ("sqlite", "postgresql"):
        if kind == "postgresql":
            why = _postgres_reachable()
            if why:
                print(f"# ledger_proofs: PostgreSQL at {POSTGRES_URL} unreachable, skipped ({why})", flush=True)
                continue
        with scratch_engine(kind) as engine:
            start = time.perf_counter()
            build_log(engine, ENTRIES)
            print(f"# ledger_proofs[{kind}]: built {ENTRIES} entries in {time.perf_counter() - start:.1f} s "
                  f"(setup, not measured)", flush=True)
            results = measure(engine, ENTRIES, rng)
        lookup_median = results["lookup"][0]
        print(f"# ledger_proofs[{kind}]: inclusion proof CPU time of this thread median "
              f"{results['inclusion_cpu'][0]:.3f} ms, p99 {results['inclusion_cpu'][1]:.3f} ms; "
              f"os.getloadavg() = {os.getloadavg()}", flush=True)
        for name in ("inclusion", "consistency"):
            median, p99 = results[name]
            ok = median < 1 and p99 < 5
            figure("ledger_proofs", f"{kind}_{name}_proof_median_ms", median, "ms",
                   "median db.get(LedgerEntry, idx) ms", lookup_median,
                   goal="median < 1 ms, p99 < 5 ms", met=ok, higher_is_better=False)
            figure("ledger_proofs", f"{kind}_{name}_proof_p99_ms", p99, "ms",
                   "median db.get(LedgerEntry, idx) ms", lookup_median,
                   goal="median < 1 ms, p99 < 5 ms", met=ok, higher_is_better=False)
