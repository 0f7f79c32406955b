"""The per-process cache: newest keys kept, and loading never waits for a second pooled connection."""

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from fillonce.core.cache import KeyedCache, shared
from fillonce.core.models import metadata


def test_the_cache_keeps_the_newest_keys():
    cache: KeyedCache[int] = KeyedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # used: now the newest
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_loading_uses_the_callers_connection_not_a_second_one(tmp_path):
    # With every pooled connection held by requests that each wanted one more, the server deadlocked.
    engine = create_engine(f"sqlite:///{tmp_path / 'one.db'}", pool_size=1, max_overflow=0, pool_timeout=0.5)
    metadata.create_all(engine)
    with Session(engine) as db:
        db.execute(select(1))  # this request holds the pool's only connection
        loaded = shared(db, KeyedCache(2), "answer", ("spec",), lambda session: session.scalar(select(42)))
        assert loaded == 42
