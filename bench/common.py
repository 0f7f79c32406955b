"""Shared by benchmarks: the figure line format and a scratch database of either kind."""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from fillonce.core import migrate
from fillonce.core.db import make_engine

POSTGRES_URL = os.environ.get("FILLONCE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def figure(bench: str, name: str, value: float, unit: str, baseline: str, baseline_value: float,
           goal: str, met: bool, higher_is_better: bool = True) -> dict:
    ratio = value / baseline_value if baseline_value else None
    line = {"bench": bench, "figure": name, "value": round(value, 4), "unit": unit, "baseline": baseline,
            "baseline_value": round(baseline_value, 4), "ratio": round(ratio, 4) if ratio is not None else None,
            "goal": goal, "met": bool(met)}
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@contextmanager
def scratch_engine(kind: str = "sqlite") -> Iterator:
    """A migrated, empty database that is removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            migrate.upgrade(engine)
            yield engine
            engine.dispose()
        return
    schema = f"fo_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def ensure_bench_keys() -> None:
    """Benchmarks sign and hash with throwaway keys, never a deployment's."""
    if "FILLONCE_LEDGER_KEY_DIR" not in os.environ:
        os.environ["FILLONCE_LEDGER_KEY_DIR"] = tempfile.mkdtemp(prefix="fillonce-bench-keys-")
    from fillonce.core.config import load_settings
    from fillonce.ledger import keys

    keys.ensure_keys(load_settings())


@contextmanager
def demo_city() -> Iterator:
    """The demo city built into a throwaway SQLite file (FILLONCE_DATABASE_URL points at it); yields the runtime."""
    from fillonce.core.config import load_settings
    from fillonce.core.runtime import open_runtime
    from fillonce.demo.build import build_demo

    ensure_bench_keys()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["FILLONCE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'demo.db'}"
        runtime = open_runtime(load_settings(), upgrade=True)
        with runtime.session() as db:
            build_demo(db)
        try:
            yield runtime
        finally:
            runtime.engine.dispose()
