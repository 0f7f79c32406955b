"""A small process-wide cache for things many requests read and few changes touch.

Keys carry what the value was built from (the database, and the stamp of each kind of object it depends on:
`ledger.log.type_stamps`), so a change anywhere makes a new key instead of needing
an invalidation message; the oldest keys fall out when the cache is full."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from fillonce.core.writepath import changed_anything
from fillonce.ledger.log import type_stamps

V = TypeVar("V")


class KeyedCache(Generic[V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


def shared(db: Session, cache: KeyedCache[V], name: Hashable, sources: Iterable[str],
           load: Callable[[Session], V]) -> V:
    """What `load(session)` gives, loaded once per process for each state of the `sources` object types.

    It is loaded in a session of its own and left detached, so requests on many threads read it without
    any session; callers never change what they get. That session works on the caller's connection, in
    its transaction: the same snapshot as the stamps, and no second connection taken from the pool while
    the caller holds one (threads waiting on each other for the pool's last connections would deadlock).
    A transaction that has changed something loads its own state, which is not for sharing."""
    if changed_anything(db):
        return load(db)
    database, sources = str(db.get_bind().engine.url), tuple(sources)
    key = (database, name, type_stamps(db, sources))
    found = cache.get(key)
    if found is None:
        with Session(bind=db.connection()) as loader:
            found = cache.put(key, load(loader))
    return found
